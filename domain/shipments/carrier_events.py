"""The carrier event worker: a queued Sendcloud delivery -> a CarrierEvent recorded under its parcel -> matched to
its web order -> the order on the attention list while its parcel's latest event is an exception.

Matching: the parcel's order number as a BC externalDocumentNumber (the number Koppel filed the order's BC document
under), else its tracking number among BC's shipments, else the order an earlier event of the same parcel was
matched to. An event matched to no order is recorded all the same and parked in the event log (listed for a person,
never retried); a later event of the parcel that finds the order brings the earlier ones along. Events arrive out of
order: all are kept, and the parcel's latest by happened_at decides.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.models import OrderStatus, StreamKey, WebOrderKey
from domain.orders.ports import AttentionList
from domain.ports import Clock, EventLog, OrderStore
from domain.records import AttentionItem, EventStatus, StreamMessage
from domain.shipments import sendcloud
from domain.shipments.models import CarrierEvent, CarrierPhase, RecordedCarrierEvent
from domain.shipments.ports import CarrierEvents, ShipmentsByTracking
from domain.shipments.progress import as_happened
from domain.shipments.receive_carrier_event import parcel_stream

CARRIER_PROBLEM = "carrier exception:"
SETTLE_ROUNDS = 3
"""Reads of a parcel's history to settle its attention entry: two workers' events of one parcel at once settle in
two."""
"""How the attention list's problem of a carrier exception begins: only such an entry is cleared by a later event."""


@dataclass(frozen=True)
class CarrierEventWork:
    events: EventLog
    carrier_events: CarrierEvents
    orders: OrderStore
    """Finds a web order by its BC externalDocumentNumber."""
    tracking: ShipmentsByTracking
    attention: AttentionList
    clock: Clock


def record_carrier_event(work: CarrierEventWork, message: StreamMessage) -> RecordedCarrierEvent | None:
    """Record the event the message names and match it; None when the delivery cannot be read (marked failed)."""
    stream, event_id = message.stream, message.event_id
    logged = work.events.get(stream, event_id)
    body = message.body.encode() if message.body is not None else work.events.body(stream, event_id)
    if logged is None or body is None:
        return None
    try:
        event = sendcloud.carrier_event(stream.scope, sendcloud.parse(body), logged.received_at)
    except ValueError as error:
        work.events.mark(stream, event_id, EventStatus.FAILED, f"the stored delivery cannot be read: {error}")
        return None
    history = [earlier for earlier in _history(work, event) if earlier.event_id != event_id]
    order = _named_order(work, event) or next((earlier.order for earlier in history if earlier.order), None)
    recorded = RecordedCarrierEvent(event_id=event_id, event=event, order=order)
    work.carrier_events.record(recorded)
    if order is None:
        work.events.mark(stream, event_id, EventStatus.PARKED, _unmatched_reason(event))
        return recorded
    for earlier in history:
        _brought_along(work, earlier, order)
    _settle_attention(work, order, event)
    work.events.mark(stream, event_id, EventStatus.PROCESSED, f"{event.phase.value}: recorded for order {order}")
    return recorded


def latest(recorded: Iterable[RecordedCarrierEvent]) -> RecordedCarrierEvent:
    """The event that happened last (progress.as_happened; then the later delivery id, so every worker picks the
    same)."""
    return max(recorded, key=lambda each: (*as_happened(each.event), each.event_id))


def _history(work: CarrierEventWork, event: CarrierEvent) -> list[RecordedCarrierEvent]:
    return work.carrier_events.for_parcel(event.platform, event.account, event.parcel_id)


def _named_order(work: CarrierEventWork, event: CarrierEvent) -> WebOrderKey | None:
    """The order the parcel names: its order number as a BC document's externalDocumentNumber (a Shopify-style
    `#1001` also without its `#`), else its tracking number among BC's shipments."""
    numbers = dict.fromkeys(number for number in (event.order_number, event.order_number.lstrip("#")) if number)
    for number in numbers:
        key = work.orders.key_for_document(number)
        if key is not None:
            return key
    return work.tracking.order_for(event.tracking_number) if event.tracking_number else None


