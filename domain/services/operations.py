"""What operations can ask of Koppel: which orders need a person, and running a parked order again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.models import OrderStatus, WebOrderKey
from domain.ports import AttentionList, EventLog, OrderQueue, OrderStore
from domain.records import EventStatus, OrderMessage


class AttentionEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    web_number: str
    status: OrderStatus
    problem: str
    since: datetime
    age_seconds: int


def orders_needing_attention(attention: AttentionList, now: datetime) -> list[AttentionEntry]:
    """Oldest first, each with how long it has waited."""
    return [
        AttentionEntry(
            key=str(item.key),
            web_number=item.web_number,
            status=item.status,
            problem=item.problem,
            since=item.since,
            age_seconds=int((now - item.since).total_seconds()),
        )
        for item in sorted(attention.all(), key=lambda item: item.since)
    ]


@dataclass(frozen=True)
class Replayed:
    event_id: str


@dataclass(frozen=True)
class ReplayRefused:
    reason: str


def replay_order(
    orders: OrderStore, events: EventLog, queue: OrderQueue, key: WebOrderKey
) -> Replayed | ReplayRefused | None:
    """Queue the order's latest version again once its cause is fixed; None when Koppel does not know the order."""
    found = orders.get(key)
    if found is None:
        return None
    record, _ = found
    if record.status is OrderStatus.IN_BC and record.bc is not None:
        return ReplayRefused(f"the order is in BC already as {record.bc.number}")
    if record.status is OrderStatus.IMPORTING:
        return ReplayRefused("the order is being imported right now")
    event = events.get(key, record.latest_event_id)
    if event is None:
        return ReplayRefused("no stored delivery to replay")
    events.mark(key, event.event_id, EventStatus.RECEIVED, "replay requested by operations")
    queue.send(OrderMessage(order_key=key, event_id=event.event_id))
    return Replayed(event.event_id)
