"""The WooCommerce site: REST routes behind consumer-key auth (orders here, the catalog in catalog_api.py), the order
webhook, request statistics, and the /_sim/ controls."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.typedefs import Middleware
from pydantic import BaseModel, ValidationError

from localdev.simulators.woocommerce.batch import BATCH_LIMIT
from localdev.simulators.woocommerce.catalog import Catalog
from localdev.simulators.woocommerce.catalog_api import CatalogApi
from localdev.simulators.woocommerce.catalog_faults import FaultPlan
from localdev.simulators.woocommerce.categories_api import CategoriesApi
from localdev.simulators.woocommerce.controls import DeletedProduct, OrderChanges, OrderDescription, WebhookSettings
from localdev.simulators.woocommerce.errors import WooError, cannot_view, invalid_order_id, no_route
from localdev.simulators.woocommerce.fulfilment import Fulfilment
from localdev.simulators.woocommerce.fulfilment_api import FulfilmentApi
from localdev.simulators.woocommerce.paging import paging_headers
from localdev.simulators.woocommerce.query import OrderQuery
from localdev.simulators.woocommerce.refunds_api import RefundsApi
from localdev.simulators.woocommerce.response_fields import only_fields
from localdev.simulators.woocommerce.shipment_tracking_api import ShipmentTrackingApi
from localdev.simulators.woocommerce.stats import Stats
from localdev.simulators.woocommerce.store import OrderBook
from localdev.simulators.woocommerce.webhook import Webhook
from localdev.simulators.woocommerce.webhooks_api import WebhooksApi
from tests.support.woocommerce import ShopOrder

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REST_BASE = "/wp-json/wc/v3"
M = TypeVar("M", bound=BaseModel)


class WooCommerceSite:
    """All state of one simulated shop; the coroutines run on the server's loop."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        webhook: Webhook,
        site_offset: timedelta,
        batch_limit: int = BATCH_LIMIT,
        *,
        authorization_stripped: bool = False,
    ) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.authorization_stripped = authorization_stripped
        """A proxy in front of the site drops the Authorization header (some hosts do): only the key in the query
        string reaches WooCommerce."""
        self.webhook = webhook
        self.book = OrderBook(site_offset)
        self.catalog = Catalog(site_offset)
        self.stats = Stats()
        self.faults = FaultPlan()
        self.fulfilment = Fulfilment()
        """Order notes, Shipment Tracking entries, e-mails sent (fulfilment_api.py, shipment_tracking_api.py)."""
        self.catalog_api = CatalogApi(self.catalog, self._has_credentials, self.stats, self.faults, batch_limit)
        self.webhooks_api = WebhooksApi(webhook, self._has_credentials)

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._counter(), _woo_errors])
        app.router.add_get(f"{REST_BASE}/orders", self.list_orders)
        app.router.add_get(REST_BASE + "/orders/{order_id}", self.get_order)
        app.router.add_post("/_sim/orders", self.post_order)
        app.router.add_patch("/_sim/orders/{order_id}", self.patch_order)
        app.router.add_post("/_sim/products/deleted", self.post_deleted_product)
        app.router.add_get("/_sim/webhook", self.get_webhook)
        app.router.add_post("/_sim/webhook", self.set_webhook)
        app.router.add_get("/_sim/deliveries", self.get_deliveries)
        app.router.add_get("/_sim/stats", self.get_stats)
        app.router.add_post("/_sim/stats/reset", self.reset_stats)
        self.catalog_api.routes(app, REST_BASE)
        CategoriesApi(self.catalog, self._has_credentials).routes(app, REST_BASE)
        self.webhooks_api.routes(app, REST_BASE)
        FulfilmentApi(self.book, self.update, self.fulfilment, self._has_credentials).routes(app, REST_BASE)
        RefundsApi(self.book, self.update, self.fulfilment, self._has_credentials).routes(app, REST_BASE)
        ShipmentTrackingApi(self.book, self.fulfilment, self._has_credentials).routes(app)
        app.on_cleanup.append(lambda _app: self.webhook.close())
        return app

    async def place(self, order: ShopOrder) -> dict[str, Any]:
        """Store the order, then deliver `order.created`; the answer is the order as it is now."""
        stored = self.book.place(order)
        await self.webhook.deliver("order.created", order.order_id, self.book.payload(stored))
        return self.book.payload(stored)

    async def update(self, order_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        stored = self.book.update(order_id, changes, datetime.now(UTC))
        await self.webhook.deliver("order.updated", order_id, self.book.payload(stored))
        return self.book.payload(stored)

    async def list_orders(self, request: web.Request) -> web.Response:
        self._authenticate(request)
        query = OrderQuery.parse(request.query, self.book.site_offset)
        page = query.select(list(self.book.orders.values()))
        headers = paging_headers(request.url, query.page, page.total, page.total_pages)
        orders = [self.book.payload(stored) for stored in page.orders]
        return _json(only_fields(orders, request.query.get("_fields")), headers=headers)

    async def get_order(self, request: web.Request) -> web.Response:
        self._authenticate(request)
        raw = request.match_info["order_id"]
        if not raw.isdigit() or int(raw) not in self.book.orders:
            raise invalid_order_id()
        return _json(only_fields(self.book.payload(self.book.get(int(raw))), request.query.get("_fields")))

    async def post_order(self, request: web.Request) -> web.Response:
        description = await _body(request, OrderDescription)
        order_id = description.order_id or self.book.next_id()
        if order_id in self.book.orders:
            raise WooError(400, "sim_order_exists", f"Order {order_id} already exists.")
        return _json(await self.place(description.to_order(order_id)), status=201)

    async def patch_order(self, request: web.Request) -> web.Response:
        raw = request.match_info["order_id"]
        if not raw.isdigit() or int(raw) not in self.book.orders:
            raise invalid_order_id()
        changes = await _body(request, OrderChanges)
        return _json(await self.update(int(raw), changes.changes()))

    async def post_deleted_product(self, request: web.Request) -> web.Response:
        deleted = await _body(request, DeletedProduct)
        self.book.delete_product(deleted.sku)
        return _json({"deleted": deleted.sku})

    async def get_webhook(self, _request: web.Request) -> web.Response:
        return _json(self.webhook.describe())

    async def set_webhook(self, request: web.Request) -> web.Response:
        settings = await _body(request, WebhookSettings)
        self.webhook.configure(settings.url, settings.enabled)
        return _json(self.webhook.describe())

    async def get_deliveries(self, _request: web.Request) -> web.Response:
        return _json([delivery._asdict() for delivery in self.webhook.deliveries])

    async def get_stats(self, _request: web.Request) -> web.Response:
        return _json(self.stats.to_json())

    async def reset_stats(self, _request: web.Request) -> web.Response:
        self.stats.reset()
        return _json(self.stats.to_json())

    async def seed(self, products: list[dict[str, Any]]) -> list[int]:
        """Create products as a batch create would, without HTTP (set-ups for big catalogs)."""
        return [self.catalog.create_product(fields).id for fields in products]

    def _counter(self) -> Middleware:
        """Middleware counting each REST request (WooCommerce's and the extensions' under /wp-json/) by method, route
        pattern (under /wp-json/wc/v3 without that prefix) and final status."""

        @web.middleware
        async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
            response = await handler(request)
            if request.path.startswith("/wp-json/"):
                resource = request.match_info.route.resource
                route = resource.canonical.removeprefix(REST_BASE) if resource is not None else "unmatched"
                self.stats.count_request(request.method, route, response.status)
            return response

        return count

    def _authenticate(self, request: web.Request) -> None:
        if not self._has_credentials(request):
            raise cannot_view()

    def _has_credentials(self, request: web.Request) -> bool:
        """HTTP Basic with the consumer key and secret, or both as query parameters."""
        key, secret = request.query.get("consumer_key"), request.query.get("consumer_secret")
        authorization = "" if self.authorization_stripped else request.headers.get("Authorization", "")
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                key, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                key = secret = None
        if key is None or secret is None:
            return False
        key_ok = hmac.compare_digest(key.encode(), self.consumer_key.encode())
        return hmac.compare_digest(secret.encode(), self.consumer_secret.encode()) and key_ok


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), headers=headers, content_type="application/json")


async def _body(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate_json(await request.read())
    except ValidationError as error:
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise WooError(400, "rest_invalid_param", message) from error


@web.middleware
async def _woo_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """WooError and routing errors in WooCommerce's JSON shape; an unexpected bug as a logged 500."""
    try:
        return await handler(request)
    except WooError as error:
        return error.response()
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        return no_route().response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return WooError(exc.status, "rest_error", exc.reason).response()
    except Exception:
        logger.exception("WooCommerce simulator failed on %s %s", request.method, request.path)
        return WooError(500, "internal_server_error", "Simulator error.").response()
