"""What the shop refunds proof (localdev/shop_refunds_proof.py) refunds in WooCommerce: per order chosen, the
refunds the shop owner makes, itemised as WooCommerce's refund screen sends them (`line_items` of order item ids
with `quantity`, `refund_total` and `refund_tax`; shipping lines without a quantity)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from localdev.payments_proof import PaidOrder
from localdev.refunds_proof import money

CENT = Decimal("0.01")
KINDS = ("full", "partial", "two_step")


@dataclass
class ShopRefund:
    """One refund the shop owner makes, and what Koppel made of it."""

    lines: list[dict[str, Any]]
    """The `line_items` of `POST orders/{id}/refunds`."""
    amount: Decimal
    """Tax included: what the shop and the provider give back."""
    refund_id: str = ""
    """WooCommerce's, once made."""
    record: dict[str, Any] | None = None
    """Koppel's credit of it, as the order's dossier shows it (`shop_refunds`)."""


@dataclass
class RefundedOrder:
    order: PaidOrder
    kind: str
    invoice: dict[str, Any]
    """BC's posted invoice of the order, as salesInvoices shows it."""
    refunds: list[ShopRefund] = field(default_factory=list)
    delivered_again: bool = False
    """Its `order.updated` delivered once more after each refund, and with its provider's refund webhook once
    credited."""
    dossier_status: str = ""
    """The order's status and problem in its dossier, as last read."""


class RefundsToPlan(Protocol):
    @property
    def refunded_orders(self) -> int: ...
    @property
    def duplicate_share(self) -> float: ...


def plan_refunds(
    shop_order: Callable[[int], dict[str, Any]],
    orders: list[PaidOrder],
    invoices: dict[str, dict[str, Any]],
    plan: RefundsToPlan,
    rng: random.Random,
) -> list[RefundedOrder]:
    """A third each of full, partial and two-step refunds, of orders invoiced in BC and paid in one payment, booked
    (a shop's payment plugin refunds the order's one transaction). `shop_order` reads an order from WooCommerce;
    `invoices` are BC's by its order id."""
    invoiced = [
        order
        for order in orders
        if order.bc_order_id in invoices and len(order.payments) == 1 and order.payments[0].booked is not None
    ]
    chosen = rng.sample(invoiced, min(plan.refunded_orders, len(invoiced)))
    kinds = [KINDS[n % len(KINDS)] for n in range(len(chosen))]
    rng.shuffle(kinds)
    again = set(rng.sample(range(len(chosen)), round(len(chosen) * plan.duplicate_share)))
    planned = []
    for n, (order, kind) in enumerate(zip(chosen, kinds, strict=True)):
        invoice = invoices[order.bc_order_id]
        each = RefundedOrder(order, kind, invoice, delivered_again=n in again)
        each.kind, each.refunds = _refunds(shop_order(order.order_id), kind, rng)
        planned.append(each)
    return planned


def _refunds(shop: dict[str, Any], kind: str, rng: random.Random) -> tuple[str, list[ShopRefund]]:
    """The kind's refunds of the order; a two-step refund that cannot be two of different amounts is partial."""
    items = list(shop["line_items"])
    charges = [line for line in shop["shipping_lines"] if Decimal(str(line["total"]))]
    if kind == "full":
        return kind, [_refund([_whole(item) for item in items] + [_whole(line) for line in charges])]
    first = _refund([_unit(items[0] if kind == "two_step" else rng.choice(items))])
    if kind == "partial":
        return kind, [first]
    rest = [_rest(items[0])] if int(items[0]["quantity"]) > 1 else []
    rest += [_whole(item) for item in items[1:]] + [_whole(line) for line in charges]
    second = _refund(rest) if rest else None
    if second is None or second.amount == first.amount:
        return "partial", [first]
    return kind, [first, second]


def _refund(lines: list[dict[str, Any]]) -> ShopRefund:
    amount = sum((Decimal(line["refund_total"]) + _tax(line) for line in lines), Decimal(0))
    return ShopRefund(lines, amount)


def _whole(line: dict[str, Any]) -> dict[str, Any]:
    """All of an order line: a product line's every unit, or a shipping line."""
    quantity = int(line["quantity"]) if "quantity" in line else None
    return _line(line, quantity, money(line["total"]), money(line["total_tax"]))


def _unit(item: dict[str, Any]) -> dict[str, Any]:
    """One unit of a product line, at its share of the line's total and tax, rounded to the cent (the refund
    screen's)."""
    quantity = Decimal(int(item["quantity"]))
    total = (money(item["total"]) / quantity).quantize(CENT, ROUND_HALF_UP)
    tax = (money(item["total_tax"]) / quantity).quantize(CENT, ROUND_HALF_UP)
    return _line(item, 1, total, tax)


def _rest(item: dict[str, Any]) -> dict[str, Any]:
    """What is left of a product line once one unit was refunded."""
    unit = _unit(item)
    total = money(item["total"]) - Decimal(unit["refund_total"])
    return _line(item, int(item["quantity"]) - 1, total, money(item["total_tax"]) - _tax(unit))


def _line(line: dict[str, Any], quantity: int | None, total: Decimal, tax: Decimal) -> dict[str, Any]:
    taxes = line.get("taxes") or [{"id": 1}]
    asked: dict[str, Any] = {
        "id": line["id"],
        "refund_total": f"{total:.2f}",
        "refund_tax": [{"id": taxes[0]["id"], "refund_total": f"{tax:.2f}"}],
    }
    return asked | ({"quantity": quantity} if quantity is not None else {})


def _tax(asked: dict[str, Any]) -> Decimal:
    return sum((Decimal(each["refund_total"]) for each in asked["refund_tax"]), Decimal(0))
