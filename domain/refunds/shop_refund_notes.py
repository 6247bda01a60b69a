"""The order worker notes each refund it sees on a shop's order, on the shops whose refunds Koppel credits in BC
(origin `shop`): a record to credit, which the run `shop-refunds` takes on (credit_shop_refunds.py). Noting twice is
harmless: a refund already noted is passed by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import ConcurrencyConflict
from domain.models import Order
from domain.refunds.shop_origin_ports import ShopRefundCredits
from domain.refunds.shop_refund_credit import ShopRefundCredit


@dataclass(frozen=True)
class RefundNotes:
    credits: ShopRefundCredits
    channels: frozenset[tuple[str, str]]
    """The (source, shop) channels whose refunds Koppel credits in BC."""


def note_shop_refunds(notes: RefundNotes, order: Order, now: datetime) -> int:
    """Note each refund of the order not noted yet; returns how many were new."""
    if (order.key.source, order.key.shop) not in notes.channels:
        return 0
    noted = 0
    for refund_id in order.refund_ids:
        if notes.credits.get(order.key, refund_id) is not None:
            continue
        credit = ShopRefundCredit(order=order.key, refund_id=refund_id, first_seen_at=now, updated_at=now)
        try:
            notes.credits.write(credit, None)
        except ConcurrencyConflict:
            continue
        noted += 1
    return noted
