"""A Business Central API v2.0 simulator on 127.0.0.1, for the demo and the integration tests."""

from localdev.simulators.businesscentral.server import BusinessCentralSimulator

__all__ = ["BusinessCentralSimulator"]
