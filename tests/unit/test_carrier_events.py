"""Sendcloud's webhooks taken in (signature, refusals, dedup) and worked off: recorded per parcel, matched to the web
order by its BC document number or tracking number, unmatched ones listed, exceptions on the attention list."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.errors import Rejection, RequestRejected
from domain.intake.ingest_webhook import Accepted, Ignored, Intake, Kept
from domain.intake.signatures import hex_hmac_sha256
from domain.models import OrderStatus, StreamKey, WebOrderKey
from domain.records import AttentionItem, EventStatus, OrderRecord, StreamMessage
from domain.shipments.carrier_events import (
    CarrierEventWork,
    carrier_events_needing_a_person,
    record_carrier_event,
)
from domain.shipments.models import CarrierPhase, RecordedCarrierEvent
from domain.shipments.receive_carrier_event import CarrierDelivery, receive_sendcloud
from tests.fakes import FixedClock, MemoryAttention, MemoryEvents, MemoryOrders, MemoryQueue

SECRET = "sendcloud-secret"
ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="7001")
LIMIT = 65536
SECONDS = 1_796_637_600
"""2026-12-07 10:00 UTC."""


class MemoryCarrierEvents:
    def __init__(self) -> None:
        self.rows: dict[str, RecordedCarrierEvent] = {}

    def record(self, recorded: RecordedCarrierEvent) -> None:
        self.rows[recorded.event_id] = recorded

    def for_parcel(self, platform: str, account: str, parcel_id: str) -> list[RecordedCarrierEvent]:
        event_of = (platform, account, parcel_id)
        found = [r for r in self.rows.values() if (r.event.platform, r.event.account, r.event.parcel_id) == event_of]
        return sorted(found, key=lambda r: (r.event.happened_at, r.event_id))

    def for_order(self, key: WebOrderKey) -> list[RecordedCarrierEvent]:
        return sorted((r for r in self.rows.values() if r.order == key), key=lambda r: r.event.happened_at)


class RacingCarrierEvents(MemoryCarrierEvents):
    """Runs `meanwhile` (another worker) once, right after a parcel's history was read and before the reader acts on
    it: the reader goes on with what it read."""

    def __init__(self) -> None:
        super().__init__()
        self.meanwhile: Callable[[], object] | None = None

    def for_parcel(self, platform: str, account: str, parcel_id: str) -> list[RecordedCarrierEvent]:
        found = super().for_parcel(platform, account, parcel_id)
        run, self.meanwhile = self.meanwhile, None
        if run is not None:
            run()
        return found


class Tracking:
    def __init__(self, known: dict[str, WebOrderKey] | None = None) -> None:
        self.known = known or {}

    def order_for(self, tracking_number: str) -> WebOrderKey | None:
        return self.known.get(tracking_number)


class World:
    def __init__(self, tracking: dict[str, WebOrderKey] | None = None) -> None:
        self.events, self.queue, self.clock = MemoryEvents(), MemoryQueue(), FixedClock()
        self.intake = Intake(events=self.events, queue=self.queue, clock=self.clock)
        self.orders, self.attention, self.carrier = MemoryOrders(), MemoryAttention(), MemoryCarrierEvents()
        self.work = CarrierEventWork(
            events=self.events,
            carrier_events=self.carrier,
            orders=self.orders,
            tracking=Tracking(tracking),
            attention=self.attention,
            clock=self.clock,
        )

    def order_in_bc(self, document_number: str = "1001") -> None:
        self.orders.create(OrderRecord(key=ORDER, status=OrderStatus.IN_BC, web_number="1001"))
        self.orders.claim_document(document_number, ORDER)

    def deliver(self, payload: dict[str, Any]) -> Accepted | Kept | Ignored:
        body = json.dumps(payload).encode()
        headers = {"Sendcloud-Signature": hex_hmac_sha256(body, SECRET)}
        return receive_sendcloud(self.intake, CarrierDelivery("main", SECRET, headers, body), LIMIT)

    def work_off(self) -> list[RecordedCarrierEvent | None]:
        done = [record_carrier_event(self.work, message) for message in self.queue.messages]
        self.queue.messages.clear()
        return done


def status_changed(status_id: int, message: str, at: int, *, order: str = "1001", parcel: int = 9) -> dict[str, Any]:
    fields = {"id": parcel, "tracking_number": "3SABC", "order_number": order}
    return {
        "action": "parcel_status_changed",
        "timestamp": at,
        "parcel": fields | {"status": {"id": status_id, "message": message}},
    }


def refused(world: World, delivery: CarrierDelivery) -> Rejection:
    with pytest.raises(RequestRejected) as raised:
        receive_sendcloud(world.intake, delivery, LIMIT)
    assert world.events.rows == {}, "a refused delivery leaves nothing"
    assert world.queue.messages == []
    return raised.value.kind


def test_a_signed_delivery_is_stored_raw_and_queued_under_its_parcel():
    world = World()
    outcome = world.deliver(status_changed(3, "En route to sorting center", SECONDS))
    assert isinstance(outcome, Accepted)
    assert not outcome.duplicate
    assert outcome.stream == StreamKey(source="sendcloud", scope="main", subject="9")
    assert [message.event_id for message in world.queue.messages] == [outcome.event_id]


def test_a_retry_is_stored_once_and_not_queued_again_once_processed():
    world = World()
    world.order_in_bc()
    payload = status_changed(3, "En route to sorting center", SECONDS)
    first = world.deliver(payload)
    world.work_off()
    again = world.deliver(payload)
    assert isinstance(first, Accepted)
    assert isinstance(again, Accepted)
    assert again.duplicate
    assert again.event_id == first.event_id
    assert len(world.events.rows) == 1
    assert world.queue.messages == []


@pytest.mark.parametrize(
    ("headers", "secret"),
    [({}, SECRET), ({"Sendcloud-Signature": "00" * 32}, SECRET), ({"Sendcloud-Signature": "x"}, "another")],
    ids=["unsigned", "wrong-signature", "wrong-secret"],
)
def test_an_unsigned_or_forged_delivery_is_refused_and_changes_nothing(headers: dict[str, str], secret: str):
    world = World()
    body = json.dumps(status_changed(80, "Unable to deliver", SECONDS)).encode()
    if secret != SECRET:
        headers = {"Sendcloud-Signature": hex_hmac_sha256(body, secret)}
    assert refused(world, CarrierDelivery("main", SECRET, headers, body)) is Rejection.UNAUTHENTICATED


def test_an_unknown_account_and_an_oversized_body_are_refused_before_the_signature():
    world = World()
    assert refused(world, CarrierDelivery("other", None, {}, b"{}")) is Rejection.UNKNOWN_SOURCE
    assert refused(world, CarrierDelivery("main", SECRET, {}, b" " * (LIMIT + 1))) is Rejection.TOO_LARGE


@pytest.mark.parametrize("body", [b"not json", b"[1]", b'{"parcel": {}}', b'{"action": 5}', b"\xff\xfe"])
def test_a_signed_body_that_is_no_webhook_is_malformed(body: bytes):
    world = World()
    headers = {"Sendcloud-Signature": hex_hmac_sha256(body, SECRET)}
    assert refused(world, CarrierDelivery("main", SECRET, headers, body)) is Rejection.MALFORMED


def test_another_action_is_acknowledged_and_stored_nowhere():
    world = World()
    outcome = world.deliver({"action": "integration_updated", "timestamp": SECONDS, "integration": {"id": 1}})
    assert isinstance(outcome, Ignored)
    assert world.events.rows == {}
    assert world.queue.messages == []


def test_a_parcel_status_change_without_a_parcel_id_is_kept_for_a_person_not_queued():
    world = World()
    outcome = world.deliver({"action": "parcel_status_changed", "timestamp": SECONDS, "parcel": {"status": {"id": 11}}})
    assert isinstance(outcome, Kept)
    assert "no id" in outcome.reason
    assert world.queue.messages == []
    listed = carrier_events_needing_a_person(world.events, world.carrier, ["sendcloud"])
    assert [(each.parcel_id, each.status, each.event) for each in listed] == [("unreadable", EventStatus.PARKED, None)]


def test_an_event_is_recorded_and_matched_by_its_bc_document_number():
    world = World()
    world.order_in_bc("A-1001")
    world.deliver(status_changed(92, "Driver en route", SECONDS, order="a-1001"))
    [recorded] = world.work_off()
    assert recorded is not None
    assert recorded.order == ORDER
    assert [each.event.phase for each in world.carrier.for_order(ORDER)] == [CarrierPhase.OUT_FOR_DELIVERY]
    assert [event.status for event in world.events.rows.values()] == [EventStatus.PROCESSED]


def test_a_shopify_style_order_number_is_also_looked_up_without_its_hash():
    world = World()
    world.order_in_bc("1001")
    world.deliver(status_changed(11, "Delivered", SECONDS, order="#1001"))
    assert [recorded.order for recorded in world.work_off() if recorded] == [ORDER]


def test_without_a_known_order_number_the_tracking_number_finds_the_order():
    world = World(tracking={"3SABC": ORDER})
    world.deliver(status_changed(11, "Delivered", SECONDS, order="SO-99"))
    assert [recorded.order for recorded in world.work_off() if recorded] == [ORDER]


def test_an_event_matching_no_order_is_recorded_and_listed_and_never_retried():
    world = World()
    world.deliver(status_changed(3, "En route to sorting center", SECONDS, order="NOPE-1"))
    [recorded] = world.work_off()
    assert recorded is not None
    assert recorded.order is None
    assert world.queue.messages == [], "not queued again: a person looks"
    [listed] = carrier_events_needing_a_person(world.events, world.carrier, ["sendcloud"])
    assert listed.status is EventStatus.PARKED
    assert "NOPE-1" in listed.reason
    assert listed.event is not None
    assert listed.event.tracking_number == "3SABC"


def test_a_later_event_that_finds_the_order_brings_the_earlier_ones_along():
    world = World()
    world.deliver(status_changed(3, "En route to sorting center", SECONDS, order=""))
    world.work_off()
    world.order_in_bc()
    world.deliver(status_changed(11, "Delivered", SECONDS + 60))
    world.work_off()
    assert [each.event.status_id for each in world.carrier.for_order(ORDER)] == [3, 11]
    assert carrier_events_needing_a_person(world.events, world.carrier, ["sendcloud"]) == []


def test_an_exception_puts_the_order_on_the_attention_list_with_the_carriers_words():
    world = World()
    world.order_in_bc()
    world.deliver(status_changed(80, "Unable to deliver: recipient moved", SECONDS))
    world.work_off()
    [item] = world.attention.all()
    assert item.key == ORDER
    assert item.web_number == "1001"
    assert item.status is OrderStatus.IN_BC
    assert (
        item.problem
        == "carrier exception: sendcloud parcel 9: Unable to deliver: recipient moved (tracking number 3SABC)"
    )


def test_an_exception_that_happened_before_the_delivery_does_not_flag_the_order():
    world = World()
    world.order_in_bc()
    world.deliver(status_changed(11, "Delivered", SECONDS + 60))
    world.deliver(status_changed(80, "Unable to deliver", SECONDS))
    world.work_off()
    assert world.attention.all() == []
    assert [each.event.status_id for each in world.carrier.for_order(ORDER)] == [80, 11], (
        "kept in the order it happened"
    )


def test_an_exception_another_worker_records_while_an_earlier_event_is_worked_stays_on_the_attention_list():
    world = World()
    racing = RacingCarrierEvents()
    world.carrier, world.work = racing, replace(world.work, carrier_events=racing)
    world.order_in_bc()
    world.deliver(status_changed(91, "Parcel en route", SECONDS))
    world.deliver(status_changed(80, "Unable to deliver", SECONDS + 60))
    en_route, unable = world.queue.messages

    racing.meanwhile = lambda: record_carrier_event(world.work, unable)
    record_carrier_event(world.work, en_route)

    [item] = world.attention.all()
    assert item.problem.startswith("carrier exception: sendcloud parcel 9: Unable to deliver")


def test_a_later_delivery_takes_the_order_off_the_attention_list():
    world = World()
    world.order_in_bc()
    world.deliver(status_changed(80, "Unable to deliver", SECONDS))
    world.work_off()
    world.deliver(status_changed(11, "Delivered", SECONDS + 3600))
    world.work_off()
    assert world.attention.all() == []


def test_another_parcel_delivered_leaves_the_exception_of_the_first_on_the_list():
    world = World()
    world.order_in_bc()
    world.deliver(status_changed(80, "Unable to deliver", SECONDS, parcel=9))
    world.deliver(status_changed(11, "Delivered", SECONDS + 3600, parcel=99))
    world.work_off()
    assert [item.problem.split(":")[1] for item in world.attention.all()] == [" sendcloud parcel 9"]


def test_an_order_on_the_list_for_another_reason_keeps_its_entry():
    world = World()
    world.order_in_bc()
    other = "Unknown SKU 'X'"
    record = OrderRecord(key=ORDER, status=OrderStatus.NEEDS_ATTENTION, web_number="1001", problem=other)
    world.attention.flag(AttentionItem.of(record, since=world.clock.now()))
    world.deliver(status_changed(80, "Unable to deliver", SECONDS))
    world.work_off()
    assert [item.problem for item in world.attention.all()] == [other]


def test_a_replayed_message_records_the_event_once():
    world = World()
    world.order_in_bc()
    world.deliver(status_changed(3, "En route to sorting center", SECONDS))
    message = world.queue.messages[0]
    record_carrier_event(world.work, message)
    record_carrier_event(world.work, StreamMessage(stream=message.stream, event_id=message.event_id))
    assert len(world.carrier.for_parcel("sendcloud", "main", "9")) == 1


def test_the_event_time_is_kept_when_sendcloud_sends_milliseconds():
    world = World()
    world.order_in_bc()
    world.deliver(status_changed(11, "Delivered", SECONDS * 1000))
    [recorded] = world.work_off()
    assert recorded is not None
    assert recorded.event.happened_at == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
