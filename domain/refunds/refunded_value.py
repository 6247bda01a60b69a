"""Whether a shop refunded units at what BC's sales order values them at, before they come off it
(refund_before_invoice.py): WooCommerce accepts any amount for a refunded line, and a unit taken off BC's order takes
its whole price off BC's invoice."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from domain.models import BcSalesOrderLine
from domain.refunds.credit_memo_lines import UNIT_PRICE_PLACES, in_basis
from domain.refunds.shop_origin_ports import RefundedItem

CENT = Decimal("0.01")


def misvalued_units(
    refunded: RefundedItem, item: str, lines: Sequence[BcSalesOrderLine], prices_include_tax: bool, currency: str
) -> str:
    """Why the units of `item` cannot come off BC's order `lines` as refunded: the shop gave back (amount and tax)
    other than those lines value them at, by more than a cent a unit; "" when it gave back that. `prices_include_tax`:
    the order's (its lines' prices follow it)."""
    given = refunded.amount + refunded.tax
    valued = value_of(refunded.quantity, lines, prices_include_tax)
    if abs(given - valued) <= CENT * refunded.quantity:
        return ""
    return (
        f"refunded {currency} {given:.2f} for {refunded.quantity} of item {item}, BC's order values them at "
        f"{currency} {valued:.2f}: change the BC order by hand (the units off, or their price down)"
    )


def value_of(units: Decimal, lines: Sequence[BcSalesOrderLine], prices_include_tax: bool) -> Decimal:
    """What BC's order lines of one item value `units` of it at, VAT included, to the cent: their price less their
    discount, pro rata (an item on lines at two prices: at their average)."""
    ordered = sum((line.quantity for line in lines), Decimal(0))
    gross = sum(
        (
            in_basis(
                line.unit_price * line.quantity - line.discount_amount,
                line.tax_percent,
                UNIT_PRICE_PLACES,
                with_tax=prices_include_tax,
                wanted_with_tax=True,
            )
            for line in lines
        ),
        Decimal(0),
    )
    return (gross * units / ordered).quantize(CENT, ROUND_HALF_UP)
