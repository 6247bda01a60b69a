"""The Shopify shop: Admin REST orders behind token, rate limit and version, order webhooks, /_sim/ controls."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timezone
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError

from localdev.simulators.shopify.bucket import LeakyBucket
from localdev.simulators.shopify.controls import CancelRequest, OrderDescription, WebhookTarget
from localdev.simulators.shopify.deliveries import WebhookDispatcher
from localdev.simulators.shopify.faults import DeliveryFaults
from localdev.simulators.shopify.graphql_api import API_VERSION, GraphQLEndpoint
from localdev.simulators.shopify.listing import ListingError, OrderListing
from localdev.simulators.shopify.orders import OrderDraft
from localdev.simulators.shopify.refunds import Refund
from localdev.simulators.shopify.store import OrderStore
from localdev.simulators.shopify.tokens import AccessTokens, GrantRefused

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
M = TypeVar("M", bound=BaseModel)
ADMIN = r"/admin/api/{version:\d{4}-\d{2}}"
TOKEN_GRANT = "/admin/oauth/access_token"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
_CHANGES = TypeAdapter(dict[str, Any])


class ShopifyError(Exception):
    """An answer `{"errors": ...}` with this status."""

    def __init__(self, status: int, errors: object, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(str(errors))
        self.status = status
        self.errors = errors
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        return _json({"errors": self.errors}, self.status, self.headers)


class ShopifyShop:
    """All state of one simulated shop; the coroutines run on the server's loop."""

    def __init__(
        self,
        tokens: AccessTokens,
        zone: timezone,
        bucket: LeakyBucket,
        dispatcher: WebhookDispatcher,
        graphql: GraphQLEndpoint,
        *,
        oldest_supported_version: str = "",
        orders_updated_on_refund: bool = True,
    ) -> None:
        self.tokens = tokens
        self.oldest_supported_version = oldest_supported_version
        self.orders_updated_on_refund = orders_updated_on_refund
        """Send `orders/updated` besides `refunds/create` for a refund (whether Shopify does: unconfirmed)."""
        self.store = OrderStore(zone)
        self.bucket = bucket
        self.dispatcher = dispatcher
        self.graphql = graphql
        graphql.webhooks.delivering = lambda: dispatcher.url
        graphql.fulfillments.orders = self.store.orders
        graphql.refunds.on_refund = self._refunded

    def application(self) -> web.Application:
        app = web.Application(middlewares=[_errors, self._admin_gate])
        app.router.add_post(TOKEN_GRANT, self.grant_token)
        app.router.add_get(f"{ADMIN}/orders.json", self.list_orders)
        app.router.add_get(ADMIN + r"/orders/{order_id:\d+}.json", self.get_order)
        app.router.add_post("/_sim/orders", self.post_order)
        app.router.add_patch(r"/_sim/orders/{order_id:\d+}", self.patch_order)
        app.router.add_post(r"/_sim/orders/{order_id:\d+}/cancel", self.post_cancel)
        app.router.add_get("/_sim/faults", self.get_faults)
        app.router.add_post("/_sim/faults", self.set_faults)
        app.router.add_delete("/_sim/faults", self.clear_faults)
        app.router.add_post("/_sim/webhook", self.set_webhook)
        app.router.add_get("/_sim/deliveries", self.get_deliveries)
        self.graphql.add_routes(app.router, ADMIN)
        app.on_cleanup.append(lambda _app: self.dispatcher.close())
        return app

    async def place(self, draft: OrderDraft, created: datetime | None) -> dict[str, Any]:
        now = datetime.now(UTC)
        order = self.store.place(draft, created or now)
        self.dispatcher.notify("orders/create", order, str(uuid.uuid4()), now)
        return _copy(order)

    async def update(self, order_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC)
        order = self.store.update(order_id, changes, now)
        self.dispatcher.notify("orders/updated", order, str(uuid.uuid4()), now)
        return _copy(order)

    async def cancel(self, order_id: int, reason: str) -> dict[str, Any]:
        """Cancelling notifies `orders/cancelled` and `orders/updated`, one event id for both."""
        now = datetime.now(UTC)
        order = self.store.cancel(order_id, reason, now)
        event_id = str(uuid.uuid4())
        for topic in ("orders/cancelled", "orders/updated"):
            self.dispatcher.notify(topic, order, event_id, now)
        return _copy(order)

    def _refunded(self, refund: Refund) -> None:
        """A refund made (in the admin, or by `refundCreate`) notifies `refunds/create` with the REST refund and,
        unless `orders_updated_on_refund` is off, `orders/updated` with the order (the latter unconfirmed: see
        REFUNDS.md), one event id for both."""
        now = datetime.now(UTC)
        order = self.store.update(refund.order_id, {}, now)
        event_id = str(uuid.uuid4())
        [body] = [made for made in order["refunds"] if made["admin_graphql_api_id"] == refund.id]
        self.dispatcher.notify("refunds/create", order, event_id, now, body)
        if self.orders_updated_on_refund:
            self.dispatcher.notify("orders/updated", order, event_id, now)

    async def idle(self) -> bool:
        return not self.dispatcher.pending

    async def grant_token(self, request: web.Request) -> web.Response:
        """The client credentials grant: a token that expires; a refused grant is an OAuth error (400)."""
        try:
            if request.content_type == "application/json":
                fields = {key: str(value) for key, value in _CHANGES.validate_json(await request.read()).items()}
            else:
                fields = {key: str(value) for key, value in (await request.post()).items()}
            return _json(self.tokens.grant(fields))
        except ValidationError:
            return _json({"error": "invalid_request", "error_description": "The request body is not JSON."}, 400)
        except GrantRefused as refused:
            return _json({"error": refused.error, "error_description": refused.description}, 400)

    async def list_orders(self, request: web.Request) -> web.Response:
        zone = self.store.zone
        try:
            listing = OrderListing.parse(request.query, zone)
            orders, cursor = listing.page(self.store.newest_first(), zone)
        except ListingError as error:
            raise ShopifyError(400, {error.name: [error.message]}) from error
        headers: dict[str, str] = {}
        if cursor is not None:
            next_url = request.url.with_query({"limit": str(listing.limit), "page_info": cursor})
            if listing.fields is not None:
                next_url = next_url.update_query(fields=",".join(listing.fields))
            headers["Link"] = f'<{next_url}>; rel="next"'
        return _json({"orders": orders}, headers=headers)

    async def get_order(self, request: web.Request) -> web.Response:
        order_id = int(request.match_info["order_id"])
        if order_id not in self.store.orders:
            raise ShopifyError(404, "Not Found")
        return _json({"order": self.store.get(order_id)})

    async def post_order(self, request: web.Request) -> web.Response:
        description = await _body(request, OrderDescription)
        return _json(await self.place(description.draft(), None), status=201)

    async def patch_order(self, request: web.Request) -> web.Response:
        order_id = self._known(request)
        try:
            changes = _CHANGES.validate_json(await request.read())
            return _json(await self.update(order_id, changes))
        except (ValidationError, ValueError) as error:
            raise ShopifyError(422, {"order": [str(error)]}) from error

    async def post_cancel(self, request: web.Request) -> web.Response:
        order_id = self._known(request)
        body = await request.read()
        reason = (await _body(request, CancelRequest)).reason if body.strip() else "customer"
        try:
            return _json(await self.cancel(order_id, reason))
        except ValueError as error:
            raise ShopifyError(422, {"base": [str(error)]}) from error

    async def get_faults(self, _request: web.Request) -> web.Response:
        return _json(self.dispatcher.faults.model_dump())

    async def set_faults(self, request: web.Request) -> web.Response:
        self.dispatcher.faults = self.dispatcher.faults.merged(await _body(request, DeliveryFaults))
        return _json(self.dispatcher.faults.model_dump())

    async def clear_faults(self, _request: web.Request) -> web.Response:
        self.dispatcher.faults = DeliveryFaults()
        return _json(self.dispatcher.faults.model_dump())

    async def set_webhook(self, request: web.Request) -> web.Response:
        self.dispatcher.url = (await _body(request, WebhookTarget)).url
        return _json({"url": self.dispatcher.url})

    async def get_deliveries(self, _request: web.Request) -> web.Response:
        return _json([delivery._asdict() for delivery in self.dispatcher.deliveries])

    def _known(self, request: web.Request) -> int:
        order_id = int(request.match_info["order_id"])
        if order_id not in self.store.orders:
            raise ShopifyError(404, "Not Found")
        return order_id

    @web.middleware
    async def _admin_gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Admin API calls need a valid access token (the static one, or one granted and not expired). REST calls
        need room in the leaky bucket and every REST answer shows its level; GraphQL calls are priced by query cost
        instead (see `graphql_api`). A version older than the oldest supported one is served as that one, and every
        answer names the version used in `X-Shopify-API-Version` (shopify.dev/tutorials/
        update-your-app-to-a-new-api-version, "Log for API response headers")."""
        if not request.path.startswith("/admin/") or request.path == TOKEN_GRANT:
            return await handler(request)
        if not self.tokens.valid(request.headers.get("X-Shopify-Access-Token", "")):
            raise ShopifyError(401, INVALID_TOKEN)
        headers = {} if request.path.endswith("/graphql.json") else self._take_rest_call()
        version = request.match_info.get("version")
        if version is not None:
            request[API_VERSION] = max(version, self.oldest_supported_version)
            headers["X-Shopify-API-Version"] = request[API_VERSION]
        try:
            response = await handler(request)
        except ShopifyError as error:
            error.headers.update(headers)
            raise
        response.headers.update(headers)
        return response

    def _take_rest_call(self) -> dict[str, str]:
        """One call from the REST bucket (429 when it is full); the call-limit header to answer with."""
        if not self.bucket.take():
            limit = f"{self.bucket.size}/{self.bucket.size}"
            raise ShopifyError(429, THROTTLED, {"Retry-After": "2.0", "X-Shopify-Shop-Api-Call-Limit": limit})
        return {"X-Shopify-Shop-Api-Call-Limit": f"{self.bucket.used}/{self.bucket.size}"}


def _copy(order: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(order))
    return copied


def _json(body: object, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), headers=headers, content_type="application/json")


async def _body(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate_json(await request.read())
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        raise ShopifyError(400, {"body": problems}) from error


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """ShopifyError and routing errors as `{"errors": ...}`; an unexpected bug as a logged 500."""
    try:
        return await handler(request)
    except ShopifyError as error:
        return error.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return ShopifyError(exc.status, "Not Found" if exc.status == 404 else exc.reason).response()
    except Exception:
        logger.exception("Shopify simulator failed on %s %s", request.method, request.path)
        return ShopifyError(500, "Internal Server Error").response()
