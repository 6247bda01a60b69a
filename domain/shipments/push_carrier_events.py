"""The shops told of their orders' carrier events (run `shop-carrier-events`, on the shipment timer right after
`shop-shipments`): each recorded event matched to an order and not settled, the events of one parcel in the order
they happened, is settled once:

- told (ShopCarrierEvents took it) when the order's shop takes carrier events, the event has a shop status
  (shop_event_status.py) and the fulfillment it belongs on exists: the order's shipment carrying the event's
  tracking number was taken by the shop with that number. Until then it waits (nothing written), for WAIT at most;
- refused with the shop's words (not sent again; the run's summary names it: a missed tracking line is not worth a
  person's attention list);
- passed, with why: no shop to tell (WooCommerce, the portal, a shop without API access), no status for it, no
  tracking number, waited too long, or older than an event of the parcel already told. Events arrive out of order;
  whether Shopify shows the customer the latest event by `happenedAt` or the latest created is not documented, so a
  late older one is not told after a newer one: the customer never sees the parcel go back a step.
An event the shop could not be told waits for the next run, and so do the later events of its parcel; a shop failing
again and again is told nothing more this run, the other shops go on (shop_failures.py). At most `limit` events are
sent to shops per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.ports import Clock, SyncRuns
from domain.records import SyncRun
from domain.runs import SHOP_CARRIER_EVENT_COUNTS, RunTally
from domain.shipments.models import CarrierEvent, RecordedCarrierEvent, ShopTelling, tracking_key
from domain.shipments.ports import CarrierEventNotice, CarrierEventsToTell, ShipmentStore, ShopCarrierEvents
from domain.shipments.progress import as_happened
from domain.shipments.recorded import RecordedShipment
from domain.shipments.shop_event_status import shop_status
from domain.shipments.shop_failures import Shop, ShopFailures, ShopUnreachable

RUN_NAME = "shop-carrier-events"
LIMIT = 500
"""Events sent to shops per run at most: two or three shop calls each."""
WAIT = timedelta(days=14)
"""How long an event waits for the fulfillment it belongs on (a tracking number BC may still get) before it is
passed."""

Parcel = tuple[str, str, str]
"""(platform, account, parcel id)."""


@dataclass(frozen=True)
class CarrierEventPush:
    events: CarrierEventsToTell
    shipments: ShipmentStore
    shops: Mapping[Shop, ShopCarrierEvents]
    """The ShopCarrierEvents of every shop Koppel can tell of carrier events, by (source, shop)."""
    runs: SyncRuns
    clock: Clock
    limit: int = LIMIT
    name: str = RUN_NAME


class Outcome(StrEnum):
    TOLD = "told"
    REFUSED = "refused"
    PASSED = "passed"
    WAITING = "waiting"


@dataclass
class _RunState:
    """What a run has done so far: events sent to shops, events waiting, shops' failures, parcels with an event the
    shop could not be told; per parcel the time of its newest event told, per order its shipments (each read
    once)."""

    sent: int = 0
    waiting: int = 0
    failures: ShopFailures = field(default_factory=ShopFailures)
    stalled: set[Parcel] = field(default_factory=set)
    newest_told: dict[Parcel, datetime | None] = field(default_factory=dict)
    shipments: dict[WebOrderKey, list[RecordedShipment]] = field(default_factory=dict)


def push_carrier_events(push: CarrierEventPush) -> SyncRun:
    """One run: every event to tell, parcel by parcel as they happened; its summary is recorded and returned."""
    started = push.clock.now()
    tally = RunTally(SHOP_CARRIER_EVENT_COUNTS)
    state = _RunState()
    completed = tally.unless_stopped(lambda: tell_shops(push, tally, state))
    for problem in state.failures.problems("carrier events"):
        tally.problem(problem)
    if state.waiting:
        tally.problem(f"{state.waiting} carrier events wait for the shop to have their shipment's fulfillment")
    failed = bool(state.failures.failed)
    run = tally.summary(push.name, started, push.clock.now(), completed=completed and not failed, full=False)
    push.runs.record(run)
    return run


def tell_shops(push: CarrierEventPush, tally: RunTally, state: _RunState) -> bool:
    """Settle each event due, passing by those of shops that stopped answering and of parcels with an event not
    told; False when the limit left some."""
    for recorded in sorted(push.events.to_tell(), key=_as_happened):
        if recorded.order is None or _parcel(recorded.event) in state.stalled:
            continue
        shop = (recorded.order.source, recorded.order.shop)
        if state.failures.passes_by(shop):
            continue
        if state.sent >= push.limit:
            return False
        tally.read += 1
        settled = state.failures.attempt(shop, partial(settle_event, push, state, recorded))
        if settled is None:
            state.stalled.add(_parcel(recorded.event))
            continue
        _count(tally, settled[1], settled[0])
    return True


def settle_event(
    push: CarrierEventPush, state: _RunState, recorded: RecordedCarrierEvent
) -> tuple[Outcome, RecordedCarrierEvent]:
    """Tell the event, pass it, or leave it waiting; what became of it is kept (settle) and returned."""
    event, key, status = recorded.event, recorded.order, shop_status(recorded.event)
    passing = _why_not_told(push, state, recorded)
    if passing or key is None or status is None:
        return _settled(push, recorded.passed(passing), Outcome.PASSED)
    if not fulfilled_with(_shipments(push, state, key), event.tracking_number):
        if push.clock.now() - event.happened_at < WAIT:
            state.waiting += 1
            return Outcome.WAITING, recorded
        passing = f"no shipment told to the shop carries tracking number {event.tracking_number}"
        return _settled(push, recorded.passed(passing), Outcome.PASSED)
    state.sent += 1
    try:
        words = push.shops[(key.source, key.shop)].tell(CarrierEventNotice(key=key, event=event, status=status))
    except RetryableError as error:
        raise ShopUnreachable(str(error)) from error
    if words:
        return _settled(push, recorded.refused(words), Outcome.REFUSED)
    newest = state.newest_told.get(_parcel(event))
    state.newest_told[_parcel(event)] = event.happened_at if newest is None else max(newest, event.happened_at)
    return _settled(push, recorded.told(), Outcome.TOLD)


def _settled(
    push: CarrierEventPush, settled: RecordedCarrierEvent, outcome: Outcome
) -> tuple[Outcome, RecordedCarrierEvent]:
    push.events.settle(settled)
    return outcome, settled


def _why_not_told(push: CarrierEventPush, state: _RunState, recorded: RecordedCarrierEvent) -> str:
    """Why the event is passed ("" when it is to be told, now or once its fulfillment exists)."""
    event, key = recorded.event, recorded.order
    if key is None or (key.source, key.shop) not in push.shops:
        return "the order's shop is not told of carrier events"
    if shop_status(event) is None:
        return f"the shop has no status for {event.phase.value} ({event.platform} status {event.status_id})"
    if not tracking_key(event.tracking_number):
        return "no tracking number to find the shop's fulfillment by"
    newest = _newest_told(push, state, event)
    if newest is not None and event.happened_at < newest:
        return f"happened before an event of the parcel already told ({newest.isoformat()})"
    return ""


def fulfilled_with(shipments: Iterable[RecordedShipment], tracking_number: str) -> bool:
    """The shop holds a fulfillment with this tracking number: the last version its shop took (not refused) of one of
    the order's shipments carries it."""
    wanted = tracking_key(tracking_number)
    for recorded in shipments:
        taken = [each for each in recorded.history if each.version <= recorded.pushed_version]
        if (
            taken
            and taken[-1].version != recorded.refused_version
            and tracking_key(taken[-1].tracking_number) == wanted
        ):
            return True
    return False


