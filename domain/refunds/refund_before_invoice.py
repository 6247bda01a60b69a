"""A shop refund made before BC invoiced its order (origin `shop`). WooCommerce keeps the order's line quantities
after a refund (its order lists only the refunds' ids and totals), so the order worker cannot see the units refunded:
the run `shop-refunds` decides, and the worker takes them off.

- Units BC has shipped wait for the invoice and are credited (credit_shop_refunds.py).
- Units BC has not shipped, of a refund of items (and shipping) alone, each refunded at what BC's order values it at
  (its line's price less its discount pro rata, VAT included, within a cent a unit), on an order BC has neither begun
  to ship nor released: the record becomes TAKING_OFF with the units, what BC's order keeps of each item (`left`) and
  the shipping refunded, then the order's latest version is queued again (and again once a minute while nothing of
  the order is invoiced and the take-off is not seen); the worker takes the units and shipping off the web order's
  lines (taken_off_web_order.py), so the edits-after-import rules reduce BC's lines. Whether they came off is decided
  per item from BC's posted invoices of the order, Koppel's record of BC's order (which can lag behind BC) only where
  no invoice says otherwise (take_off_settled.py); the shipping follows its units. One refund of an order is taken
  off at a time.
- On an order released in BC nothing is taken off: the refund waits for the invoice, telling ops to reopen the
  order (then it is taken off) or ship and invoice it (then it is credited). Nor on one changed in BC since Koppel
  wrote it: it waits for the invoice.
- Anything else (some units shipped and some not, units BC's order lacks or values otherwise, money beyond the units
  and shipping, units refunded with fees) goes to a person at once. Shipping refunded alone waits for the invoice.

Shopify takes refunded units off its order itself (`current_quantity`): its refunds wait for the invoice as before.
On every channel, a refund of an order cancelled before BC invoiced it (its BC order deleted) is not credited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from domain.models import BcSalesOrder, OrderStatus, ResolvedSku
from domain.ports import WorkQueue
from domain.records import OrderRecord, StreamMessage
from domain.refunds.refunded_value import misvalued_units
from domain.refunds.shop_origin_ports import (
    InvoiceToCredit,
    RefundedCharge,
    RefundedItem,
    SalesOrders,
    ShopRefundCredits,
    ShopRefundDetail,
    ShopRefundDetails,
    SkuLookup,
)
from domain.refunds.shop_refund_credit import CreditState, ShippingTakenOff, ShopRefundCredit, UnitsTakenOff
from domain.refunds.take_off_settled import settled
from domain.refunds.taken_off_web_order import KEEPS_REFUNDED_UNITS

REQUEUE_EVERY = timedelta(minutes=1)
"""How often at most a take-off not yet seen queues its order again (the worker takes units off once however often)."""
CENT = Decimal("0.01")
WAITING = "waiting for BC to post the order's invoice"
CANCELLED_UNINVOICED = "the order was cancelled before BC invoiced it: nothing in BC to credit"


@dataclass(frozen=True)
class OrderChanges:
    """What taking refunded units off a BC order needs: BC's sales orders, and the order worker's queue."""

    sales_orders: SalesOrders
    queue: WorkQueue


@dataclass(frozen=True)
class TakeOff:
    units: tuple[UnitsTakenOff, ...]
    shipping: ShippingTakenOff | None = None


@dataclass(frozen=True)
class ForAPerson:
    why: str


@dataclass(frozen=True)
class OrderQueued:
    """The order's latest version, queued again to the order worker once the refund's record is written (so the
    worker reads the record as written)."""

    queue: WorkQueue
    message: StreamMessage

    def after(self, written: ShopRefundCredit) -> ShopRefundCredit:
        self.queue.send(self.message)
        return written


@dataclass(frozen=True)
class ThenQueued:
    """The record to write (its units to come off BC's order), then `queued`."""

    record: ShopRefundCredit
    queued: OrderQueued


@dataclass(frozen=True)
class Waits:
    """The refund waits for the order's invoice (credit_shop_refunds.py: a person after `invoice_wait`)."""

    why: str = WAITING
    queued: OrderQueued | None = None
    """A take-off not yet seen and due to be queued again: the record rewritten (its `updated_at`), then this."""


@dataclass(frozen=True)
class Lookups:
    """Where the refund and its SKUs are read, and the records of the order's other refunds."""

    refunds: ShopRefundDetails
    skus: SkuLookup
    credits: ShopRefundCredits


def before_crediting(
    changes: OrderChanges | None,
    record: ShopRefundCredit,
    order: OrderRecord | None,
    lookups: Lookups,
    *,
    invoices: Sequence[InvoiceToCredit],
    now: datetime,
) -> ShopRefundCredit | Waits | ThenQueued:
    """What becomes of a refund before a credit memo is made for it (`invoices`: the order's posted ones). Its units
    being taken off: as `_settled` says. Else, its order invoiced: the record, to be credited. Not invoiced: the record
    to write (not credited, for a person), its units to be taken off (ThenQueued), or Waits (its units are
    shipped, the channel's orders show refunds themselves, BC's order cannot be read or is released, another refund's
    units are being taken off)."""
    if order is not None and order.status is OrderStatus.CANCELLED and order.bc is None:
        return record.not_credited(CANCELLED_UNINVOICED, now)
    if record.state is CreditState.TAKING_OFF:
        return _settled(changes, record, order, invoices, now)
    if invoices:
        return record
    if changes is None or order is None or order.bc is None or not order.latest_event_id:
        return Waits()
    return _take_off(changes, record, order, order.bc, lookups=lookups, now=now)


def overdue(record: ShopRefundCredit, invoice_wait: timedelta) -> str:
    """Why a refund still waiting for its order's invoice after `invoice_wait` goes to a person."""
    days = invoice_wait.days
    if record.taken_off:
        return (
            f"refunded before BC shipped the units, and after {days} days they are not seen off the BC order: check "
            "it in BC (Koppel keeps them off it) and credit by hand what BC invoiced of them"
        )
    return (
        f"refunded in the shop, and BC has posted no invoice for the order after {days} days: change the BC order or "
        "credit it by hand"
    )


def _take_off(
    changes: OrderChanges,
    record: ShopRefundCredit,
    order: OrderRecord,
    in_bc: BcSalesOrder,
    *,
    lookups: Lookups,
    now: datetime,
) -> ShopRefundCredit | Waits | ThenQueued:
    """The refund's unshipped units to be taken off BC's order `in_bc` as plan_before_invoice decides, one refund of
    the order at a time (what each leaves of an item is read from BC's order before the others' are off), and only
    while BC's order is as Koppel wrote it (else the order worker would not change it)."""
    if record.order.source not in KEEPS_REFUNDED_UNITS:
        return Waits()
    if any(each.state is CreditState.TAKING_OFF for each in lookups.credits.for_order(record.order)):
        return Waits(f"waiting for another refund's units to come off BC order {in_bc.number} first")
    document = changes.sales_orders.sales_order(in_bc.id)
    refund = lookups.refunds.refund(record.order, record.refund_id) if document is not None else None
    if document is None or refund is None or refund.koppel_key:
        return Waits()
    decided = plan_before_invoice(refund, document, lookups.skus.resolve_skus(sorted({i.sku for i in refund.items})))
    if not isinstance(decided, TakeOff):
        return record.for_a_person(decided.why, now) if isinstance(decided, ForAPerson) else decided
    if order.bc_fingerprint and document.fingerprint() != order.bc_fingerprint:
        return Waits(
            f"refunded before BC shipped the units; BC order {document.number} was changed in BC since Koppel wrote "
            "it: ship and invoice it and Koppel credits them"
        )
    why = f"refunded before BC shipped the units: waiting for them to come off BC order {document.number}"
    taking = record.taking_off(refund.amount, decided.units, why, now, shipping=decided.shipping)
    return ThenQueued(taking, _queued(changes, order))


def _queued(changes: OrderChanges, order: OrderRecord) -> OrderQueued:
    message = StreamMessage(stream=order.key.stream, event_id=order.latest_event_id, recheck=True)
    return OrderQueued(changes.queue, message)


def _settled(
    changes: OrderChanges | None,
    record: ShopRefundCredit,
    order: OrderRecord | None,
    invoices: Sequence[InvoiceToCredit],
    now: datetime,
) -> ShopRefundCredit | Waits:
    """Whether a refund's units came off BC's order, as take_off_settled.py decides; else Waits (the order queued
    again once a minute while none of it is invoiced)."""
    if order is None or order.bc is None:
        return Waits(record.problem)
    decided = settled(record, order.bc, invoices, changes.sales_orders if changes else None, now)
    return decided if decided is not None else _not_seen(changes, record, order, invoices, now)


def _not_seen(
    changes: OrderChanges | None,
    record: ShopRefundCredit,
    order: OrderRecord,
    invoices: Sequence[InvoiceToCredit],
    now: datetime,
) -> Waits:
    """A take-off not seen yet waits; its order queued again once a minute while nothing of it is invoiced and it is
    not parked for a person (the worker would only park it again)."""
    parked = order.status is OrderStatus.NEEDS_ATTENTION
    if changes is None or invoices or parked or now - record.updated_at < REQUEUE_EVERY:
        return Waits(record.problem)
    return Waits(record.problem, _queued(changes, order))


def plan_before_invoice(
    refund: ShopRefundDetail, document: BcSalesOrder, skus: Mapping[str, ResolvedSku]
) -> TakeOff | ForAPerson | Waits:
    """What becomes of the refund while BC's order is not invoiced; Waits: for the invoice (every unit it names is
    shipped, it names none, or BC's order is released: the invoice has them and they are credited)."""
    before = f"refunded before BC invoiced order {document.number}"
    shipped: list[str] = []
    units: list[UnitsTakenOff] = []
    for sku, refunded in _per_sku(refund.items).items():
        resolved = skus.get(sku)
        if resolved is None or refunded.quantity <= 0:
            return ForAPerson(f"{before}: SKU {sku or '(none)'} without a quantity or no item in BC; handle it by hand")
        lines = [line for line in document.lines if line.is_item(resolved.item_number, resolved.variant_id)]
        ordered = sum((line.quantity for line in lines), Decimal(0))
        sent = sum((line.shipped_quantity for line in lines), Decimal(0))
        item = resolved.item_number
        if refunded.quantity > ordered:
            return ForAPerson(f"{before}: {refunded.quantity} of item {item} refunded, the order has {ordered}")
        if sent >= ordered:
            shipped.append(item)
        elif sent:
            return ForAPerson(f"{before}: {sent} of {ordered} of item {item} shipped, which were refunded?")
        elif misvalued := misvalued_units(refunded, item, lines, document.prices_include_tax, refund.amount.currency):
            return ForAPerson(f"{before}: {misvalued}")
        else:
            units.append(
                UnitsTakenOff(
                    sku=sku,
                    quantity=refunded.quantity,
                    tax=refunded.tax,
                    item_number=item,
                    variant_id=resolved.variant_id or "",
                    left=ordered - refunded.quantity,
                )
            )
    decided = _taken_off(refund, document, before, shipped, tuple(units))
    if isinstance(decided, TakeOff) and document.released:
        return Waits(
            f"refunded before BC shipped the units; BC order {document.number} is released: reopen it in BC and "
            "Koppel takes them off, or ship and invoice it and Koppel credits them"
        )
    return decided


def _taken_off(
    refund: ShopRefundDetail, document: BcSalesOrder, before: str, shipped: list[str], units: tuple[UnitsTakenOff, ...]
) -> TakeOff | ForAPerson | Waits:
    """Unshipped units (and the shipping refunded with them) come off the order only when nothing else of the refund
    is left to credit."""
    if not units:
        return Waits()
    by_hand = "take the units off the BC order and credit the rest once invoiced, by hand"
    if shipped:
        return ForAPerson(f"{before}: items {', '.join(shipped)} are shipped, others not: {by_hand}")
    if any(charge.kind != "shipping" for charge in refund.charges):
        return ForAPerson(f"{before}: unshipped units refunded with fees: {by_hand}")
    for_units = sum((each.amount + each.tax for each in refund.items), Decimal(0))
    for_units += sum((charge.amount + charge.tax for charge in refund.charges), Decimal(0))
    if abs(refund.amount.amount - for_units) > CENT:
        return ForAPerson(
            f"{before}: {refund.amount} refunded, {for_units:.2f} of it for unshipped units and shipping: {by_hand}"
        )
    if document.shipping_started:
        return ForAPerson(f"{before}: BC has begun shipping the order: {by_hand}")
    return TakeOff(units, _shipping(refund.charges))


def _shipping(charges: Sequence[RefundedCharge]) -> ShippingTakenOff | None:
    """The shipping refunded in all; None for none."""
    if not charges:
        return None
    amount = sum((charge.amount for charge in charges), Decimal(0))
    return ShippingTakenOff(amount=amount, tax=sum((charge.tax for charge in charges), Decimal(0)))


def _per_sku(items: Iterable[RefundedItem]) -> dict[str, RefundedItem]:
    """The refund's items summed per SKU (a refund may name one SKU on two lines)."""
    summed: dict[str, RefundedItem] = {}
    for item in items:
        had = summed.get(item.sku)
        summed[item.sku] = (
            item
            if had is None
            else had.model_copy(
                update={
                    "quantity": had.quantity + item.quantity,
                    "amount": had.amount + item.amount,
                    "tax": had.tax + item.tax,
                }
            )
        )
    return summed
