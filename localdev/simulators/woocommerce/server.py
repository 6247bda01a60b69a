"""WooCommerceSimulator: a WooCommerce shop (REST API v3 orders and catalog, order webhooks) on 127.0.0.1."""

from __future__ import annotations

import secrets
from datetime import timedelta
from types import TracebackType
from typing import Any

from localdev.simulators.background import BackgroundServer
from localdev.simulators.woocommerce.app import WooCommerceSite
from localdev.simulators.woocommerce.batch import BATCH_LIMIT
from localdev.simulators.woocommerce.catalog import Catalog
from localdev.simulators.woocommerce.fulfilment import Fulfilment, SentEmail
from localdev.simulators.woocommerce.webhook import Webhook, WooDelivery
from tests.support.woocommerce import ShopOrder

_CALL_MARGIN_S = 5.0


class WooCommerceSimulator:
    """Keys and the webhook secret default to random ones; read them back from the attributes."""

    def __init__(
        self,
        port: int = 0,
        *,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        webhook_secret: str | None = None,
        webhook_url: str | None = None,
        site_offset_hours: int = 1,
        webhook_timeout_s: float = 60.0,
        webhook_id: int = 1,
        batch_limit: int = BATCH_LIMIT,
        authorization_stripped: bool = False,
    ) -> None:
        """`authorization_stripped`: a proxy in front drops the Authorization header, so HTTP Basic never arrives."""
        self.consumer_key = consumer_key or f"ck_{secrets.token_hex(20)}"
        self.consumer_secret = consumer_secret or f"cs_{secrets.token_hex(20)}"
        self.webhook_secret = webhook_secret or secrets.token_urlsafe(24)
        self.webhook = Webhook(webhook_id, self.webhook_secret, webhook_url, webhook_timeout_s)
        self.site = WooCommerceSite(
            self.consumer_key,
            self.consumer_secret,
            self.webhook,
            timedelta(hours=site_offset_hours),
            batch_limit,
            authorization_stripped=authorization_stripped,
        )
        self._server = BackgroundServer("woocommerce", port)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_base(self) -> str:
        return f"{self.url}/wp-json/wc/v3"

    @property
    def deliveries(self) -> list[WooDelivery]:
        return list(self.webhook.deliveries)

    @property
    def catalog(self) -> Catalog:
        """The products and variations; read it while no request runs (the server's loop owns it)."""
        return self.site.catalog

    @property
    def fulfilment(self) -> Fulfilment:
        """Order notes, Shipment Tracking entries, e-mails sent, faults waiting; read while no request runs."""
        return self.site.fulfilment

    @property
    def emails(self) -> list[SentEmail]:
        """The customer e-mails WooCommerce sent (Completed order, Customer note), oldest first."""
        return list(self.site.fulfilment.emails)

    def install_shipment_tracking(self, installed: bool = True) -> None:
        """WooCommerce Shipment Tracking installed (its REST routes answer) or not (404 `rest_no_route`)."""
        self.site.fulfilment.tracking_installed = installed

    def seed_products(self, products: list[dict[str, Any]], timeout: float = 120.0) -> list[int]:
        """Create products from REST bodies on the server's loop, without HTTP; returns their ids."""
        return self._server.call(self.site.seed(products), timeout)

    def start(self, timeout: float = 10.0) -> WooCommerceSimulator:
        self._server.start(self.site.application, timeout)
        self.webhook.source = f"{self.url}/"
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.stop(timeout)

    def place_order(self, order: ShopOrder) -> dict[str, Any]:
        """Store the order and deliver `order.created`; returns after the delivery attempt."""
        return self._server.call(self.site.place(order), self._call_timeout)

    def update_order(self, order_id: int, **changes: Any) -> dict[str, Any]:
        """Change ShopOrder fields (status="completed", ...) and deliver `order.updated`."""
        return self._server.call(self.site.update(order_id, changes), self._call_timeout)

    def delete_product(self, sku: str) -> None:
        """Delete the product with this SKU: the orders that have it show `sku: null` from now on (no webhook)."""
        self._server.call(self._delete_product(sku), self._call_timeout)

    async def _delete_product(self, sku: str) -> None:
        self.site.book.delete_product(sku)

    @property
    def _call_timeout(self) -> float:
        return self.webhook.timeout_s + _CALL_MARGIN_S

    def __enter__(self) -> WooCommerceSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
