"""An order's refunds with the rules `refundCreate` applies (the GraphQL side is refund_api.py).

What Shopify documents (shopify.dev Admin GraphQL `objects/Refund`, `input-objects/RefundInput`, `mutations/
refundCreate`): a Refund is the record of refunded line items and transactions; `totalRefundedSet` is "the total
amount across all transactions for the refund", and "the existence of a Refund object doesn't guarantee that the
money has been returned": the money moves through its `transactions`. So a refund without transactions moves no money
and counts nothing as refunded: the order's `displayFinancialStatus` stays as it was. A REFUND transaction moves money
(the payment's gateway pays it back): the simulator keeps each such transaction in `money_moved`, so a test can prove
a client never sent one, and counts it as refunded (PARTIALLY_REFUNDED, or REFUNDED when nothing is left).

Refunded line items come off the order (`current_quantity`), and with refunded shipping off its `current_*` totals
(REST Order: the current total "reflects order edits, returns, and refunds"); `total_outstanding` stays what the
buyer still owes. Every refund is listed in the REST order's `refunds` (refund_lines.py) and handed to `on_refund`
(the shop sends `refunds/create` and `orders/updated` for it: app.py).

Simulator's words and choices, not seen from Shopify (unconfirmed): the userErrors' messages, a refund without line
items, shipping or transactions being accepted (an empty record with its note), `orders/updated` sent for a refund,
refund line items recorded without restocking, the shipping of the order's first shipping line only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any

from localdev.simulators.shopify.catalog import gid, now_stamp
from localdev.simulators.shopify.gql_errors import UserError
from localdev.simulators.shopify.money import money, money_set
from localdev.simulators.shopify.orders import edited
from localdev.simulators.shopify.refund_lines import (
    RefundedLine,
    RefundedShipping,
    refund_due,
    refunded_line,
    refunded_shipping,
    rest_refund,
)

NO_ORDER = "Order does not exist"  # unconfirmed
NOT_A_REFUND = "Transaction kind must be refund"  # unconfirmed
OVER_REFUND = "Refund amount exceeds the refundable amount of {left}"  # unconfirmed


@dataclass
class RefundTransaction:
    id: str
    gateway: str
    amount: Decimal
    currency: str
    parent_id: str | None
    kind: str = "REFUND"
    status: str = "SUCCESS"


@dataclass
class Refund:
    id: str
    order_id: int
    note: str | None
    notify: bool
    transactions: list[RefundTransaction]
    line_items: list[dict[str, Any]]
    """RefundLineItemInput as sent (`lineItemId`, `quantity`, `restockType`)."""
    currency: str
    created_at: str = field(default_factory=now_stamp)
    refunded_lines: list[RefundedLine] = field(default_factory=list)
    shipping: list[RefundedShipping] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((transaction.amount for transaction in self.transactions), Decimal(0))

    def to_json(self) -> dict[str, Any]:
        """As `/_sim/orders/{id}/refunds` shows it."""
        moved = [
            {"id": t.id, "gateway": t.gateway, "amount": money(t.amount), "parentId": t.parent_id}
            for t in self.transactions
        ]
        return {
            "id": self.id,
            "note": self.note,
            "notify": self.notify,
            "totalRefunded": money(self.total),
            "transactions": moved,
            "refundLineItems": self.line_items,
            "createdAt": self.created_at,
        }


@dataclass(frozen=True)
class RefundOutcome:
    refund: Refund | None
    errors: list[UserError]


class RefundDesk:
    """Refunds of every order; `orders` gives the order store's dict (REST order JSON by id)."""

    def __init__(self, orders: Callable[[], Mapping[int, dict[str, Any]]]) -> None:
        self._orders = orders
        self.refunds: dict[int, list[Refund]] = {}
        self.on_refund: Callable[[Refund], None] = _nobody
        """Told of each refund made, after the order shows it."""
        self._numbers = count(2_000_001)

    def of_order(self, order_id: int) -> list[Refund]:
        return list(self.refunds.get(order_id, []))

    def find(self, refund_gid: str) -> Refund | None:
        return next((r for refunds in self.refunds.values() for r in refunds if r.id == refund_gid), None)

    def money_moved(self, order_id: int) -> list[RefundTransaction]:
        """The REFUND transactions sent for the order: money its gateway was told to pay back."""
        return [t for refund in self.of_order(order_id) for t in refund.transactions]

    def refunded(self, order_id: int) -> Decimal:
        return sum((refund.total for refund in self.of_order(order_id)), Decimal(0))

    def create(self, refund_input: Mapping[str, Any]) -> RefundOutcome:
        """`refundCreate(input:)`: all or nothing."""
        order_id = _number(str(refund_input["orderId"]), "Order")
        order = self._orders().get(order_id) if order_id is not None else None
        if order_id is None or order is None:
            return RefundOutcome(None, [UserError(("orderId",), NO_ORDER, None)])
        asked = refund_input.get("refundLineItems") or []
        lines, errors = self._lines(order, [(_number(str(a["lineItemId"]), "LineItem"), a) for a in asked])
        transactions = refund_input.get("transactions") or []
        over = bool(refund_input.get("allowOverRefunding"))
        errors += self._transaction_errors(order_id, order, transactions, over)
        if errors:
            return RefundOutcome(None, errors)
        refund = Refund(
            gid("Refund", next(self._numbers)),
            order_id,
            refund_input.get("note"),
            bool(refund_input.get("notify")),
            [self._transaction(t, str(order["currency"])) for t in transactions],
            [dict(line) for line in asked],
            str(order["currency"]),
            refunded_lines=lines,
        )
        return RefundOutcome(self._record(order, refund), [])

    def refund_in_admin(self, order_id: int, admin: AdminRefund) -> RefundOutcome:
        """A refund the merchant makes in the Shopify admin: line items, shipping, and one REFUND transaction
        through the order's gateway for `amount` (by default what the lines and shipping come to)."""
        order = self._orders()[order_id]
        lines, errors = self._lines(order, [(line.line_item_id, line.as_input()) for line in admin.lines])
        shipping: list[RefundedShipping] = []
        if admin.shipping:
            already = sum((s.subtotal for r in self.of_order(order_id) for s in r.shipping), Decimal(0))
            try:
                number = next(self._numbers)
                shipping = [refunded_shipping(order, admin.shipping, already, gid("RefundShippingLine", number))]
            except ValueError as error:
                errors.append(UserError(("shipping", "amount"), str(error), None))
        amount = refund_due(order, lines, shipping) if admin.amount is None else admin.amount
        gateway = admin.gateway or (order.get("payment_gateway_names") or ["manual"])[0]
        transactions = [{"kind": "REFUND", "gateway": gateway, "amount": str(amount)}] if admin.moves_money else []
        errors += self._transaction_errors(order_id, order, transactions, False)
        if errors:
            return RefundOutcome(None, errors)
        refund = Refund(
            gid("Refund", next(self._numbers)),
            order_id,
            admin.note,
            False,
            [self._transaction(t, str(order["currency"])) for t in transactions],
            [line.as_input() for line in admin.lines],
            str(order["currency"]),
            refunded_lines=lines,
            shipping=shipping,
        )
        return RefundOutcome(self._record(order, refund), [])

    def _lines(
        self, order: Mapping[str, Any], asked: Sequence[tuple[int | None, Mapping[str, Any]]]
    ) -> tuple[list[RefundedLine], list[UserError]]:
        lines: list[RefundedLine] = []
        errors: list[UserError] = []
        for index, (line_item_id, line) in enumerate(asked):
            restock = str(line.get("restockType") or "NO_RESTOCK")
            try:
                number = next(self._numbers)
                item_id = line_item_id if line_item_id is not None else 0
                lines.append(
                    refunded_line(order, item_id, int(line["quantity"]), restock, gid("RefundLineItem", number))
                )
            except ValueError as error:
                errors.append(UserError(("refundLineItems", str(index), "quantity"), str(error), None))
        return lines, errors

    def _record(self, order: dict[str, Any], refund: Refund) -> Refund:
        """List the refund, take what it refunded off the order, settle its financial status, tell `on_refund`."""
        received = _received(order, self.refunded(refund.order_id))
        self.refunds.setdefault(refund.order_id, []).append(refund)
        _take_off(order, refund, self.of_order(refund.order_id))
        refunded = self.refunded(refund.order_id)
        _set_money(order, "total_outstanding", Decimal(order["current_total_price"]) - received + refunded)
        order["refunds"] = [*order.get("refunds", []), rest_refund(refund)]
        if refunded > 0:
            order["financial_status"] = "refunded" if refunded >= received else "partially_refunded"
        self.on_refund(refund)
        return refund

    def _transaction_errors(
        self, order_id: int, order: Mapping[str, Any], transactions: Sequence[Mapping[str, Any]], over: bool
    ) -> list[UserError]:
        errors = [
            UserError(("transactions", str(index), "kind"), NOT_A_REFUND, None)
            for index, transaction in enumerate(transactions)
            if transaction["kind"] != "REFUND"
        ]
        asked = sum((Decimal(t["amount"]) for t in transactions), Decimal(0))
        refunded = self.refunded(order_id)
        left = _received(order, refunded) - refunded
        if not over and asked > left:
            errors.append(UserError(("transactions",), OVER_REFUND.format(left=money(left)), None))
        return errors

    def _transaction(self, transaction: Mapping[str, Any], currency: str) -> RefundTransaction:
        return RefundTransaction(
            gid("OrderTransaction", next(self._numbers)),
            str(transaction["gateway"]),
            Decimal(transaction["amount"]),
            currency,
            transaction.get("parentId"),
        )


