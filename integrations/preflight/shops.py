"""Preflight of the shops, read-only: each shop's REST key (WooCommerce) or Admin API access (Shopify) accepted,
with a one-order read of the order list the recovery timer reads. Whether the shops' webhooks point at this app is
not checked yet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from domain.errors import RetryableError
from domain.preflight import Check, failed, passed
from integrations.per_shop_settings import shop_setting
from integrations.shops.shopify.client import SCOPES, ShopifyClient
from integrations.shops.woocommerce.client import WooCommerceClient


class ShopPreflight:
    what = "the shops' APIs"

    def __init__(self, woocommerce: Mapping[str, WooCommerceClient], shopify: Mapping[str, ShopifyClient]) -> None:
        """Per shop name, its client."""
        self._woocommerce = woocommerce
        self._shopify = shopify

    def checks(self) -> Iterator[Check]:
        for shop, client in self._woocommerce.items():
            yield self._woocommerce_key(shop, client)
        for shop, admin in self._shopify.items():
            yield self._shopify_access(shop, admin)

    def _woocommerce_key(self, shop: str, client: WooCommerceClient) -> Check:
        name = f"WooCommerce shop {shop}: REST API key"
        try:
            client.get(client.url("orders"), {"per_page": "1"}, "the order list")
        except RetryableError as error:
            settings = ", ".join(shop_setting("woocommerce", kind, shop) for kind in ("URL", "KEY", "API_SECRET"))
            fix = (
                f"check {settings}: a key with Read permission, Read/Write when the catalog runs for this shop "
                "(WooCommerce > Settings > Advanced > REST API)"
            )
            return failed(name, str(error), fix)
        return passed(name, "the key reads the order list")

    def _shopify_access(self, shop: str, client: ShopifyClient) -> Check:
        name = f"Shopify shop {shop}: Admin API access"
        try:
            client.get(client.url("orders.json"), {"limit": "1", "status": "any"}, "the order list")
        except RetryableError as error:
            kinds = ("URL", "TOKEN", "CLIENT_ID", "CLIENT_SECRET")
            settings = ", ".join(shop_setting("shopify", kind, shop) for kind in kinds)
            return failed(name, str(error), f"check {settings} and the app's scopes ({SCOPES})")
        return passed(name, "the app reads the order list")
