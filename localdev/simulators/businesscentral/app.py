"""The aiohttp application: token endpoint, the API behind auth, limits and faults, and the /_sim/ controls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import ValidationError

from localdev.simulators.businesscentral.api import BusinessCentralApi, error_response, json_response
from localdev.simulators.businesscentral.auth import OAuthError, TokenIssuer
from localdev.simulators.businesscentral.catalog_controls import CatalogControls
from localdev.simulators.businesscentral.config import SimulatorConfig
from localdev.simulators.businesscentral.document_controls import DocumentControls
from localdev.simulators.businesscentral.errors import BCError
from localdev.simulators.businesscentral.faults import Fault, FaultPlan, FaultSettings, header_only
from localdev.simulators.businesscentral.invoice_controls import InvoiceControls
from localdev.simulators.businesscentral.limits import Limits, LimitSettings
from localdev.simulators.businesscentral.paths import entity_of
from localdev.simulators.businesscentral.posted_credit_memo_page import PostedCreditMemoPage
from localdev.simulators.businesscentral.published import PublishedServices, service_of
from localdev.simulators.businesscentral.refund_api import RefundApi
from localdev.simulators.businesscentral.release_page import release_orders
from localdev.simulators.businesscentral.return_order_page import ReturnOrderPage
from localdev.simulators.businesscentral.shipment_controls import ShipmentControls
from localdev.simulators.businesscentral.shipment_page import ShipmentPage
from localdev.simulators.businesscentral.stats import Stats
from localdev.simulators.businesscentral.store import Store
from localdev.simulators.businesscentral.webhooks import WebhookControls, Webhooks, WebhookSettings

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Call = Callable[[], Awaitable[web.StreamResponse]]


class Simulation:
    """All state of one running simulator, and the request handlers that use it."""

    def __init__(self, config: SimulatorConfig, store: Store) -> None:
        self.config = config
        self.webhooks = Webhooks(
            WebhookSettings(
                delay_s=config.notification_delay_s,
                collection_threshold=config.notification_collection_threshold,
                retry_delay_s=config.notification_retry_delay_s,
            ),
            frozenset(company["id"] for company in store.companies.values()),
        )
        for table in (store.sales_invoices, store.sales_orders, store.sales_credit_memos, store.customers):
            table.observer = self.webhooks.observe
        self.api = BusinessCentralApi(store, config.page_size, self.webhooks)
        self.refund_api = RefundApi(self.api.payments, config.page_size)
        self.shipment_page = ShipmentPage(store, config.page_size)
        self.posted_credit_memo_page = PostedCreditMemoPage(store, config.page_size)
        self.return_order_page = ReturnOrderPage(store, config.page_size)
        company_name = store.companies.values()[0]["name"]
        self.published = PublishedServices(store, company_name, config.page_size, config.price_lines_modified_at)
        self.controls = CatalogControls(store)
        self.documents = DocumentControls(store)
        self.tokens = TokenIssuer(config.tenant, config.client_id, config.client_secret, config.token_lifetime_s)
        self.limits = Limits(
            LimitSettings(config.max_in_flight, config.max_queued, config.rate_limit, config.rate_window_s)
        )
        self.faults = FaultPlan(config.latency_ms)
        self.stats = Stats()

    def application(self) -> web.Application:
        app = web.Application(middlewares=[_json_errors])
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self.token)
        app.router.add_route("*", "/v2.0/{tenant}/{environment}/api/v2.0{tail:.*}", self.serve_api)
        app.router.add_route("*", "/v2.0/{tenant}/{environment}/ODataV4{tail:.*}", self.serve_odata)
        app.router.add_post(
            "/v2.0/{tenant}/{environment}/api/koppel/sales/v1.0/companies({company})/salesOrders({order})/"
            "Microsoft.NAV.release",
            self.release,
        )
        app.router.add_get(
            "/v2.0/{tenant}/{environment}/api/koppel/sales/v1.0/companies({company})/salesOrders", self.release_orders
        )
        app.router.add_route(
            "*",
            "/v2.0/{tenant}/{environment}/api/koppel/payments/v1.0/companies({company})/{tail:customerRefunds.*}",
            self.serve_refunds,
        )
        shipment_page = "/v2.0/{tenant}/{environment}/api/koppel/shipping/v1.0/companies({company})/salesShipments"
        app.router.add_route("*", shipment_page, self.serve_shipment_page)
        app.router.add_route("*", shipment_page + "({shipment})", self.serve_shipment_page)
        memo_page = "/v2.0/{tenant}/{environment}/api/koppel/payments/v1.0/companies({company})/postedSalesCreditMemos"
        app.router.add_route("*", memo_page, self.serve_posted_credit_memos)
        app.router.add_route("*", memo_page + "({memo})", self.serve_posted_credit_memos)
        return_page = "/v2.0/{tenant}/{environment}/api/koppel/returns/v1.0/companies({company})/salesReturnOrders"
        app.router.add_route("*", return_page, self.serve_return_orders)
        app.router.add_route("*", return_page + "({order})", self.serve_return_orders)
        self.controls.routes(app)
        self.documents.routes(app)
        InvoiceControls(self.api.store).routes(app)
        ShipmentControls(self.api.store).routes(app)
        WebhookControls(self.webhooks).routes(app)
        app.router.add_get("/_sim/faults", self.get_faults)
        app.router.add_post("/_sim/faults", self.set_faults)
        app.router.add_delete("/_sim/faults", self.clear_faults)
        app.router.add_get("/_sim/stats", self.get_stats)
        app.router.add_post("/_sim/stats/reset", self.reset_stats)
        return app

    async def token(self, request: web.Request) -> web.Response:
        try:
            if request.match_info["tenant"] != self.config.tenant:
                raise OAuthError(400, "invalid_request", "AADSTS90002: Tenant not found.")
            if request.content_type != "application/x-www-form-urlencoded":
                raise OAuthError(400, "invalid_request", "AADSTS900144: The request body must be a form post.")
            form = await request.post()
            fields = {name: value for name, value in form.items() if isinstance(value, str)}
            return web.json_response(self.tokens.issue(fields))
        except OAuthError as error:
            return web.json_response(error.body(), status=error.status)

    async def serve_api(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]

        async def call() -> web.StreamResponse:
            api_base = f"{request.url.origin()}/v2.0/{self.config.tenant}/{self.config.environment}/api/v2.0"
            return await self.api.handle(request, tail, api_base)

        return await self._guarded(request, entity_of(tail), call)

    async def serve_refunds(self, request: web.Request) -> web.StreamResponse:
        """Koppel's own API page customerRefunds (not standard BC): the same token, limits and faults as the API."""

        async def call() -> web.StreamResponse:
            return await self.refund_api.handle(request)

        return await self._guarded(request, "customerRefunds", call)

    async def serve_shipment_page(self, request: web.Request) -> web.StreamResponse:
        """Koppel's own API page salesShipments (koppel/shipping/v1.0): the same token, limits and faults as the API."""

        async def call() -> web.StreamResponse:
            return self.shipment_page.handle(request)

        return await self._guarded(request, "koppel/shipping/salesShipments", call)

    async def serve_posted_credit_memos(self, request: web.Request) -> web.StreamResponse:
        """Koppel's own API page postedSalesCreditMemos (koppel/payments/v1.0): the same token, limits and faults as
        the API."""

        async def call() -> web.StreamResponse:
            return self.posted_credit_memo_page.handle(request)

        return await self._guarded(request, "koppel/payments/postedSalesCreditMemos", call)

    async def serve_return_orders(self, request: web.Request) -> web.StreamResponse:
        """Koppel's own API page salesReturnOrders (koppel/returns/v1.0): the same token, limits and faults as the
        API."""

        async def call() -> web.StreamResponse:
            return await self.return_order_page.handle(request)

        return await self._guarded(request, "koppel/returns/salesReturnOrders", call)

    async def serve_odata(self, request: web.Request) -> web.StreamResponse:
        """Published OData v4 web services: the same token, limits and faults as the API."""
        tail = request.match_info["tail"]

        async def call() -> web.StreamResponse:
            odata_base = f"{request.url.origin()}/v2.0/{self.config.tenant}/{self.config.environment}/ODataV4"
            return self.published.handle(request, tail, odata_base)

        return await self._guarded(request, service_of(tail), call)

    async def _guarded(self, request: web.Request, entity: str | None, call: Call) -> web.StreamResponse:
        """Tenant, bearer token, per-client limits, then injected latency and faults around `call`."""
        self.stats.count(request.method, entity)
        try:
            if (request.match_info["tenant"], request.match_info["environment"]) != (
                self.config.tenant,
                self.config.environment,
            ):
                raise BCError(404, "NoEnvironment", "The requested tenant or environment does not exist.")
            limiter = self.limits.for_client(self.tokens.client_of(request.headers.get("Authorization")))
            try:
                limiter.admit()
            except BCError:
                self.stats.rate_limited += 1
                raise
            async with limiter.slot():
                return await self._within_slot(request, call)
        except BCError as error:
            return error_response(error)

    async def _within_slot(self, request: web.Request, call: Call) -> web.StreamResponse:
        if self.faults.latency_s:
            await asyncio.sleep(self.faults.latency_s)
        fault = self.faults.draw(request.method, request.path_qs)
        if fault is not None:
            self.stats.faults[fault.kind] += 1
            if fault.kind in ("429", "503"):
                raise _injected(fault)
            if fault.kind == "slow":
                await asyncio.sleep(self.faults.slow_s)
        response = await call()
        if fault is not None and fault.kind == "lost_response" and request.transport is not None:
            request.transport.close()
        if fault is not None and fault.kind == "create_without_lines":
            _answer_header_only(response)
        return response

    async def release_orders(self, request: web.Request) -> web.StreamResponse:
        """The release page's collection, with the same token, limits and faults as the API."""

        async def call() -> web.StreamResponse:
            return release_orders(request, self.api.store, self.config.page_size)

        return await self._guarded(request, "koppel/sales/salesOrders", call)

    async def release(self, request: web.Request) -> web.StreamResponse:
        """The optional custom API page a partner publishes, since API v2.0 has no release action:
        the order becomes Released (API status "Open"); 204 as BC answers bound actions."""
        try:
            self.tokens.client_of(request.headers.get("Authorization"))
            order = self.api.store.sales_orders.get(request.match_info["order"].lower())
            if order is None:
                raise BCError(404, "BadRequest_NotFound", "The sales order does not exist.")
            order["status"] = "Open"
            self.api.store.sales_orders.stamp(order)
            return web.Response(status=204)
        except BCError as error:
            return error_response(error)

    async def get_faults(self, _request: web.Request) -> web.Response:
        return web.json_response(self.faults.describe())

    async def set_faults(self, request: web.Request) -> web.Response:
        try:
            update = FaultSettings.model_validate_json(await request.read())
        except ValidationError as error:
            message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            return web.json_response({"error": {"code": "BadRequest", "message": message}}, status=400)
        self.faults.configure(update)
        return web.json_response(self.faults.describe())

    async def clear_faults(self, _request: web.Request) -> web.Response:
        self.faults.clear()
        return web.json_response(self.faults.describe())

    async def get_stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self.stats.to_json(self.limits.max_in_flight_seen()))

    async def reset_stats(self, _request: web.Request) -> web.Response:
        self.stats = Stats()
        self.limits.reset_seen()
        return web.json_response(self.stats.to_json(self.limits.max_in_flight_seen()))


def _answer_header_only(response: web.StreamResponse) -> None:
    """A created sales order answered as its header stood before the nested lines went in (faults.header_only)."""
    if isinstance(response, web.Response) and response.status == 201 and isinstance(response.body, bytes):
        response.body = header_only(response.body)


def _injected(fault: Fault) -> BCError:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    if fault.kind == "429":
        return BCError(429, "Application_TooManyRequests", "Too many requests reached.", headers)
    return BCError(503, "ServiceUnavailable", "The service is temporarily unavailable. Try again later.", headers)


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Routing and protocol errors, and BCErrors a handler raises, answered as BC-style JSON; an unexpected bug as a
    logged 500."""
    try:
        return await handler(request)
    except BCError as error:
        return error_response(error)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = "BadRequest_NotFound" if exc.status == 404 else "BadRequest"
        return json_response({"error": {"code": code, "message": exc.reason}}, exc.status)
    except Exception:
        logger.exception("BC simulator failed on %s %s", request.method, request.path)
        return json_response({"error": {"code": "Internal_ServerError", "message": "Simulator error."}}, 500)
