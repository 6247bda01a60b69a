"""The shops told of their orders' shipments: each recorded shipment with a version its shop has not taken becomes a
ShipmentNotice to the ShopShipments of the order's shop, and the shop's answer is written on the recorded shipment,
on the ETag it was read with.

- Before a version is sent, `trying` is written: a notice never sent before says so (`may_be_told` False) and the
  adapter may leave out its look-ups; a failed write of it (changed meanwhile) leaves the shipment for the next run.
- The due shipments are taken PREPARE_BATCH at a time; each shop gets `prepare` with its orders among them first,
  to read what it needs of them in as few calls as it can (its RetryableError is passed by).
- Taken -> `pushed(version)`. When that write fails on its ETag (the poll recorded a newer version meanwhile) the
  shipment stays due and the next run tells it again: the adapters are idempotent per notice, so nothing is doubled.
- Refused (the shop's own words) -> `refused(version, words)`, which counts as taken (never sent again), and the
  order goes on the attention list with the shop's words.
- RetryableError -> the shipment waits for the next run; a shop failing again and again is told nothing more this
  run, the other shops go on (shop_failures.py); the summary names the shop.
- No ShopShipments for the order's shop -> marked taken, as there is no one to tell: the portal (its customers read
  GET .../status) quietly; a shop Koppel has no API access to with a problem in the summary (its shipments are not
  told later, once access is given).
At most `limit` shipments are handled per run; the rest wait for the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from itertools import islice

from domain.errors import ConcurrencyConflict, RetryableError
from domain.models import OrderStatus, WebOrderKey
from domain.orders.mapping import portal
from domain.orders.ports import AttentionList
from domain.ports import Clock, OrderStore, SyncRuns
from domain.records import AttentionItem, SyncRun
from domain.runs import SHOP_SHIPMENT_COUNTS, RunTally
from domain.shipments.order_status import status_of
from domain.shipments.ports import ShipmentNotice, ShipmentStore, ShopShipments
from domain.shipments.progress import Progress
from domain.shipments.recorded import RecordedShipment
from domain.shipments.shop_failures import Shop, ShopFailures, ShopUnreachable

RUN_NAME = "shop-shipments"
LIMIT = 300
"""Shipments handled per run at most: a few shop calls each, well within the timer's ten minutes."""
PREPARE_BATCH = 50
"""Due shipments whose orders a shop is asked to `prepare` at once."""
NO_SHOP_SOURCES = frozenset({portal.SOURCE})
"""Channels whose orders have no shop to tell: not a problem when no ShopShipments is wired for them."""
SHOP_REFUSAL = "shop refused a shipment:"
"""How the attention list's problem of a shop's refusal begins."""


@dataclass(frozen=True)
class ShipmentPush:
    shipments: ShipmentStore
    shops: Mapping[Shop, ShopShipments]
    """The ShopShipments of every shop Koppel can tell, by (source, shop)."""
    orders: OrderStore
    attention: AttentionList
    runs: SyncRuns
    clock: Clock
    limit: int = LIMIT
    name: str = RUN_NAME


class Outcome(StrEnum):
    TOLD = "told"
    REFUSED = "refused"
    NO_SHOP = "no shop to tell"
    CHANGED_MEANWHILE = "changed while told"


@dataclass
class _RunState:
    """What a run has done so far: shipments handled, shops' failures, shops with no ShopShipments."""

    handled: int = 0
    failures: ShopFailures = field(default_factory=ShopFailures)
    untold: set[Shop] = field(default_factory=set)


def push_shipments(push: ShipmentPush) -> SyncRun:
    """One run: every shipment due, up to `limit`, told to its shop; its summary is recorded and returned."""
    started = push.clock.now()
    tally = RunTally(SHOP_SHIPMENT_COUNTS)
    state = _RunState()
    completed = tally.unless_stopped(lambda: tell_shops(push, tally, state))
    for problem in state.failures.problems("shipments"):
        tally.problem(problem)
    failed = bool(state.failures.failed)
    run = tally.summary(push.name, started, push.clock.now(), completed=completed and not failed, full=False)
    push.runs.record(run)
    return run


def tell_shops(push: ShipmentPush, tally: RunTally, state: _RunState) -> bool:
    """Tell each shipment due to its shop, a batch at a time, passing by those of shops that stopped answering this
    run; False when the limit left some for the next run."""
    due = push.shipments.to_push()
    while batch := list(islice(due, PREPARE_BATCH)):
        prepare_shops(push, state, batch)
        for recorded, etag in batch:
            shop = (recorded.key.source, recorded.key.shop)
            if state.failures.passes_by(shop):
                continue
            if state.handled >= push.limit:
                return False
            state.handled += 1
            tally.read += 1
            outcome = state.failures.attempt(shop, partial(push_shipment, push, recorded, etag))
            if outcome is not None:
                _count(tally, state, recorded, outcome)
    return True


