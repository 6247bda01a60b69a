"""Intake: verify, store raw, log the event once, enqueue, answer fast."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from domain.errors import Rejection, RequestRejected
from domain.intake.channels import WOOCOMMERCE, Channel, RefundReports
from domain.models import StreamKey, WebOrderKey
from domain.ports import Clock, EventLog, WorkQueue
from domain.records import EventStatus, StreamMessage, WebhookEvent

T = TypeVar("T")
MESSAGE_BODY_LIMIT = 32 * 1024
"""Bodies up to this size travel in the queue message as well as in the event log."""


@dataclass(frozen=True)
class Intake:
    """The ports intake writes to."""

    events: EventLog
    queue: WorkQueue
    clock: Clock


@dataclass(frozen=True)
class Accepted:
    event_id: str
    stream: StreamKey
    duplicate: bool


@dataclass(frozen=True)
class Ping:
    """WooCommerce's unsigned `webhook_id=N` post when a webhook is created."""


@dataclass(frozen=True)
class Ignored:
    """A topic Koppel does not handle: answered 2xx so the shop does not count it as a failure, stored nowhere."""

    reason: str


@dataclass(frozen=True)
class Kept:
    """An event Koppel cannot act on itself (it names nothing Koppel reads): answered 2xx so the sender does not retry
    it for days, and stored with its raw body for a person, not queued."""

    event_id: str
    stream: StreamKey
    reason: str


@dataclass(frozen=True)
class Delivery:
    """One webhook request as a channel sent it; `secret` is None when the shop is not configured."""

    shop: str
    secret: str | None
    headers: Mapping[str, str]
    body: bytes


def receive_woocommerce(intake: Intake, delivery: Delivery, max_body_bytes: int) -> Accepted | Ping | Ignored:
    """As receive(), but first answers the creation ping WooCommerce posts without a signature."""
    unsigned = not lower_case_names(delivery.headers).get("x-wc-webhook-signature")
    if delivery.secret is not None and unsigned and delivery.body.startswith(b"webhook_id="):
        return Ping()
    return receive(intake, WOOCOMMERCE, delivery, max_body_bytes)


def receive(intake: Intake, channel: Channel, delivery: Delivery, max_body_bytes: int) -> Accepted | Ignored:
    """Check a delivery in the order of cheapest refusal first; store and enqueue it once."""
    unknown = f"no {channel.source} shop '{delivery.shop}' is configured"
    secret = admitted(delivery.secret, unknown, delivery.body, max_body_bytes)
    headers = lower_case_names(delivery.headers)
    if not channel.signature_valid(delivery.body, secret, headers, intake.clock.now()):
        raise RequestRejected(
            Rejection.UNAUTHENTICATED, "the webhook signature is missing, does not match the body, or is too old"
        )
    topic = channel.topic(headers)
    reports = channel.refund_reports
    if reports is not None and topic in reports.topics:
        return _refund_reported(intake, channel.source, reports, delivery, topic)
    if topic not in channel.order_topics:
        return Ignored(f"topic '{topic}' is not handled")
    try:
        order_id, dedup_key = channel.identify(delivery.body, headers)
        key = WebOrderKey(source=channel.source, shop=delivery.shop, order_id=order_id)
    except ValueError as error:
        raise RequestRejected(Rejection.MALFORMED, str(error)) from None
    return accept(intake, key.stream, topic, dedup_key, delivery.body)


def _refund_reported(intake: Intake, source: str, reports: RefundReports, delivery: Delivery, topic: str) -> Accepted:
    """A refund the shop reports on its own: logged once per refund on its order's stream and queued to the order
    worker as that refund."""
    try:
        refund = reports.identify(delivery.body)
        key = WebOrderKey(source=source, shop=delivery.shop, order_id=refund.order_id)
    except ValueError as error:
        raise RequestRejected(Rejection.MALFORMED, str(error)) from None
    return accept(intake, key.stream, topic, refund.dedup_key, delivery.body, refund_id=refund.refund_id)


def accept(
    intake: Intake, stream: StreamKey, topic: str, dedup_key: str, body: bytes, *, refund_id: str | None = None
) -> Accepted:
    """Log the event with its raw body once and enqueue it; a duplicate not yet processed is enqueued again.
    `refund_id`: the event is that refund of the order, reported on its own (StreamMessage.refund_id)."""
    event = _logged(intake, stream, topic, dedup_key)
    event_id = event.event_id
    first_time = intake.events.add(event, body)
    if not first_time:
        stored = intake.events.get(stream, event_id)
        if stored is not None and stored.status is not EventStatus.RECEIVED:
            return Accepted(event_id=event_id, stream=stream, duplicate=True)
    carried = _carried(body) if first_time else None
    intake.queue.send(StreamMessage(stream=stream, event_id=event_id, body=carried, refund_id=refund_id))
    return Accepted(event_id=event_id, stream=stream, duplicate=not first_time)


def keep(intake: Intake, stream: StreamKey, topic: str, dedup_key: str, body: bytes, *, reason: str) -> Kept:
    """Log the event with its raw body once, parked with the reason in the same write, and queue nothing."""
    event = _logged(intake, stream, topic, dedup_key, status=EventStatus.PARKED, note=reason)
    intake.events.add(event, body)
    return Kept(event_id=event.event_id, stream=stream, reason=reason)


def _logged(
    intake: Intake,
    stream: StreamKey,
    topic: str,
    dedup_key: str,
    *,
    status: EventStatus = EventStatus.RECEIVED,
    note: str = "",
) -> WebhookEvent:
    event_id = _event_id(stream, dedup_key)
    return WebhookEvent(
        stream=stream,
        event_id=event_id,
        topic=topic,
        dedup_key=dedup_key,
        blob_name=f"{stream.source}/{stream.scope}/{stream.subject}/{event_id}.json",
        received_at=intake.clock.now(),
        status=status,
        note=note,
    )


def _carried(body: bytes) -> str | None:
    """The body as it may ride in the queue message (which holds 64 KiB after base64), or None."""
    if len(body) > MESSAGE_BODY_LIMIT:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def admitted(sender: T | None, unknown: str, body: bytes, max_body_bytes: int) -> T:
    """What Koppel has configured for the sender (a shop's secret, a payment account, BC's client state), once the
    first two refusals of every intake are passed, cheapest first: a sender Koppel does not know (`unknown` says
    which), a body over the intake limit."""
    if sender is None:
        raise RequestRejected(Rejection.UNKNOWN_SOURCE, unknown)
    if len(body) > max_body_bytes:
        raise RequestRejected(Rejection.TOO_LARGE, f"body exceeds {max_body_bytes} bytes")
    return sender


def lower_case_names(headers: Mapping[str, str]) -> dict[str, str]:
    """The request's headers by lower-case name, as every intake reads them (header names ignore case)."""
    return {name.lower(): value for name, value in headers.items()}


def _event_id(stream: StreamKey, dedup_key: str) -> str:
    """Deterministic, so every copy of one delivery lands on the same row."""
    return "evt-" + hashlib.sha256(f"{stream}|{dedup_key}".encode()).hexdigest()[:32]
