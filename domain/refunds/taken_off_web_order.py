"""The web order as the order worker brings BC's order in line with it: less the units shop refunds took off BC's order
before BC invoiced them (refund_before_invoice.py), and the shipping refunded with them, on the channels whose orders
keep their line quantities after a refund. Every refund record with units taken off counts, whatever its state (being
taken off, taken off, for a person, no longer credited, deleted in the shop): only a refund credited after all (BC
invoiced the units first) gives its units (and shipping) back."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import PermanentError
from domain.models import ChargeLine, Order, OrderLine
from domain.refunds.shop_origin_ports import ShopRefundCredits
from domain.refunds.shop_refund_credit import ShopRefundCredit

KEEPS_REFUNDED_UNITS = frozenset({"woocommerce"})
"""The channels whose orders keep their line quantities after a refund: Koppel takes refunded units off BC's order."""
CENT = Decimal("0.01")


def less_units_taken_off(order: Order, credits: ShopRefundCredits) -> Order:
    """The web order less the units its refunds took off BC's order, on a channel whose orders keep their quantities
    (its refund records read whether or not the order still lists the refunds: one deleted in the shop keeps its
    units off). A line left without units goes, its discount shrinks pro rata; the shipping lines less the shipping
    refunded with them, in order (one left at nothing goes); the totals less what was refunded. PermanentError when
    the refunds took off more units of a SKU than the order has, or more shipping than it charges."""
    if order.key.source not in KEEPS_REFUNDED_UNITS:
        return order
    taken = [each for each in credits.for_order(order.key) if each.taken_off]
    if not taken:
        return order
    left = _per_sku_taken(taken)
    lines: list[OrderLine] = []
    for line in order.lines:
        off = min(left.get(line.sku, Decimal(0)), line.quantity)
        left[line.sku] = left.get(line.sku, Decimal(0)) - off
        if off < line.quantity:
            lines.append(_less(line, off))
    over = {sku: quantity for sku, quantity in left.items() if quantity > 0}
    if over:
        named = ", ".join(f"{quantity} of SKU {sku or '(none)'}" for sku, quantity in over.items())
        raise PermanentError(f"refunds took {named} off the order, more than it has: handle it by hand")
    refunded = sum((each.refunded.amount for each in taken if each.refunded), Decimal(0))
    shipping = [each.shipping_taken_off for each in taken if each.shipping_taken_off]
    tax = sum((unit.tax for each in taken for unit in each.taken_off), Decimal(0))
    tax += sum((each.tax for each in shipping), Decimal(0))
    total = order.total - refunded if order.total is not None else None
    total_tax = order.total_tax - tax if order.total_tax is not None else None
    with_tax = order.prices_include_tax
    shipping_off = sum((each.amount + (each.tax if with_tax else Decimal(0)) for each in shipping), Decimal(0))
    charges = _less_shipping(order.charges, shipping_off, order.currency)
    return order.model_copy(update={"lines": tuple(lines), "charges": charges, "total": total, "total_tax": total_tax})


def _less_shipping(charges: tuple[ChargeLine, ...], off: Decimal, currency: str) -> tuple[ChargeLine, ...]:
    """The charges, their shipping lines less `off` (in the order's basis: with tax as its prices are) in order; a
    shipping line left at nothing goes."""
    left = off
    kept: list[ChargeLine] = []
    for charge in charges:
        taken = min(left, charge.amount) if charge.kind == "shipping" else Decimal(0)
        left -= taken
        if not taken:
            kept.append(charge)
        elif taken < charge.amount:
            kept.append(charge.model_copy(update={"amount": charge.amount - taken}))
    if left > 0:
        raise PermanentError(
            f"refunds took {currency} {off:.2f} of shipping off the order, more than it charges: handle it by hand"
        )
    return tuple(kept)


def _less(line: OrderLine, off: Decimal) -> OrderLine:
    if not off:
        return line
    kept = line.quantity - off
    discount = (line.discount_amount * kept / line.quantity).quantize(CENT, ROUND_HALF_UP)
    return line.model_copy(update={"quantity": kept, "discount_amount": discount})


def _per_sku_taken(credits: Iterable[ShopRefundCredit]) -> dict[str, Decimal]:
    summed: dict[str, Decimal] = {}
    for credit in credits:
        for unit in credit.taken_off:
            summed[unit.sku] = summed.get(unit.sku, Decimal(0)) + unit.quantity
    return summed
