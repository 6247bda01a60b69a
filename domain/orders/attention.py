"""The attention list kept in step with the order records: an order enters it when it comes to need a person (or
its problem changes), and leaves it when it no longer does."""

from __future__ import annotations

from datetime import datetime

from domain.models import OrderStatus
from domain.orders.ports import AttentionList
from domain.records import AttentionItem, OrderRecord

NEEDS_A_PERSON = frozenset({OrderStatus.NEEDS_ATTENTION, OrderStatus.FAILED})


def keep_in_step(attention: AttentionList, before: OrderRecord, after: OrderRecord, now: datetime) -> None:
    """After the record was written from `before` to `after`."""
    if after.status in NEEDS_A_PERSON and (before.status, before.problem) != (after.status, after.problem):
        attention.flag(AttentionItem.of(after, since=now))
    elif before.status in NEEDS_A_PERSON and after.status not in NEEDS_A_PERSON:
        attention.clear(after.key)
