"""A small local Azure Functions host for development: HTTP, queue and timer triggers of a FunctionApp."""

from localdev.host.host import LocalHost

__all__ = ["LocalHost"]