def prepare_shops(push: ShipmentPush, state: _RunState, batch: list[tuple[RecordedShipment, str]]) -> None:
    """Each shop told of some of the batch gets its orders among them (within the run's limit) to prepare."""
    orders: dict[Shop, list[WebOrderKey]] = {}
    for recorded, _etag in batch[: max(0, push.limit - state.handled)]:
        shop = (recorded.key.source, recorded.key.shop)
        keys = orders.setdefault(shop, [])
        if recorded.key not in keys:
            keys.append(recorded.key)
    for shop, keys in orders.items():
        adapter = push.shops.get(shop)
        if adapter is None or shop in state.failures.down:
            continue
        try:
            adapter.prepare(keys)
        except RetryableError:
            continue


def push_shipment(push: ShipmentPush, recorded: RecordedShipment, etag: str) -> Outcome:
    """Tell the order's shop of the shipment's versions it has not taken, and write down what it answered."""
    shop = push.shops.get((recorded.key.source, recorded.key.shop))
    if shop is None:
        return _write(push, recorded.pushed(recorded.version), etag, Outcome.NO_SHOP)
    notice = shipment_notice(push, recorded)
    tried = recorded.trying()
    try:
        etag = push.shipments.write_trying(tried, etag)
    except ConcurrencyConflict:
        return Outcome.CHANGED_MEANWHILE
    try:
        words = shop.tell(notice)
    except RetryableError as error:
        raise ShopUnreachable(str(error)) from error
    if not words:
        return _write(push, tried.pushed(notice.version), etag, Outcome.TOLD)
    put_on_attention_list(push, recorded, words)
    return _write(push, tried.refused(notice.version, words), etag, Outcome.REFUSED)


def shipment_notice(push: ShipmentPush, recorded: RecordedShipment) -> ShipmentNotice:
    return ShipmentNotice(
        key=recorded.key,
        shipment=recorded.shipment,
        version=recorded.version,
        changes=recorded.changes_to_push(),
        order_fully_shipped=order_fully_shipped(push, recorded.key),
        told_alike=told_alike(push, recorded),
        may_be_told=recorded.may_be_told,
    )


def told_alike(push: ShipmentPush, recorded: RecordedShipment) -> int:
    """The order's other shipments its shop took (not refused) that ship the same items, all without tracking
    number; 0 for a tracked shipment (its number tells it apart)."""
    shipment = recorded.shipment
    if shipment.tracking_number.strip():
        return 0
    return sum(
        1
        for other in push.shipments.for_order(recorded.key)
        if other.shipment.number != shipment.number
        and other.pushed_version > 0
        and not other.refusal
        and not other.shipment.tracking_number.strip()
        and other.shipment.shipped() == shipment.shipped()
    )


def order_fully_shipped(push: ShipmentPush, key: WebOrderKey) -> bool:
    """Every item of the order's BC order is shipped by the shipments recorded for it, as the order status model
    reads them (without carrier events it says SHIPPED exactly then); False when the order has no record."""
    found = push.orders.get(key)
    if found is None:
        return False
    shipments = [each.shipment for each in push.shipments.for_order(key)]
    return status_of(found[0], shipments=shipments).progress is Progress.SHIPPED


def put_on_attention_list(push: ShipmentPush, recorded: RecordedShipment, words: str) -> None:
    """The order on the attention list with the shop's words; an entry it has for another reason keeps its status
    and time and gets the words added."""
    key, shipment = recorded.key, recorded.shipment
    problem = f"{SHOP_REFUSAL} {key.source} shop {key.shop} refused shipment {shipment.number}: {words}"
    current = next((item for item in push.attention.all() if item.key == key), None)
    if current is None:
        found = push.orders.get(key)
        status, number = (found[0].status, found[0].web_number) if found else (OrderStatus.IN_BC, "")
        push.attention.flag(
            AttentionItem(key=key, status=status, problem=problem, web_number=number, since=push.clock.now())
        )
    elif problem not in current.problem:
        added = f"{current.problem}; {problem}"
        push.attention.flag(
            AttentionItem(
                key=key, status=current.status, problem=added, web_number=current.web_number, since=current.since
            )
        )


def _write(push: ShipmentPush, changed: RecordedShipment, etag: str, outcome: Outcome) -> Outcome:
    try:
        push.shipments.write(changed, etag)
    except ConcurrencyConflict:
        return Outcome.CHANGED_MEANWHILE
    return outcome


def _count(tally: RunTally, state: _RunState, recorded: RecordedShipment, outcome: Outcome) -> None:
    key, number = recorded.key, recorded.shipment.number
    if outcome is Outcome.TOLD:
        tally.pushed += 1
    elif outcome is Outcome.REFUSED:
        tally.failed += 1
        tally.problem(f"{key.source} shop {key.shop} refused shipment {number} of order {key}: on the attention list")
    elif outcome is Outcome.NO_SHOP:
        tally.changed += 1
        shop = (key.source, key.shop)
        if key.source not in NO_SHOP_SOURCES and shop not in state.untold:
            state.untold.add(shop)
            tally.problem(f"{key.source} shop {key.shop}: Koppel has no API access to tell it of shipments")
    else:
        tally.problem(f"shipment {number} of order {key} changed while its shop was told: told again next run")
