"""An order's status and notes over REST, as WC_REST_Orders_Controller and WC_REST_Order_Notes_Controller (v3) serve
them: `PUT|POST|PATCH /orders/{id}` (only `status` is modelled), `GET|POST /orders/{id}/notes`; and the /_sim/
controls of what happens after the sale (fulfilment.py): the Shipment Tracking extension installed or not, the
e-mails sent, faults on these routes.

Drawn faults (the rates) answer in a middleware, so they reach the order's GET, which app.py serves, as well: every
call to an order, its notes, its refunds (refunds_api.py) or its Shipment Tracking entries (not `/providers`) draws
once."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from localdev.simulators.woocommerce.catalog_faults import UNAVAILABLE_PAGE, batch_fault_response
from localdev.simulators.woocommerce.categories_api import _body, _json
from localdev.simulators.woocommerce.errors import WooError, refused
from localdev.simulators.woocommerce.fulfilment import Fulfilment, OrderNote, Route, RouteFaults
from localdev.simulators.woocommerce.refunds import RefundOptions
from localdev.simulators.woocommerce.store import OrderBook
from localdev.simulators.woocommerce.wp_schema import BOOLEAN, STRING, is_boolean, one_of, validate

ORDER_STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed")
"""wc_get_order_statuses() without `wc-`: the `status` enum of the v3 order schema on a shop without plugins."""
NOTE_RULES = {"note": STRING, "customer_note": BOOLEAN, "added_by_user": BOOLEAN}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RATED_ROUTE_ENDS = (
    "/orders/{order_id}",
    "/orders/{order_id}/notes",
    "/orders/{order_id}/refunds",
    "/shipment-trackings",
    "/shipment-trackings/{tracking_id}",
)
"""The routes under /wp-json/ the rates apply to, as aiohttp names them (without their patterns)."""
RATE_LIMIT_PAGE = (
    "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests"
    "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
"""nginx's own page for 429 (`limit_req_status 429`): a host's rate limit, WooCommerce's REST API has none."""
GATEWAY_TIMEOUT_PAGE = (
    "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out"
    "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
Update = Callable[[int, dict[str, Any]], Awaitable[dict[str, Any]]]


class FulfilmentApi:
    def __init__(
        self, book: OrderBook, update: Update, state: Fulfilment, has_credentials: Callable[[web.Request], bool]
    ) -> None:
        """`update` changes the order and delivers `order.updated` (the site's)."""
        self.book = book
        self.update = update
        self.state = state
        self.has_credentials = has_credentials

    def routes(self, app: web.Application, rest_base: str) -> None:
        order = rest_base + r"/orders/{order_id:\d+}"
        for method in ("PUT", "POST", "PATCH"):
            app.router.add_route(method, order, self.faulty("status", self.update_order))
        app.router.add_get(f"{order}/notes", self.faulty("notes", self.list_notes))
        app.router.add_post(f"{order}/notes", self.faulty("notes", self.create_note))
        app.router.add_get("/_sim/emails", self.get_emails)
        app.router.add_post("/_sim/extensions", self.set_extensions)
        app.router.add_get("/_sim/faults/fulfilment", self.get_faults)
        app.router.add_post("/_sim/faults/fulfilment", self.add_faults)
        app.router.add_delete("/_sim/faults/fulfilment", self.clear_faults)
        app.middlewares.append(rate_faults(self.state))

    def faulty(self, route: Route, handler: Handler) -> Handler:
        return with_faults(self.state, route, handler)

    async def update_order(self, request: web.Request) -> web.Response:
        self._allow(request, "edit")
        order_id = int(request.match_info["order_id"])
        fields = await _body(request)
        unmodelled = sorted(set(fields) - {"status"})
        if unmodelled:
            raise WooError(400, "sim_not_modelled", f"The simulator changes only an order's status, not {unmodelled}.")
        validate(fields, {"status": one_of(*ORDER_STATUSES)})
        if order_id not in self.book.orders:
            raise WooError(400, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        before = self.book.get(order_id).order.status
        after = fields.get("status")
        if after is None or after == before:
            return _json(self.book.payload(self.book.get(order_id)))
        payload = await self.update(order_id, {"status": after})
        self.state.status_changed(order_id, before, after)
        if after == "refunded":
            self._refund_the_rest(order_id, payload)
            payload = self.book.payload(self.book.get(order_id))
        return _json(payload)

    def _refund_the_rest(self, order_id: int, order: dict[str, Any]) -> None:
        """wc_order_fully_refunded: an order set `refunded` gets a refund of what it had left, no gateway asked."""
        left = Decimal(order["total"]) - self.book.refunds.refunded(order_id)
        if left > 0:
            options = RefundOptions(reason="Order fully refunded.", refund_payment=False, restock_items=False)
            self.book.refunds.create(order_id, Decimal(order["total"]), left, options)
            note = (
                "Order status set to refunded. To return funds to the customer you will need to issue a refund "
                "through your payment gateway."
            )
            self.state.add_note(order_id, note, False)

    async def list_notes(self, request: web.Request) -> web.Response:
        self._allow(request, "view")
        kind = request.query.get("type", "any")
        validate({"type": kind}, {"type": one_of("any", "customer", "internal")})
        order_id = int(request.match_info["order_id"])
        if order_id not in self.book.orders:
            raise WooError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid order ID.")
        return _json([self._note(note) for note in self.state.notes_of(order_id, kind)])

    async def create_note(self, request: web.Request) -> web.Response:
        self._allow(request, "create")
        fields = await _body(request)
        if fields.get("note") is None:
            extra = {"params": ["note"]}
            raise WooError(400, "rest_missing_callback_param", "Missing parameter(s): note", extra=extra)
        validate(fields, NOTE_RULES)
        if fields.get("id"):
            raise WooError(400, "woocommerce_rest_shop_order_exists", "Cannot create existing shop_order.")
        order_id = int(request.match_info["order_id"])
        if order_id not in self.book.orders:
            raise WooError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
        customer_note = _flag(fields.get("customer_note"))
        author = "Koppel" if _flag(fields.get("added_by_user")) else "system"
        note = self.state.add_note(order_id, str(fields["note"]), customer_note, author)
        location = f"{request.url.with_query(None)}/{note.id}"
        return _json(self._note(note), status=201, headers={"Location": location})

    async def get_emails(self, _request: web.Request) -> web.Response:
        return _json(
            [email.__dict__ | {"tracking_numbers": list(email.tracking_numbers)} for email in self.state.emails]
        )

    async def set_extensions(self, request: web.Request) -> web.Response:
        """`{"shipment_tracking": true}`: WooCommerce Shipment Tracking is installed (its routes answer)."""
        fields = await _body(request)
        installed = fields.get("shipment_tracking")
        if not isinstance(installed, bool):
            raise WooError(400, "sim_invalid", "shipment_tracking must be true or false")
        self.state.tracking_installed = installed
        return _json({"shipment_tracking": installed})

    async def get_faults(self, _request: web.Request) -> web.Response:
        return self._faults()

    async def add_faults(self, request: web.Request) -> web.Response:
        try:
            settings = RouteFaults.model_validate_json(await request.read())
        except ValueError as error:
            raise WooError(400, "sim_invalid", str(error)) from error
        self.state.faults.extend(settings.faults)
        if settings.rates is not None:
            self.state.set_rates(settings.rates)
        return self._faults()

    async def clear_faults(self, _request: web.Request) -> web.Response:
        self.state.clear_faults()
        return self._faults()

    def _faults(self) -> web.Response:
        """The faults waiting, the rates and the faults drawn so far, by kind."""
        drawn = {kind: self.state.drawn[kind] for kind in ("429", "503", "lost_answer")}
        faults = [fault.model_dump() for fault in self.state.faults]
        return _json({"faults": faults, "rates": self.state.rates.model_dump(), "drawn": drawn})

    def _note(self, note: OrderNote) -> dict[str, Any]:
        return {
            "id": note.id,
            "author": note.author,
            "date_created": self.book.local(note.created).isoformat(timespec="seconds"),
            "date_created_gmt": note.created.replace(tzinfo=None).isoformat(timespec="seconds"),
            "note": note.note,
            "customer_note": note.customer_note,
        }

    def _allow(self, request: web.Request, action: str) -> None:
        if not self.has_credentials(request):
            raise refused(action)


def _flag(value: object) -> bool:
    """rest_sanitize_boolean of a value that passed the schema: "false", "0", 0 and false are false."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.lower() not in ("false", "0", "")
    return bool(value) and is_boolean(value)


def with_faults(state: Fulfilment, route: Route, handler: Handler) -> Handler:
    """The handler, failing when a fault waits for its route (after the change, with `after_commit`)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        fault = state.next_fault(route, request.method)
        if fault is None:
            return await handler(request)
        if fault.after_commit:
            await handler(request)
        return batch_fault_response(fault)

    return handle


def rate_faults(state: Fulfilment) -> Middleware:
    """Each call to a rated route draws: 429 (a host's limit, `Retry-After`) or 503 (its proxy) without calling the
    handler; a lost answer calls it (the change is made) and answers a gateway's 504 page whatever it answered."""

    @web.middleware
    async def draw(request: web.Request, handler: Handler) -> web.StreamResponse:
        drawn = state.draw_fault() if _rated(request) else None
        if drawn == "429":
            headers = {"Retry-After": str(state.rates.retry_after)}
            return web.Response(status=429, text=RATE_LIMIT_PAGE, content_type="text/html", headers=headers)
        if drawn == "503":
            return web.Response(status=503, text=UNAVAILABLE_PAGE, content_type="text/html")
        if drawn == "lost_answer":
            with contextlib.suppress(WooError):
                await handler(request)
            return web.Response(status=504, text=GATEWAY_TIMEOUT_PAGE, content_type="text/html")
        return await handler(request)

    return draw


def _rated(request: web.Request) -> bool:
    resource = request.match_info.route.resource
    name = resource.canonical if resource is not None else ""
    return name.startswith("/wp-json/") and name.endswith(RATED_ROUTE_ENDS)
