"""Whether a refund's units (and the shipping refunded with them) came off BC's order before BC invoiced them
(refund_before_invoice.py): decided per item from the order's posted invoices, Koppel's record of BC's order only
where no invoice says otherwise. The shipping follows its units."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from domain.models import BcSalesOrder
from domain.refunds.shop_origin_ports import BcDocumentLine, InvoiceToCredit, SalesOrders
from domain.refunds.shop_refund_credit import ShopRefundCredit, UnitsTakenOff


def settled(
    record: ShopRefundCredit,
    in_bc: BcSalesOrder,
    invoices: Sequence[InvoiceToCredit],
    sales_orders: SalesOrders | None,
    now: datetime,
) -> ShopRefundCredit | None:
    """From how many of each item the order's posted invoices have and what the take-off leaves (`left`): every item
    invoiced at least `left` + the units -> BC invoiced them first: credited; every item invoiced no more than `left`,
    and Koppel's record of BC's order `in_bc` down to `left` for each (or BC's order gone: invoiced in full) ->
    TAKEN_OFF_ORDER; an item invoiced beyond `left` otherwise -> a person with the figures. None: not seen yet."""
    lines = [line for invoice in invoices for line in invoice.lines]
    invoiced = [(unit, _invoiced(unit, lines)) for unit in record.taken_off]
    if invoices and all(count >= unit.left + unit.quantity for unit, count in invoiced):
        return record.invoiced_first(now)
    beyond = [(unit, count) for unit, count in invoiced if count > unit.left]
    if beyond:
        return record.for_a_person(_partly_invoiced(in_bc.number, beyond), now)
    if _units_off(record, in_bc) or (invoices and _gone(sales_orders, in_bc)):
        return record.taken_off_order(now)
    return None


def _invoiced(unit: UnitsTakenOff, lines: Sequence[BcDocumentLine]) -> Decimal:
    """How many of the item (and variant) the invoices have."""
    return sum((line.quantity for line in lines if line.is_item(unit.item_number, unit.variant_id)), Decimal(0))


def _partly_invoiced(number: str, beyond: list[tuple[UnitsTakenOff, Decimal]]) -> str:
    figures = "; ".join(
        f"{unit.quantity} of item {unit.item_number} were to come off BC order {number}, leaving {unit.left}; its "
        f"posted invoices have {count}"
        for unit, count in beyond
    )
    return f"refunded before BC invoiced the units, and BC invoiced some of them: {figures}. Credit those by hand"


def _units_off(record: ShopRefundCredit, in_bc: BcSalesOrder) -> bool:
    """BC's order, as Koppel last wrote it, has no more of each item than the take-off leaves."""
    return all(
        sum((line.quantity for line in in_bc.lines if line.is_item(unit.item_number, unit.variant_id)), Decimal(0))
        <= unit.left
        for unit in record.taken_off
    )


def _gone(sales_orders: SalesOrders | None, in_bc: BcSalesOrder) -> bool:
    """BC no longer has the order (it deletes an order once it is invoiced in full)."""
    return sales_orders is not None and sales_orders.sales_order(in_bc.id) is None
