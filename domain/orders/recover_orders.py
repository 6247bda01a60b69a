"""Missed-webhook recovery: ask each shop which orders changed since the last run and take in what Koppel lacks.

WooCommerce never retries a failed webhook and any sender can fail; this makes a missed delivery cost a few
minutes instead of an order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.errors import RetryableError
from domain.intake.channels import CHANNELS
from domain.intake.ingest_webhook import Intake, accept
from domain.models import Order
from domain.orders.ports import ShopOrderFeed
from domain.ports import OrderStore, SyncState
from domain.records import EventStatus

JOB = "order-recovery"
RECOVERED_TOPIC = "order.recovered"
OVERLAP = timedelta(minutes=2)
"""Read a little before the watermark: a shop's clock and its commit order are not exact."""
QUEUE_GRACE = timedelta(minutes=1)
"""How long after its modification a version's stored, untaken event counts as on its way through the queue. Intake
stores an event before it queues it: a host killed (or storage lost) between the two leaves it stored, never queued.
Shorter than OVERLAP, so the last run that reads an order reads it past this."""


@dataclass(frozen=True)
class OrderRecovery:
    intake: Intake
    orders: OrderStore
    state: SyncState
    first_lookback: timedelta
    """How far back a shop's first run looks (KOPPEL_RECOVERY_FIRST_LOOKBACK_HOURS)."""


@dataclass
class ShopRecovery:
    """What one run found in one shop."""

    scope: str
    since: datetime
    seen: int = 0
    recovered: list[str] = field(default_factory=list)
    unreadable: int = 0
    error: str = ""
    """Why this shop could not be read this time; its watermark stays where it was."""


def recover_missed_orders(
    recovery: OrderRecovery, feeds: Mapping[tuple[str, str], ShopOrderFeed]
) -> list[ShopRecovery]:
    """For each (channel, shop): the orders changed since its watermark that Koppel has not seen at that version.

    The watermark is the start of the previous run, so an order changed during a run is read again next time.
    """
    return [_safely(recovery, source, shop, feed) for (source, shop), feed in feeds.items()]


def _safely(recovery: OrderRecovery, source: str, shop: str, feed: ShopOrderFeed) -> ShopRecovery:
    """One shop failing (a wrong token, a shop down) does not keep the others from being read."""
    try:
        return _recover_shop(recovery, source, shop, feed)
    except RetryableError as error:
        return ShopRecovery(scope=f"{source}:{shop}", since=recovery.intake.clock.now(), error=str(error))


def _recover_shop(recovery: OrderRecovery, source: str, shop: str, feed: ShopOrderFeed) -> ShopRecovery:
    started = recovery.intake.clock.now()
    scope = f"{source}:{shop}"
    watermark = recovery.state.get(JOB, scope)
    since = datetime.fromisoformat(watermark) - OVERLAP if watermark else started - recovery.first_lookback
    report = ShopRecovery(scope=scope, since=since)
    for body in feed.modified_since(since):
        report.seen += 1
        try:
            order = CHANNELS[source].read(shop, body)
        except ValueError:
            report.unreadable += 1
            continue
        version = f"{order.key.order_id}@{order.modified_at.isoformat()}"
        if not _known_at_this_version(recovery, order, version, started):
            accept(recovery.intake, order.key.stream, RECOVERED_TOPIC, version, body)
            report.recovered.append(order.key.order_id)
    recovery.state.put(JOB, scope, started.isoformat())
    return report


def _known_at_this_version(recovery: OrderRecovery, order: Order, version: str, now: datetime) -> bool:
    """The worker has seen this version or a later one, or has taken an event of it; or a webhook of it was stored so
    lately that its message is taken to wait in the queue. Past QUEUE_GRACE an event still `received` may never have
    been queued: the order is taken in again (a duplicate the worker recognises, should the first be queued after all).

    `version` is how a WooCommerce dedup key begins (order id @ modification time), whatever the body's digest.
    """
    found = recovery.orders.get(order.key)
    if found is not None:
        seen = found[0].web_modified_at
        if seen is not None and seen >= order.modified_at:
            return True
    events = recovery.intake.events.for_stream(order.key.stream)
    statuses = {event.status for event in events if event.dedup_key.startswith(version)}
    if statuses - {EventStatus.RECEIVED}:
        return True
    return bool(statuses) and now - order.modified_at < QUEUE_GRACE
