"""What a refund gives back per order line and for shipping, and how the REST order shows a refund.

A refund line's `subtotalSet` is its part of the line's price less the line's discount allocations, in the order's
own price basis (tax included when the order's `taxes_included`), and `totalTaxSet` its part of the line's tax
lines: the official REST example (order 450789469, taxes excluded) shows price 199.00 less allocation 3.34 =
subtotal 195.66 with total_tax 3.98. For an order whose prices include tax, whether Shopify's subtotal includes the
tax: unconfirmed (the simulator includes it, as the order's own prices do). A shipping refund's `subtotalAmountSet`
and `taxAmountSet` follow the same rule, the tax in proportion to the shipping line's tax lines.

The REST refund (`refunds[]` of the order, and the `refunds/create` webhook body) is rendered as shopify.dev's REST
Refund resource lists it (id, admin_graphql_api_id, order_id, created_at, processed_at, note, restock, user_id,
order_adjustments, transactions, refund_line_items with line_item); its shipping refunds are not in it (since
2024-10 only the GraphQL `Refund.refundShippingLines` tells them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from localdev.simulators.shopify.money import cents, money_set

if TYPE_CHECKING:
    from localdev.simulators.shopify.refunds import Refund

RESTOCK_TYPES = frozenset({"CANCEL", "LEGACY_RESTOCK", "NO_RESTOCK", "RETURN"})
NO_LINE_ITEM = "Line item does not exist"  # unconfirmed
TOO_MANY = "Quantity cannot refund more items than were purchased"  # unconfirmed
TOO_MUCH_SHIPPING = "Shipping refund amount exceeds the refundable amount of {left}"  # unconfirmed


@dataclass(frozen=True)
class RefundedLine:
    """Units of one order line in a refund; `line_item` is the order's REST line item."""

    id: str
    line_item: dict[str, Any]
    quantity: int
    restock_type: str
    subtotal: Decimal
    tax: Decimal
    currency: str


@dataclass(frozen=True)
class RefundedShipping:
    id: str
    shipping_line: dict[str, Any]
    subtotal: Decimal
    tax: Decimal
    currency: str


def refunded_line(order: Mapping[str, Any], line_item_id: int, quantity: int, restock: str, id_: str) -> RefundedLine:
    """The line's share of `quantity` units; ValueError when the order has no such line or not that many left."""
    item = next((line for line in order["line_items"] if line["id"] == line_item_id), None)
    if item is None:
        raise ValueError(NO_LINE_ITEM)
    if quantity < 1 or quantity > item["current_quantity"]:
        raise ValueError(TOO_MANY)
    share = Decimal(quantity) / Decimal(item["quantity"])
    discount = sum((Decimal(a["amount"]) for a in item["discount_allocations"]), Decimal(0))
    subtotal = cents((Decimal(item["price"]) * item["quantity"] - discount) * share)
    tax = cents(sum((Decimal(t["price"]) for t in item["tax_lines"]), Decimal(0)) * share)
    return RefundedLine(id_, item, quantity, restock.upper(), subtotal, tax, str(order["currency"]))


def refunded_shipping(order: Mapping[str, Any], amount: Decimal, already: Decimal, id_: str) -> RefundedShipping:
    """`amount` of the order's (first) shipping line; ValueError beyond what is left of it."""
    line = order["shipping_lines"][0] if order["shipping_lines"] else None
    price = Decimal(line["discounted_price"]) if line is not None else Decimal(0)
    if line is None or amount <= 0 or amount + already > price:
        raise ValueError(TOO_MUCH_SHIPPING.format(left=cents(price - already)))
    tax = cents(sum((Decimal(t["price"]) for t in line["tax_lines"]), Decimal(0)) * amount / price)
    return RefundedShipping(id_, line, cents(amount), tax, str(order["currency"]))


def refund_due(order: Mapping[str, Any], lines: list[RefundedLine], shipping: list[RefundedShipping]) -> Decimal:
    """What the lines and shipping come to with their tax: the amount the admin suggests refunding."""
    parts: list[RefundedLine | RefundedShipping] = [*lines, *shipping]
    subtotal = sum((part.subtotal for part in parts), Decimal(0))
    return subtotal if order["taxes_included"] else subtotal + sum((part.tax for part in parts), Decimal(0))


def rest_refund(refund: Refund) -> dict[str, Any]:
    """The refund as the REST order's `refunds[]` and the `refunds/create` webhook show it."""
    number = _number(refund.id)
    return {
        "id": number,
        "admin_graphql_api_id": refund.id,
        "order_id": refund.order_id,
        "created_at": refund.created_at,
        "processed_at": refund.created_at,
        "note": refund.note,
        "restock": any(line.restock_type != "NO_RESTOCK" for line in refund.refunded_lines),
        "user_id": None,
        "order_adjustments": [],
        "transactions": [_rest_transaction(refund, t) for t in refund.transactions],
        "refund_line_items": [_rest_line(line, refund.currency) for line in refund.refunded_lines],
    }


def _rest_transaction(refund: Refund, transaction: Any) -> dict[str, Any]:
    return {
        "id": _number(transaction.id),
        "admin_graphql_api_id": transaction.id,
        "order_id": refund.order_id,
        "kind": transaction.kind.lower(),
        "gateway": transaction.gateway,
        "status": transaction.status.lower(),
        "amount": str(cents(transaction.amount)),
        "currency": transaction.currency,
        "parent_id": _number(transaction.parent_id) if transaction.parent_id else None,
        "created_at": refund.created_at,
        "processed_at": refund.created_at,
        "test": False,
    }


def _rest_line(line: RefundedLine, currency: str) -> dict[str, Any]:
    return {
        "id": _number(line.id),
        "line_item_id": line.line_item["id"],
        "location_id": None,
        "quantity": line.quantity,
        "restock_type": line.restock_type.lower(),
        "subtotal": float(line.subtotal),
        "subtotal_set": money_set(line.subtotal, currency),
        "total_tax": float(line.tax),
        "total_tax_set": money_set(line.tax, currency),
        "line_item": dict(line.line_item),
    }


def _number(global_id: str) -> int:
    return int(global_id.rsplit("/", 1)[-1])
