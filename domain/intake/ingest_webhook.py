"""Intake: verify, store raw, log the event once, enqueue, answer fast."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import Rejection, RequestRejected
from domain.intake.channels import WOOCOMMERCE, Channel
from domain.models import WebOrderKey
from domain.ports import Clock, EventLog, OrderQueue
from domain.records import EventStatus, OrderMessage, WebhookEvent

MESSAGE_BODY_LIMIT = 32 * 1024
"""Bodies up to this size travel in the queue message as well as in the event log."""


@dataclass(frozen=True)
class Intake:
    """The ports intake writes to."""

    events: EventLog
    queue: OrderQueue
    clock: Clock


@dataclass(frozen=True)
class Accepted:
    event_id: str
    order_key: WebOrderKey
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
    key: WebOrderKey
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
    unsigned = not _lower(delivery.headers).get("x-wc-webhook-signature")
    if delivery.secret is not None and unsigned and delivery.body.startswith(b"webhook_id="):
        return Ping()
    return receive(intake, WOOCOMMERCE, delivery, max_body_bytes)


def receive(intake: Intake, channel: Channel, delivery: Delivery, max_body_bytes: int) -> Accepted | Ignored:
    """Check a delivery in the order of cheapest refusal first; store and enqueue it once."""
    if delivery.secret is None:
        raise RequestRejected(Rejection.UNKNOWN_SOURCE, f"no {channel.source} shop '{delivery.shop}' is configured")
    if len(delivery.body) > max_body_bytes:
        raise RequestRejected(Rejection.TOO_LARGE, f"body exceeds {max_body_bytes} bytes")
    headers = _lower(delivery.headers)
    if not channel.signature_valid(delivery.body, delivery.secret, headers, intake.clock.now()):
        raise RequestRejected(
            Rejection.UNAUTHENTICATED, "the webhook signature is missing, does not match the body, or is too old"
        )
    topic = channel.topic(headers)
    if topic not in channel.order_topics:
        return Ignored(f"topic '{topic}' is not handled")
    try:
        order_id, dedup_key = channel.identify(delivery.body, headers)
        key = WebOrderKey(source=channel.source, shop=delivery.shop, order_id=order_id)
    except ValueError as error:
        raise RequestRejected(Rejection.MALFORMED, str(error)) from None
    return accept(intake, key, topic, dedup_key, delivery.body)


def accept(intake: Intake, key: WebOrderKey, topic: str, dedup_key: str, body: bytes) -> Accepted:
    """Log the event with its raw body once and enqueue it; a duplicate not yet processed is enqueued again."""
    event = _logged(intake, key, topic, dedup_key)
    event_id = event.event_id
    first_time = intake.events.add(event, body)
    if not first_time:
        stored = intake.events.get(key, event_id)
        if stored is not None and stored.status is not EventStatus.RECEIVED:
            return Accepted(event_id=event_id, order_key=key, duplicate=True)
    carried = _carried(body) if first_time else None
    intake.queue.send(OrderMessage(order_key=key, event_id=event_id, body=carried))
    return Accepted(event_id=event_id, order_key=key, duplicate=not first_time)


def keep(intake: Intake, key: WebOrderKey, topic: str, dedup_key: str, body: bytes, *, reason: str) -> Kept:
    """Log the event with its raw body once, parked with the reason in the same write, and queue nothing."""
    event = _logged(intake, key, topic, dedup_key).model_copy(update={"status": EventStatus.PARKED, "note": reason})
    intake.events.add(event, body)
    return Kept(event_id=event.event_id, key=key, reason=reason)


def _logged(intake: Intake, key: WebOrderKey, topic: str, dedup_key: str) -> WebhookEvent:
    event_id = _event_id(key, dedup_key)
    return WebhookEvent(
        order_key=key,
        event_id=event_id,
        topic=topic,
        dedup_key=dedup_key,
        blob_name=f"{key.source}/{key.shop}/{key.order_id}/{event_id}.json",
        received_at=intake.clock.now(),
    )


def _carried(body: bytes) -> str | None:
    """The body as it may ride in the queue message (which holds 64 KiB after base64), or None."""
    if len(body) > MESSAGE_BODY_LIMIT:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _event_id(key: WebOrderKey, dedup_key: str) -> str:
    """Deterministic, so every copy of one delivery lands on the same row."""
    return "evt-" + hashlib.sha256(f"{key}|{dedup_key}".encode()).hexdigest()[:32]
