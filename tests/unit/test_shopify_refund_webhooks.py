"""Shopify's `refunds/create` taken in on its own: stored and queued on its order's stream, the refund noted to be
credited by the order worker, the order itself left alone."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from domain.errors import Rejection, RequestRejected
from domain.intake.channels import PORTAL, SHOPIFY, WOOCOMMERCE
from domain.intake.ingest_webhook import Accepted, Delivery, Intake, receive
from domain.intake.signatures import base64_hmac_sha256
from domain.models import OrderStatus, WebOrderKey
from domain.orders.sync_order import give_up, sync_order
from domain.orders.worker import OrderSync
from domain.records import EventStatus, StreamMessage
from domain.refunds.shop_refund_credit import CreditState
from domain.refunds.shop_refund_notes import RefundNotes
from tests.fakes import MemoryShopRefundCredits, memory_intake, memory_sync, order_in_bc

SECRET = "shop-b-secret"
LIMIT = 64 * 1024
REFUND = (Path(__file__).parent / "data" / "shopify_refund.json").read_bytes()
ORDER_ID = "5798012345678901234"
REFUND_ID = "6798012345678901777"
ORDER = WebOrderKey(source="shopify", shop="shop-b", order_id=ORDER_ID)


def _delivery(
    body: bytes = REFUND, *, webhook_id: str = "d-1", secret: str = SECRET, signed_over: bytes | None = None
) -> Delivery:
    """A `refunds/create` delivery as Shopify sends it, signed over `signed_over` (default: the body) with `secret`."""
    headers = {
        "X-Shopify-Topic": "refunds/create",
        "X-Shopify-Hmac-Sha256": base64_hmac_sha256(body if signed_over is None else signed_over, secret),
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": "e-1",
    }
    return Delivery(shop="shop-b", secret=SECRET, headers=headers, body=body)


def _with(**fields: object) -> bytes:
    return json.dumps(json.loads(REFUND) | fields).encode()


def _without(field: str) -> bytes:
    payload = json.loads(REFUND)
    del payload[field]
    return json.dumps(payload).encode()


def _received(intake: Intake, delivery: Delivery | None = None) -> Accepted:
    accepted = receive(intake, SHOPIFY, delivery or _delivery(), LIMIT)
    assert isinstance(accepted, Accepted)
    return accepted


# --- intake ----------------------------------------------------------------------------------------------------


def test_a_refund_is_stored_raw_on_its_orders_stream_and_queued_as_that_refund():
    intake, events, queue = memory_intake()

    accepted = _received(intake)

    assert (str(accepted.stream), accepted.duplicate) == (f"shopify:shop-b:{ORDER_ID}", False)
    event = events.get(accepted.stream, accepted.event_id)
    assert event is not None
    assert (event.topic, event.dedup_key, event.status) == (
        "refunds/create",
        f"refund:{REFUND_ID}",
        EventStatus.RECEIVED,
    )
    assert events.body(accepted.stream, accepted.event_id) == REFUND
    [message] = queue.messages
    assert (message.stream, message.event_id, message.refund_id) == (accepted.stream, accepted.event_id, REFUND_ID)
    assert message.body is not None
    assert message.body.encode() == REFUND


def test_a_refund_delivered_twice_is_one_event_and_its_copy_without_the_body_still_names_the_refund():
    intake, events, queue = memory_intake()
    first = _received(intake)

    again = _received(intake, _delivery(webhook_id="d-2"))

    assert (again.event_id, again.duplicate) == (first.event_id, True)
    assert len(events.rows) == 1
    copy = queue.messages[-1]
    assert (copy.body, copy.refund_id) == (None, REFUND_ID)
    events.mark(first.stream, first.event_id, EventStatus.PROCESSED)
    _received(intake)
    assert len(queue.messages) == 2, "a refund already noted is not queued again"


@pytest.mark.parametrize(
    ("delivery", "kind"),
    [
        (_delivery(_without("order_id")), Rejection.MALFORMED),
        (_delivery(_without("id")), Rejection.MALFORMED),
        (_delivery(_with(order_id=-(2**62))), Rejection.MALFORMED),
        (_delivery(_with(id=-1)), Rejection.MALFORMED),
        (_delivery(_with(order_id=0)), Rejection.MALFORMED),
        (_delivery(_with(order_id=5.798012345678901e18)), Rejection.MALFORMED),
        (_delivery(_with(order_id=2**64)), Rejection.MALFORMED),
        (_delivery(b"[]"), Rejection.MALFORMED),
        (_delivery(REFUND[:-3]), Rejection.MALFORMED),
        (_delivery(secret="another-app"), Rejection.UNAUTHENTICATED),
        (_delivery(signed_over=_with(order_id=1)), Rejection.UNAUTHENTICATED),
    ],
    ids=[
        "no-order-id",
        "no-refund-id",
        "negative-order-id",
        "negative-refund-id",
        "order-id-zero",
        "order-id-a-float",
        "order-id-beyond-int64",
        "not-an-object",
        "truncated",
        "forged-with-another-secret",
        "signed-over-another-order",
    ],
)
def test_a_refund_that_is_forged_or_names_no_order_is_refused_and_leaves_nothing(delivery, kind):
    intake, events, queue = memory_intake()

    with pytest.raises(RequestRejected) as refused:
        receive(intake, SHOPIFY, delivery, LIMIT)

    assert refused.value.kind is kind
    assert refused.value.message
    assert (events.rows, events.bodies, queue.messages) == ({}, {}, [])


def test_a_refund_without_an_order_id_is_refused_naming_the_field():
    intake, *_ = memory_intake()

    with pytest.raises(RequestRejected, match="not a Shopify refund: order_id"):
        receive(intake, SHOPIFY, _delivery(_without("order_id")), LIMIT)


def test_only_shopify_reports_refunds_on_their_own():
    assert SHOPIFY.refund_reports is not None
    assert SHOPIFY.refund_reports.topics == frozenset({"refunds/create"})
    assert not SHOPIFY.refund_reports.topics & SHOPIFY.order_topics
    assert WOOCOMMERCE.refund_reports is None
    assert PORTAL.refund_reports is None


def test_a_message_queued_before_refunds_were_taken_in_is_an_order_version():
    old = {"order_key": {"source": "shopify", "shop": "shop-b", "order_id": "1"}, "event_id": "evt-1", "body": None}

    queued = StreamMessage.model_validate_json(json.dumps(old))

    assert queued.refund_id is None


# --- the order worker ------------------------------------------------------------------------------------------


def _crediting(intake: Intake, channels: frozenset[tuple[str, str]] = frozenset({("shopify", "shop-b")})):
    credits = MemoryShopRefundCredits()
    sync = replace(memory_sync(intake), refund_notes=RefundNotes(credits=credits, channels=channels))
    return sync, credits


def _event(sync: OrderSync, message: StreamMessage):
    event = sync.events.get(message.stream, message.event_id)
    assert event is not None
    return event


def test_a_reported_refund_is_noted_to_be_credited_and_its_event_processed():
    intake, _events, queue = memory_intake()
    sync, credits = _crediting(intake)
    _received(intake)
    [message] = queue.messages

    sync_order(sync, message, worker="m1")

    [credit] = credits.unfinished()
    assert (credit.order, credit.refund_id, credit.state) == (ORDER, REFUND_ID, CreditState.TO_CREDIT)
    assert credit.first_seen_at == intake.clock.now()
    event = _event(sync, message)
    assert (event.status, event.note) == (EventStatus.PROCESSED, f"refund {REFUND_ID} noted to be credited")
    assert len(queue.messages) == 1, "nothing is queued again"


def test_a_refund_of_an_order_koppel_has_no_record_of_is_noted_and_no_record_is_made():
    intake, _events, queue = memory_intake()
    sync, credits = _crediting(intake)
    _received(intake)

    sync_order(sync, queue.messages[0], worker="m1")

    assert [credit.refund_id for credit in credits.unfinished()] == [REFUND_ID]
    assert sync.orders.get(ORDER) is None


def test_a_refund_read_back_from_the_event_log_and_noted_twice_is_one_record():
    intake, _events, queue = memory_intake()
    sync, credits = _crediting(intake)
    _received(intake)
    message = queue.messages[0]

    sync_order(sync, message, worker="m1")
    sync_order(sync, message.without_body(), worker="m2")

    assert message.without_body().refund_id == REFUND_ID
    assert [credit.refund_id for credit in credits.unfinished()] == [REFUND_ID]
    assert _event(sync, message).status is EventStatus.PROCESSED


def test_a_refund_leaves_the_order_record_and_bc_alone():
    intake, _events, queue = memory_intake()
    sync, _credits = _crediting(intake)
    order_in_bc(sync.orders, ORDER, "#1042")
    before = sync.orders.get(ORDER)
    _received(intake)

    record = sync_order(sync, queue.messages[0], worker="m1")

    assert sync.orders.get(ORDER) == before
    assert record.status is OrderStatus.IN_BC
    assert (sync.bc.payloads, sync.bc.plans, sync.bc.read_back) == ([], [], [])


@pytest.mark.parametrize("channels", [frozenset({("shopify", "another-shop")}), None], ids=["other-shop", "none"])
def test_a_refund_of_a_shop_whose_refunds_koppel_does_not_credit_is_ignored(channels):
    intake, _events, queue = memory_intake()
    sync, credits = _crediting(intake, channels or frozenset())
    if channels is None:
        sync = replace(sync, refund_notes=None)
    _received(intake)
    message = queue.messages[0]

    sync_order(sync, message, worker="m1")

    assert credits.rows == {}
    event = _event(sync, message)
    assert event.status is EventStatus.IGNORED
    assert "not credited by Koppel" in event.note


def test_a_refund_given_up_marks_its_event_failed_and_leaves_the_order_alone():
    intake, _events, queue = memory_intake()
    sync, _credits = _crediting(intake)
    order_in_bc(sync.orders, ORDER, "#1042")
    before = sync.orders.get(ORDER)
    _received(intake)
    message = queue.messages[0]

    give_up(sync, message)

    assert sync.orders.get(ORDER) == before
    event = _event(sync, message)
    assert event.status is EventStatus.FAILED
    assert REFUND_ID in event.note