@dataclass(frozen=True)
class AdminLine:
    line_item_id: int
    quantity: int
    restock_type: str = "NO_RESTOCK"

    def as_input(self) -> dict[str, Any]:
        """As a RefundLineItemInput would carry it."""
        return {
            "lineItemId": gid("LineItem", self.line_item_id),
            "quantity": self.quantity,
            "restockType": self.restock_type.upper(),
        }


@dataclass(frozen=True)
class AdminRefund:
    """What the merchant fills in on the admin's refund page."""

    lines: tuple[AdminLine, ...] = ()
    shipping: Decimal = Decimal(0)
    amount: Decimal | None = None
    moves_money: bool = True
    gateway: str | None = None
    note: str | None = None


def _nobody(_refund: Refund) -> None:
    """No one to tell."""


def _received(order: Mapping[str, Any], refunded: Decimal) -> Decimal:
    """What the customer paid in all: what the order now comes to, less what is outstanding, plus what was paid back
    (the current total has the refunded lines taken off)."""
    return Decimal(order["current_total_price"]) - Decimal(order["total_outstanding"]) + refunded


def _take_off(order: dict[str, Any], refund: Refund, all_refunds: Sequence[Refund]) -> None:
    """The refund's units off their lines; the current totals recomputed, less every shipping refund's."""
    if not refund.refunded_lines and not refund.shipping:
        return
    quantities = {item["id"]: item["current_quantity"] for item in order["line_items"]}
    for line in refund.refunded_lines:
        quantities[line.line_item["id"]] -= line.quantity
    outstanding = order["total_outstanding"]
    for line_id, quantity in quantities.items():
        order.update(edited(order, line_id, quantity))
    order["total_outstanding"] = outstanding
    shipping = [part for each in all_refunds for part in each.shipping]
    tax = sum((part.tax for part in shipping), Decimal(0))
    off = sum((part.subtotal for part in shipping), Decimal(0)) + (Decimal(0) if order["taxes_included"] else tax)
    _set_money(order, "current_total_price", Decimal(order["current_total_price"]) - off)
    _set_money(order, "current_total_tax", Decimal(order["current_total_tax"]) - tax)


def _set_money(order: dict[str, Any], name: str, value: Decimal) -> None:
    order[name] = money(value)
    order[f"{name}_set"] = money_set(value, str(order["currency"]))


def _number(global_id: str, kind: str) -> int | None:
    number = global_id.rsplit("/", 1)[-1]
    return int(number) if global_id.startswith(f"gid://shopify/{kind}/") and number.isdigit() else None
