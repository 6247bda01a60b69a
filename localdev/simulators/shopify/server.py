"""ShopifySimulator: a Shopify shop (Admin REST orders, the Admin GraphQL catalog, order webhooks) on 127.0.0.1."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import TracebackType
from typing import Any

from localdev.simulators.background import BackgroundServer
from localdev.simulators.shopify.app import ShopifyShop
from localdev.simulators.shopify.bucket import LeakyBucket
from localdev.simulators.shopify.catalog import Catalog
from localdev.simulators.shopify.cost_bucket import CostBucket
from localdev.simulators.shopify.deliveries import ShopifyDelivery, WebhookDispatcher, WebhookSettings
from localdev.simulators.shopify.graphql_api import GraphQLEndpoint
from localdev.simulators.shopify.orders import OrderDraft
from localdev.simulators.shopify.tokens import AccessTokens
from tests.support.woocommerce import ShopCustomer, ShopLine

_CALL_TIMEOUT_S = 10.0


class ShopifySimulator:
    """The app's client id, client secret and static access token default to random ones; read them back from the
    attributes. The static token stands for a custom app made in the Shopify admin before 2026 (`access_token=""`:
    none, as for an app made in the Dev Dashboard); `POST /admin/oauth/access_token` grants tokens for the client
    id and secret that expire after `token_lifetime_s` of `clock` (Shopify's 24 hours by default).

    `bucket_size`/`leak_per_s` shape the REST call bucket; `graphql_bucket_size`/`graphql_restore_rate` the
    GraphQL cost bucket (Shopify's standard 1000 points, 50 a second). `clock` drives both buckets, the
    idempotency keys' expiry and the granted tokens' expiry: pass a settable one to test them without waiting.
    `location_names` are the shop's locations, in id order. `oldest_supported_version`: a call to an older API
    version is served as this one, as Shopify does once a version is no longer supported (blank: every version).
    `orders_updated_on_refund=False`: a refund sends `refunds/create` only, not `orders/updated` too (REFUNDS.md;
    `shop.orders_updated_on_refund` switches it on a running shop).
    """

    def __init__(
        self,
        port: int = 0,
        *,
        shop_domain: str = "koppel-demo.myshopify.com",
        api_version: str = "2025-10",
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        token_lifetime_s: float = 86399.0,
        webhook_url: str | None = None,
        retry_delays_s: Sequence[float] = (1.0, 2.0, 4.0),
        delivery_timeout_s: float = 5.0,
        shop_offset_hours: int = 1,
        bucket_size: int = 40,
        leak_per_s: float = 2.0,
        seed: int = 0,
        graphql_bucket_size: float = 1000.0,
        graphql_restore_rate: float = 50.0,
        clock: Callable[[], float] = time.monotonic,
        location_names: Sequence[str] = ("Hoofdmagazijn",),
        oldest_supported_version: str = "",
        orders_updated_on_refund: bool = True,
    ) -> None:
        self.shop_domain = shop_domain
        self.api_version = api_version
        self.client_id = client_id or secrets.token_hex(16)
        self.client_secret = client_secret or secrets.token_hex(16)
        self.access_token = f"shpat_{secrets.token_hex(16)}" if access_token is None else access_token
        self.tokens = AccessTokens(
            self.client_id, self.client_secret, self.access_token or None, token_lifetime_s, clock
        )
        settings = WebhookSettings(
            self.client_secret, shop_domain, api_version, tuple(retry_delays_s), delivery_timeout_s
        )
        self.catalog = Catalog(tuple(location_names))
        self.shop = ShopifyShop(
            self.tokens,
            timezone(timedelta(hours=shop_offset_hours)),
            LeakyBucket(bucket_size, leak_per_s, clock),
            WebhookDispatcher(settings, webhook_url, seed),
            GraphQLEndpoint(self.catalog, CostBucket(graphql_bucket_size, graphql_restore_rate, clock), clock),
            oldest_supported_version=oldest_supported_version,
            orders_updated_on_refund=orders_updated_on_refund,
        )
        self._server = BackgroundServer("shopify", port)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_base(self) -> str:
        return f"{self.url}/admin/api/{self.api_version}"

    @property
    def graphql_url(self) -> str:
        return f"{self.api_base}/graphql.json"

    @property
    def token_url(self) -> str:
        return f"{self.url}/admin/oauth/access_token"

    @property
    def deliveries(self) -> list[ShopifyDelivery]:
        return list(self.shop.dispatcher.deliveries)

    def start(self, timeout: float = 10.0) -> ShopifySimulator:
        self._server.start(self.shop.application, timeout)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.stop(timeout)

    def place_order(
        self,
        lines: Sequence[ShopLine],
        customer: ShopCustomer,
        *,
        taxes_included: bool = True,
        currency: str = "EUR",
        shipping_price: Decimal | str = "4.95",
        discount_percent: Decimal | int = 0,
        financial_status: str = "paid",
        tags: str = "",
        note_attributes: Mapping[str, str] | None = None,
        test: bool = False,
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        """Check out an order and queue `orders/create`; returns the order JSON at once."""
        draft = OrderDraft(
            lines=tuple(lines),
            customer=customer,
            taxes_included=taxes_included,
            currency=currency,
            shipping_price=Decimal(shipping_price),
            discount_percent=Decimal(discount_percent),
            financial_status=financial_status,
            tags=tags,
            note_attributes=tuple((note_attributes or {}).items()),
            test=test,
        )
        return self._server.call(self.shop.place(draft, created_at), _CALL_TIMEOUT_S)

    def update_order(self, order_id: int, **changes: Any) -> dict[str, Any]:
        """Change status fields, tags, note ... (not money) and queue `orders/updated`."""
        return self._server.call(self.shop.update(order_id, changes), _CALL_TIMEOUT_S)

    def cancel_order(self, order_id: int, reason: str = "customer") -> dict[str, Any]:
        """Cancel and queue `orders/cancelled` and `orders/updated`, sharing one event id."""
        return self._server.call(self.shop.cancel(order_id, reason), _CALL_TIMEOUT_S)

    def catalog_products(self) -> list[dict[str, Any]]:
        """Every product as stored (as `GET /_sim/products` shows them), in id order."""
        return self._server.call(self._products(), _CALL_TIMEOUT_S)

    async def _products(self) -> list[dict[str, Any]]:
        return [product.to_json() for product in self.catalog.sorted_products(lambda _p: True)]

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Return once no webhook is queued, held or being retried; TimeoutError if that takes too long."""
        deadline = time.monotonic() + timeout
        while not self._server.call(self.shop.idle(), _CALL_TIMEOUT_S):
            if time.monotonic() > deadline:
                raise TimeoutError(f"webhook deliveries still pending after {timeout} s")
            time.sleep(0.02)

    def __enter__(self) -> ShopifySimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