def _newest_told(push: CarrierEventPush, state: _RunState, event: CarrierEvent) -> datetime | None:
    parcel = _parcel(event)
    if parcel not in state.newest_told:
        told = [
            each.event.happened_at for each in push.events.for_parcel(*parcel) if each.shop_telling is ShopTelling.TOLD
        ]
        state.newest_told[parcel] = max(told, default=None)
    return state.newest_told[parcel]


def _shipments(push: CarrierEventPush, state: _RunState, key: WebOrderKey) -> list[RecordedShipment]:
    if key not in state.shipments:
        state.shipments[key] = push.shipments.for_order(key)
    return state.shipments[key]


def _parcel(event: CarrierEvent) -> Parcel:
    return (event.platform, event.account, event.parcel_id)


def _as_happened(recorded: RecordedCarrierEvent) -> tuple[Parcel, datetime, int, str]:
    return (_parcel(recorded.event), *as_happened(recorded.event), recorded.event_id)


def _count(tally: RunTally, recorded: RecordedCarrierEvent, outcome: Outcome) -> None:
    if outcome is Outcome.TOLD:
        tally.pushed += 1
    elif outcome is Outcome.PASSED:
        tally.changed += 1
    elif outcome is Outcome.REFUSED:
        tally.failed += 1
        event = recorded.event
        tally.problem(
            f"order {recorded.order}'s shop refused {event.platform} parcel {event.parcel_id}'s event "
            f"{event.status_id}: {recorded.shop_words}"
        )
