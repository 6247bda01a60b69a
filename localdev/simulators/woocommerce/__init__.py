"""A WooCommerce shop simulator on 127.0.0.1: REST API v3 orders and catalog, and signed order webhooks."""

from localdev.simulators.woocommerce.server import WooCommerceSimulator
from localdev.simulators.woocommerce.webhook import WooDelivery

__all__ = ["WooCommerceSimulator", "WooDelivery"]
