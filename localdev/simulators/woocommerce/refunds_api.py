"""`GET|POST /wp-json/wc/v3/orders/{id}/refunds` and `GET .../refunds/{refund_id}`, as WC_REST_Order_Refunds_Controller
(v3, over its v2 parent) serves them; the rules are in refunds.py. Plus `GET /_sim/orders/{id}/refunds`: the refunds
as stored, and the gateway refunds and restocks WooCommerce was asked for; `POST /_sim/orders/{id}/fees`: a fee line.

POST: `amount` (a string in the schema: a JSON number is refused, `rest_invalid_type`; when missing, the lines' totals
and taxes if all are numbers, else 0), `reason`, `api_refund` (default true: the gateway pays the money back),
`api_restock` (default true), `meta_data` [{key, value}], `line_items` (order items by id, refund_items.py; read-only
in the schema, so WordPress checks nothing of it). Refusals: no such order 404
`woocommerce_rest_invalid_order_id` "Invalid order ID."; a negative amount 400
`woocommerce_rest_invalid_order_refund` "Refund amount must be greater than zero."; more than the order has left
500 `woocommerce_rest_cannot_create_order_refund` "Invalid refund amount." (the controller answers wc_create_refund's
WP_Error with 500).

After a refund: the order's `refunds` list shows it; a refund that leaves nothing to refund sets the order `refunded`
(the internal note "Order status changed from X to Refunded."); the "Refunded order" e-mail is recorded; `order.updated`
is delivered once (WooCommerce's webhook hooks `woocommerce_update_order` and `woocommerce_order_refunded` for it).
The POST answer is in the `edit` context, so it lacks `refunded_payment` (context `view` only); GET shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from localdev.simulators.woocommerce.categories_api import _body, _json
from localdev.simulators.woocommerce.errors import WooError, refused
from localdev.simulators.woocommerce.fulfilment import Fulfilment, SentEmail
from localdev.simulators.woocommerce.fulfilment_api import Update, with_faults
from localdev.simulators.woocommerce.refund_items import (
    amount_from_lines,
    asked_lines,
    refund_items,
    rendered,
    restocked,
    tax_lines,
)
from localdev.simulators.woocommerce.refunds import INVALID_AMOUNT, OrderRefund, RefundOptions
from localdev.simulators.woocommerce.store import OrderBook
from localdev.simulators.woocommerce.wp_schema import BOOLEAN, STRING, Rule, is_boolean, validate

META = Rule(("array",), items=Rule(("object",), properties={"key": STRING}))
REFUND_RULES = {
    "amount": STRING,
    "reason": STRING,
    "api_refund": BOOLEAN,
    "api_restock": BOOLEAN,
    "meta_data": META,
}
INVALID_ORDER = "Invalid order ID."


class RefundsApi:
    def __init__(
        self, book: OrderBook, update: Update, state: Fulfilment, has_credentials: Callable[[web.Request], bool]
    ) -> None:
        """`update` changes the order and delivers `order.updated` (the site's)."""
        self.book = book
        self.update = update
        self.state = state
        self.has_credentials = has_credentials

    def routes(self, app: web.Application, rest_base: str) -> None:
        refunds = rest_base + r"/orders/{order_id:\d+}/refunds"
        app.router.add_get(refunds, with_faults(self.state, "refunds", self.list_refunds))
        app.router.add_post(refunds, with_faults(self.state, "refunds", self.create_refund))
        app.router.add_get(refunds + r"/{refund_id:\d+}", with_faults(self.state, "refunds", self.get_refund))
        app.router.add_get(r"/_sim/orders/{order_id:\d+}/refunds", self.stored_refunds)
        app.router.add_post(r"/_sim/orders/{order_id:\d+}/fees", self.add_fee)

    async def list_refunds(self, request: web.Request) -> web.Response:
        """The order's refunds, newest first; none for an order the shop does not have (the query is by parent)."""
        self._allow(request, "view")
        order_id = int(request.match_info["order_id"])
        refunds = [self._json(refund) for refund in self.book.refunds.of_order(order_id)]
        headers = {"X-WP-Total": str(len(refunds)), "X-WP-TotalPages": "1" if refunds else "0"}
        return _json(refunds, headers=headers)

    async def get_refund(self, request: web.Request) -> web.Response:
        """WC_REST_CRUD_Controller::get_item: no such refund `..._shop_order_refund_invalid_id`; then the order
        (prepare_object_for_response): none 404 invalid_order_id, not the refund's `invalid_order_refund_id`."""
        self._allow(request, "read")
        order_id, refund_id = int(request.match_info["order_id"]), int(request.match_info["refund_id"])
        every = (refund for refunds in self.book.refunds.refunds.values() for refund in refunds)
        found = next((refund for refund in every if refund.id == refund_id), None)
        if found is None:
            raise WooError(404, "woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.")
        if order_id not in self.book.orders:
            raise WooError(404, "woocommerce_rest_invalid_order_id", INVALID_ORDER)
        if found.order_id != order_id:
            raise WooError(404, "woocommerce_rest_invalid_order_refund_id", "Invalid order refund ID.")
        return _json(self._json(found))

    async def create_refund(self, request: web.Request) -> web.Response:
        self._allow(request, "create")
        fields = await _body(request)
        validate(fields, REFUND_RULES)
        order_id = int(request.match_info["order_id"])
        if order_id not in self.book.orders:
            raise WooError(404, "woocommerce_rest_invalid_order_id", INVALID_ORDER)
        asked = asked_lines(fields.get("line_items"))
        computed = amount_from_lines(asked) if fields.get("amount") is None else None
        amount = computed if computed is not None else _amount(fields.get("amount"))
        if amount < 0:
            raise WooError(400, "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.")
        stored = self.book.get(order_id)
        order = self.book.payload(stored)
        total = Decimal(order["total"])
        options = RefundOptions(
            reason=str(fields.get("reason") or ""),
            refund_payment=_flag(fields.get("api_refund"), default=True),
            restock_items=_flag(fields.get("api_restock"), default=True),
            meta_data=tuple(m for m in fields.get("meta_data") or [] if isinstance(m, dict) and "key" in m),
            payment_method=stored.order.payment_method,
            items=tuple(refund_items(order, asked, self.book.refunds.item_ids)),
        )
        try:
            refund = self.book.refunds.create(order_id, total, amount, options)
        except ValueError as error:
            raise WooError(500, "woocommerce_rest_cannot_create_order_refund", str(error)) from error
        await self._after_refund(order_id, total)
        answer = {key: value for key, value in self._json(refund).items() if key != "refunded_payment"}
        return _json(answer, status=201)

    async def _after_refund(self, order_id: int, total: Decimal) -> None:
        """The order fully refunded becomes `refunded`; `order.updated` either way; the e-mail recorded."""
        before = self.book.get(order_id).order.status
        fully = self.book.refunds.refunded(order_id) >= total
        if fully and before != "refunded":
            await self.update(order_id, {"status": "refunded"})
            self.state.status_changed(order_id, before, "refunded")
        else:
            await self.update(order_id, {})
        self.state.emails.append(SentEmail("customer_refunded_order", order_id))

    async def stored_refunds(self, request: web.Request) -> web.Response:
        order_id = int(request.match_info["order_id"])
        refunds = [self._json(refund) for refund in self.book.refunds.of_order(order_id)]
        asked = [vars(ask) for ask in self.book.refunds.gateway_refunds if ask.order_id == order_id]
        restocking = [refund for refund in self.book.refunds.of_order(order_id) if refund.restock_items]
        items = [
            {"refund_id": refund.id, "item_id": item.refunded_item_id, "sku": item.sku, "quantity": item.quantity}
            for refund in restocking
            for item in restocked(refund.items)
        ]
        body = {"refunds": refunds, "gateway_refunds": asked, "restocked": [refund.id for refund in restocking]}
        return _json(body | {"restocked_items": items})

    async def add_fee(self, request: web.Request) -> web.Response:
        """`{name, total, total_tax}` (excluding tax, and the tax): a fee line on the order, which delivers
        `order.updated`."""
        order_id = int(request.match_info["order_id"])
        if order_id not in self.book.orders:
            raise WooError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        fields = await _body(request)
        total, tax = _amount(fields.get("total")), _amount(fields.get("total_tax"))
        fee: dict[str, Any] = {"name": str(fields.get("name") or "Fee"), "tax_class": "", "tax_status": "taxable"}
        fee |= {"amount": f"{total:.2f}", "total": f"{total:.2f}", "total_tax": f"{tax:.2f}", "taxes": []}
        self.book.fees.setdefault(order_id, []).append(fee | {"meta_data": []})
        return _json(await self.update(order_id, {}), status=201)

    def _json(self, refund: OrderRefund) -> dict[str, Any]:
        return {
            "id": refund.id,
            "date_created": self.book.local(refund.created).isoformat(timespec="seconds"),
            "date_created_gmt": refund.created.replace(tzinfo=None).isoformat(timespec="seconds"),
            "amount": f"{refund.amount:.2f}",
            "reason": refund.reason,
            "refunded_by": refund.refunded_by,
            "refunded_payment": refund.refunded_payment,
            "meta_data": [dict(meta) for meta in refund.meta_data],
            "line_items": rendered(refund.items, "line_item", self.book.deleted_skus),
            "shipping_lines": rendered(refund.items, "shipping", self.book.deleted_skus),
            "tax_lines": tax_lines(refund.items, iter(refund.tax_line_ids)),
            "fee_lines": rendered(refund.items, "fee", self.book.deleted_skus),
        }

    def _allow(self, request: web.Request, action: str) -> None:
        if not self.has_credentials(request):
            raise refused(action)


def _amount(value: object) -> Decimal:
    """The amount as wc_create_refund compares it; a missing or non-numeric one is 0 or refused as invalid."""
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as error:
        raise WooError(500, "woocommerce_rest_cannot_create_order_refund", INVALID_AMOUNT) from error


def _flag(value: object, default: bool) -> bool:
    """rest_sanitize_boolean of a value that passed the schema; `default` when it was not sent."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() not in ("false", "0", "")
    return bool(value) and is_boolean(value)
