from decimal import Decimal

import pytest

from domain.errors import Rejection, RequestRejected, StorageUnavailable
from domain.intake.ingest_webhook import (
    MESSAGE_BODY_LIMIT,
    Accepted,
    Delivery,
    Ignored,
    Intake,
    Ping,
    keep,
    receive_woocommerce,
)
from domain.intake.signatures import woocommerce_signature
from domain.models import PaymentKey, StreamKey
from domain.records import EventStatus
from tests.fakes import FixedClock, MemoryEvents, MemoryQueue, memory_intake
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

SECRET = "shop-a-secret"
LIMIT = 64 * 1024
ORDER = order_payload(
    ShopOrder(
        1001, ShopCustomer("Anna", "de Vries", "anna@example.nl"), (ShopLine("KOF-1001", "Koffie", 1, Decimal(10)),)
    )
)


def _delivery(body: bytes, headers: dict[str, str], secret: str | None = SECRET) -> Delivery:
    return Delivery(shop="shop-a", secret=secret, headers=headers, body=body)


def test_an_order_is_stored_raw_logged_and_enqueued():
    intake, events, queue = memory_intake()
    body, headers = signed_delivery(ORDER, SECRET)

    outcome = receive_woocommerce(intake, _delivery(body, headers), LIMIT)

    assert isinstance(outcome, Accepted)
    assert not outcome.duplicate
    assert str(outcome.stream) == "woocommerce:shop-a:1001"
    event = events.get(outcome.stream, outcome.event_id)
    assert event is not None
    assert event.status is EventStatus.RECEIVED
    assert events.body(outcome.stream, outcome.event_id) == body
    assert [m.event_id for m in queue.messages] == [outcome.event_id]


def test_a_duplicate_is_enqueued_again_only_while_unprocessed():
    intake, events, queue = memory_intake()
    body, headers = signed_delivery(ORDER, SECRET)
    first = receive_woocommerce(intake, _delivery(body, headers), LIMIT)
    assert isinstance(first, Accepted)

    again = receive_woocommerce(intake, _delivery(body, headers), LIMIT)
    assert isinstance(again, Accepted)
    assert again.duplicate
    assert again.event_id == first.event_id
    assert len(queue.messages) == 2

    events.mark(first.stream, first.event_id, EventStatus.PROCESSED)
    receive_woocommerce(intake, _delivery(body, headers), LIMIT)
    assert len(queue.messages) == 2


def test_the_creation_ping_is_answered_without_a_signature():
    intake, events, queue = memory_intake()
    assert isinstance(receive_woocommerce(intake, _delivery(b"webhook_id=7", {}), LIMIT), Ping)
    assert not events.bodies
    assert not queue.messages


@pytest.mark.parametrize(
    ("body", "headers", "secret", "kind"),
    [
        (b"{}", {"X-WC-Webhook-Topic": "order.created"}, None, Rejection.UNKNOWN_SOURCE),
        (b"x" * (LIMIT + 1), {}, SECRET, Rejection.TOO_LARGE),
        (b"{}", {"X-WC-Webhook-Topic": "order.created"}, SECRET, Rejection.UNAUTHENTICATED),
        (
            b"{}",
            {"X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Signature": "bm9wZQ=="},
            SECRET,
            Rejection.UNAUTHENTICATED,
        ),
        (*signed_delivery({"id": 1}, SECRET), SECRET, Rejection.MALFORMED),
    ],
)
def test_refused_requests_leave_nothing_behind(body, headers, secret, kind):
    intake, events, queue = memory_intake()
    with pytest.raises(RequestRejected) as refused:
        receive_woocommerce(intake, _delivery(body, headers, secret), LIMIT)
    assert refused.value.kind is kind
    assert refused.value.message
    assert not events.bodies
    assert not events.rows
    assert not queue.messages


def test_truncated_json_is_refused_with_the_reason():
    intake, *_ = memory_intake()
    body, headers = signed_delivery(ORDER, SECRET)
    truncated = body[:40]
    headers["X-WC-Webhook-Signature"] = woocommerce_signature(truncated, SECRET)
    with pytest.raises(RequestRejected, match="not a WooCommerce order"):
        receive_woocommerce(intake, _delivery(truncated, headers), LIMIT)


def test_an_unhandled_topic_is_acknowledged_and_stored_nowhere():
    intake, events, queue = memory_intake()
    body, headers = signed_delivery(ORDER, SECRET, topic="product.updated")
    outcome = receive_woocommerce(intake, _delivery(body, headers), LIMIT)
    assert outcome == Ignored("topic 'product.updated' is not handled")
    assert not events.bodies
    assert not events.rows
    assert not queue.messages


def test_a_signature_with_non_ascii_characters_is_refused_not_a_crash():
    intake, *_ = memory_intake()
    body, headers = signed_delivery(ORDER, SECRET)
    with pytest.raises(RequestRejected) as refused:
        receive_woocommerce(intake, _delivery(body, {**headers, "X-WC-Webhook-Signature": "sïgnätüre"}), LIMIT)
    assert refused.value.kind is Rejection.UNAUTHENTICATED


def test_a_small_body_travels_with_its_first_message_only():
    intake, _events, queue = memory_intake()
    body, headers = signed_delivery(ORDER, SECRET)
    receive_woocommerce(intake, _delivery(body, headers), LIMIT)
    receive_woocommerce(intake, _delivery(body, headers), LIMIT)

    first, again = queue.messages
    assert first.body is not None
    assert first.body.encode() == body
    assert again.body is None, "a copy is read back from the event log, which holds the first body"


def test_a_large_body_is_left_in_the_event_log():
    intake, events, queue = memory_intake()
    body, headers = signed_delivery({**ORDER, "customer_note": "x" * MESSAGE_BODY_LIMIT}, SECRET)
    outcome = receive_woocommerce(intake, _delivery(body, headers), LIMIT)

    assert isinstance(outcome, Accepted)
    assert queue.messages[0].body is None
    assert events.body(outcome.stream, outcome.event_id) == body


class EventsThatCannotMark(MemoryEvents):
    """An event log whose second write (a status change) fails: storage went down between two writes."""

    def mark(self, stream: StreamKey, event_id: str, status: EventStatus, note: str = "") -> None:
        raise StorageUnavailable("storage unavailable")


def test_a_kept_event_is_stored_parked_with_its_reason_in_one_write():
    """Review R2 finding 3: written RECEIVED and then marked PARKED, a failed mark left it RECEIVED for good (the
    provider's retry is a duplicate, so the mark never ran again)."""
    events, queue = EventsThatCannotMark(), MemoryQueue()
    intake = Intake(events=events, queue=queue, clock=FixedClock())
    key = PaymentKey(provider="mollie", account="main", payment_id="ord_1").stream

    kept = keep(intake, key, "payment.changed", "ord_1@now", b"id=ord_1", reason="not a payment")

    stored = events.get(key, kept.event_id)
    assert stored is not None
    assert (stored.status, stored.note) == (EventStatus.PARKED, "not a payment")
    assert events.body(key, kept.event_id) == b"id=ord_1"
    assert queue.messages == []
