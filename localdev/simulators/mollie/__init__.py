"""A Mollie simulator on 127.0.0.1: payments API v2 with refunds and chargebacks, classic webhook calls retried on
Mollie's schedule (compressed by a time scale), optional signed next-gen events. See CATALOG.md."""

from localdev.simulators.mollie.server import MollieSimulator
from localdev.simulators.mollie.webhooks import MollieDelivery, mollie_signature

__all__ = ["MollieDelivery", "MollieSimulator", "mollie_signature"]
