"""What operations can ask of Koppel: which orders need a person, and running a parked order again."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.models import OrderStatus, WebOrderKey
from domain.orders.ports import AttentionList
from domain.ports import EventLog, OrderStore, WorkQueue
from domain.records import EventStatus, StreamMessage


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


class KeptPaymentEvent(BaseModel):
    """A provider's call or event Koppel could not act on itself (parked) or gave up on (failed): what a person needs
    to find it at the provider, never its body."""

    model_config = ConfigDict(frozen=True)

    provider: str
    account: str
    subject: str
    """What it is filed under: the payment (or order, charge, event) it names."""
    event_id: str
    """Koppel's id of the delivery, as in the dossier GET /api/orders/{provider}/{account}/{subject}."""
    provider_event_id: str
    """The provider's event id; for Mollie's classic call, which has none, `<id>@<received at>`."""
    topic: str
    status: EventStatus
    reason: str
    received_at: datetime


def payment_events_needing_a_person(events: EventLog, providers: Collection[str]) -> list[KeptPaymentEvent]:
    """Oldest first."""
    return [
        KeptPaymentEvent(
            provider=event.stream.source,
            account=event.stream.scope,
            subject=event.stream.subject,
            event_id=event.event_id,
            provider_event_id=event.dedup_key,
            topic=event.topic,
            status=event.status,
            reason=event.note,
            received_at=event.received_at,
        )
        for event in sorted(events.needing_a_person(providers), key=lambda event: event.received_at)
    ]


@dataclass(frozen=True)
class Replayed:
    event_id: str


@dataclass(frozen=True)
class ReplayRefused:
    reason: str


def replay_order(
    orders: OrderStore, events: EventLog, queue: WorkQueue, key: WebOrderKey
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
    event = events.get(key.stream, record.latest_event_id)
    if event is None:
        return ReplayRefused("no stored delivery to replay")
    events.mark(key.stream, event.event_id, EventStatus.RECEIVED, "replay requested by operations")
    queue.send(StreamMessage(stream=key.stream, event_id=event.event_id))
    return Replayed(event.event_id)
