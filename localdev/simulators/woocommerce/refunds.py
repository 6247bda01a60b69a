"""An order's refunds as WooCommerce keeps them (`shop_order_refund` objects, children of the order), with the rules
of `wc_create_refund` (woocommerce/woocommerce plugins/woocommerce/includes/wc-order-functions.php) that a REST client
meets; the REST side is refunds_api.py.

A refund is refused when its amount is below 0 or above what the order has left to refund ("Invalid refund
amount."). With `refund_payment` (the REST API's `api_refund`, true unless sent false) WooCommerce asks the order's
payment gateway to pay the money back (`wc_refund_payment`): the simulator records that ask in `gateway_refunds`,
so a test can prove a client never made one, and answers as a gateway that supports refunds and succeeds. The
refund's items (products, shipping, fees) are made in refund_items.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from localdev.simulators.woocommerce.refund_items import RefundItem

INVALID_AMOUNT = "Invalid refund amount."
CENT = Decimal("0.01")


@dataclass
class OrderRefund:
    id: int
    order_id: int
    amount: Decimal
    reason: str
    refunded_payment: bool
    restock_items: bool
    meta_data: list[dict[str, Any]]
    """`{"id", "key", "value"}` each, as WC_Meta_Data reads over REST."""
    created: datetime
    refunded_by: int = 1
    """`get_current_user_id()`, or 1 when there is none (wc_create_refund): the REST key's user is taken as 1."""
    items: list[RefundItem] = field(default_factory=list)
    tax_line_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class GatewayRefund:
    """One `wc_refund_payment` call: WooCommerce asked the order's payment gateway to pay `amount` back."""

    order_id: int
    refund_id: int
    amount: str
    reason: str
    payment_method: str


@dataclass
class RefundLedger:
    """Every order's refunds, and the gateway refunds asked; refund and meta ids from their own sequences."""

    refunds: dict[int, list[OrderRefund]] = field(default_factory=dict)
    gateway_refunds: list[GatewayRefund] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9001))
    _meta_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(70001))
    item_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(80001))
    """Order item ids (the refund's items, their meta and its tax lines), apart from the orders' own."""

    def of_order(self, order_id: int) -> list[OrderRefund]:
        """Newest first, as WC_Order::get_refunds and the refunds list (orderby date, desc) give them."""
        return sorted(self.refunds.get(order_id, []), key=lambda refund: (refund.created, refund.id), reverse=True)

    def refunded(self, order_id: int) -> Decimal:
        return sum((refund.amount for refund in self.refunds.get(order_id, [])), Decimal(0))

    def create(self, order_id: int, order_total: Decimal, amount: Decimal, options: RefundOptions) -> OrderRefund:
        """The refund made, the gateway asked when `options.refund_payment`; ValueError(INVALID_AMOUNT) when the
        amount is below 0 or more than the order has left."""
        if amount < 0 or amount > order_total - self.refunded(order_id):
            raise ValueError(INVALID_AMOUNT)
        meta = [{"id": next(self._meta_ids), "key": m["key"], "value": m["value"]} for m in options.meta_data]
        refund = OrderRefund(
            next(self._ids), order_id, amount, options.reason, False, options.restock_items, meta, datetime.now(UTC)
        )
        refund.items = list(options.items)
        rates = {rate for item in refund.items for rate, _amount in item.taxes}
        refund.tax_line_ids = [next(self.item_ids) for _rate in rates]
        self.refunds.setdefault(order_id, []).append(refund)
        if options.refund_payment:
            formatted = str(amount.quantize(CENT))
            self.gateway_refunds.append(
                GatewayRefund(order_id, refund.id, formatted, options.reason, options.payment_method)
            )
            refund.refunded_payment = True
        return refund

    def summaries(self, order_id: int) -> list[dict[str, str | int]]:
        """The order's `refunds` in its REST body: id, reason and the amount as a negative `total`
        (WC_REST_Orders_V2_Controller::get_formatted_item_data)."""
        return [
            {"id": refund.id, "reason": refund.reason, "total": f"-{refund.amount.quantize(CENT)}"}
            for refund in self.of_order(order_id)
        ]


@dataclass(frozen=True)
class RefundOptions:
    reason: str = ""
    refund_payment: bool = True
    restock_items: bool = True
    meta_data: tuple[dict[str, Any], ...] = ()
    payment_method: str = ""
    items: tuple[RefundItem, ...] = ()
