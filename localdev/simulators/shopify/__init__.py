"""A Shopify shop simulator on 127.0.0.1: Admin REST orders, the Admin GraphQL catalog (CATALOG.md), and signed,
retried order webhooks."""

from localdev.simulators.shopify.deliveries import ShopifyDelivery
from localdev.simulators.shopify.server import ShopifySimulator

__all__ = ["ShopifyDelivery", "ShopifySimulator"]