def _brought_along(work: CarrierEventWork, earlier: RecordedCarrierEvent, order: WebOrderKey) -> None:
    """An earlier event of the parcel that found no order: filed on the order now, and no longer for a person."""
    if earlier.order is not None:
        return
    work.carrier_events.record(earlier.matched(order))
    stream = parcel_stream(earlier.event.account, earlier.event.parcel_id)
    note = f"{earlier.event.phase.value}: recorded for order {order} (found by a later event of the parcel)"
    work.events.mark(stream, earlier.event_id, EventStatus.PROCESSED, note)


def _settle_attention(work: CarrierEventWork, order: WebOrderKey, event: CarrierEvent) -> None:
    """Keep the attention list to the parcel's latest event as stored, read after this one was recorded. Another
    worker may record a later event of the parcel meanwhile and act on it before this one acts: so the history is
    read again after acting, until the latest stays the one acted on (SETTLE_ROUNDS reads at most)."""
    acted_on = ""
    for _ in range(SETTLE_ROUNDS):
        history = _history(work, event)
        newest = latest(history) if history else None
        if newest is None or newest.event_id == acted_on:
            return
        _keep_attention(work, order, newest)
        acted_on = newest.event_id


def _keep_attention(work: CarrierEventWork, order: WebOrderKey, newest: RecordedCarrierEvent) -> None:
    """The order is on the attention list while its parcel's latest event is an exception; an entry for another
    reason is left as it is."""
    current = next((item for item in work.attention.all() if item.key == order), None)
    ours = current is not None and current.problem.startswith(_parcel_marker(newest.event))
    if newest.event.phase is CarrierPhase.EXCEPTION:
        problem = _carrier_problem(newest.event)
        if current is None or (ours and current.problem != problem):
            work.attention.flag(_attention_item(work, order, problem))
    elif ours:
        work.attention.clear(order)


def _attention_item(work: CarrierEventWork, order: WebOrderKey, problem: str) -> AttentionItem:
    found = work.orders.get(order)
    status, number = (found[0].status, found[0].web_number) if found else (OrderStatus.IN_BC, "")
    return AttentionItem(key=order, status=status, problem=problem, web_number=number, since=work.clock.now())


def _parcel_marker(event: CarrierEvent) -> str:
    """How the problem of this parcel's exception begins, whatever its words and tracking number."""
    return f"{CARRIER_PROBLEM} {event.platform} parcel {event.parcel_id}:"


def _carrier_problem(event: CarrierEvent) -> str:
    """The carrier's words verbatim, then the tracking number to look the parcel up with."""
    tracking = f" (tracking number {event.tracking_number})" if event.tracking_number else ""
    return f"{_parcel_marker(event)} {event.status_message or 'no words given'}{tracking}"


def _unmatched_reason(event: CarrierEvent) -> str:
    named = json.dumps({"order number": event.order_number, "tracking number": event.tracking_number})
    return f"matches no web order Koppel knows ({named}): recorded, and listed for a person"


class KeptCarrierEvent(BaseModel):
    """A carrier delivery a person has to look at (it matched no order, could not be read, or was given up), with
    the event as recorded when it was; never the delivery's body."""

    model_config = ConfigDict(frozen=True)

    platform: str
    account: str
    parcel_id: str
    event_id: str
    """Koppel's id of the delivery, as in the dossier GET /api/orders/{platform}/{account}/{parcel id}."""
    status: EventStatus
    reason: str
    received_at: datetime
    event: CarrierEvent | None = None


def carrier_events_needing_a_person(
    events: EventLog, carrier_events: CarrierEvents, platforms: Collection[str]
) -> list[KeptCarrierEvent]:
    """Oldest first."""
    kept = sorted(events.needing_a_person(platforms), key=lambda logged: logged.received_at)
    recorded: dict[StreamKey, dict[str, CarrierEvent]] = {}
    for logged in kept:
        stream = logged.stream
        if stream not in recorded:
            parcel = carrier_events.for_parcel(stream.source, stream.scope, stream.subject)
            recorded[stream] = {each.event_id: each.event for each in parcel}
    return [
        KeptCarrierEvent(
            platform=logged.stream.source,
            account=logged.stream.scope,
            parcel_id=logged.stream.subject,
            event_id=logged.event_id,
            status=logged.status,
            reason=logged.note,
            received_at=logged.received_at,
            event=recorded[logged.stream].get(logged.event_id),
        )
        for logged in kept
    ]
