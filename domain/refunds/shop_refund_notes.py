"""The order worker notes each refund it sees on a shop's order, or that the shop reports on its own (Shopify's
`refunds/create`), on the shops whose refunds Koppel credits in BC (origin `shop`): a record to credit, which the run
`shop-refunds` takes on (credit_shop_refunds.py). Noting twice is harmless: a refund already noted is passed by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import ConcurrencyConflict
from domain.models import Order, WebOrderKey
from domain.ports import EventLog
from domain.records import EventStatus, StreamMessage
from domain.refunds.shop_origin_ports import ShopRefundCredits
from domain.refunds.shop_refund_credit import ShopRefundCredit


@dataclass(frozen=True)
class RefundNotes:
    credits: ShopRefundCredits
    channels: frozenset[tuple[str, str]]
    """The (source, shop) channels whose refunds Koppel credits in BC."""


def note_shop_refunds(notes: RefundNotes, order: Order, now: datetime) -> int:
    """Note each refund of the order not noted yet; returns how many were new."""
    if not _credited(notes, order.key):
        return 0
    return sum(_noted(notes, order.key, refund_id, now) for refund_id in order.refund_ids)


def note_reported_refund(notes: RefundNotes | None, events: EventLog, message: StreamMessage, now: datetime) -> None:
    """The refund a shop reported on its own (the queued `message`, its `refund_id` set) noted to be credited, and
    its event marked processed; ignored on a shop whose refunds Koppel does not credit. The order is not read: a
    refund of an order Koppel has no record of is noted too (the run waits for the order's invoice, then asks a
    person)."""
    order, refund_id = WebOrderKey.of_stream(message.stream), message.refund_id
    assert refund_id is not None
    if notes is None or not _credited(notes, order):
        events.mark(
            message.stream, message.event_id, EventStatus.IGNORED, "this shop's refunds are not credited by Koppel"
        )
        return
    _noted(notes, order, refund_id, now)
    events.mark(message.stream, message.event_id, EventStatus.PROCESSED, f"refund {refund_id} noted to be credited")


def _credited(notes: RefundNotes, order: WebOrderKey) -> bool:
    return (order.source, order.shop) in notes.channels


def _noted(notes: RefundNotes, order: WebOrderKey, refund_id: str, now: datetime) -> bool:
    """Note one refund; False when it was noted already."""
    if notes.credits.get(order, refund_id) is not None:
        return False
    credit = ShopRefundCredit(order=order, refund_id=refund_id, first_seen_at=now, updated_at=now)
    try:
        notes.credits.write(credit, None)
    except ConcurrencyConflict:
        return False
    return True
