"""The shops told of their orders' shipments: each recorded shipment with a version its shop has not taken becomes a
ShipmentNotice to the ShopShipments of the order's shop, and the shop's answer is written on the recorded shipment,
on the ETag it was read with.

- Taken -> `pushed(version)`. When that write fails on its ETag (the poll recorded a newer version meanwhile) the
  shipment stays due and the next run tells it again: the adapters are idempotent per notice, so nothing is doubled.
- Refused (the shop's own words) -> `refused(version, words)`, which counts as taken (never sent again), and the
  order goes on the attention list with the shop's words.
- RetryableError -> the shipment waits for the next run; after FAILURES_IN_A_ROW of them from one shop (it is down,
  not a lost answer now and then) that shop is told nothing more this run, the other shops go on; the summary names
  the shop.
- No ShopShipments for the order's shop -> marked taken, as there is no one to tell: the portal (its customers read
  GET .../status) quietly; a shop Koppel has no API access to with a problem in the summary (its shipments are not
  told later, once access is given).
At most `limit` shipments are handled per run; the rest wait for the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

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

RUN_NAME = "shop-shipments"
LIMIT = 300
"""Shipments handled per run at most: a few shop calls each, well within the timer's ten minutes."""
NO_SHOP_SOURCES = frozenset({portal.SOURCE})
"""Channels whose orders have no shop to tell: not a problem when no ShopShipments is wired for them."""
FAILURES_IN_A_ROW = 3
"""RetryableErrors from one shop in a row after which it is told nothing more this run."""
SHOP_REFUSAL = "shop refused a shipment:"
"""How the attention list's problem of a shop's refusal begins."""

Shop = tuple[str, str]
"""(source, shop): the first two parts of a web order's key."""


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


class ShopUnreachable(Exception):
    """The shop could not be reached or asked to wait (its adapter's RetryableError): the run passes the shop by."""


@dataclass
class _RunState:
    """What a run has done so far: shipments handled, shops' failures (the last reason, how many, how many in a row),
    shops told nothing more, shops with no ShopShipments."""

    handled: int = 0
    reasons: dict[Shop, str] = field(default_factory=dict)
    failed: dict[Shop, int] = field(default_factory=dict)
    in_a_row: dict[Shop, int] = field(default_factory=dict)
    down: set[Shop] = field(default_factory=set)
    waiting: dict[Shop, int] = field(default_factory=dict)
    untold: set[Shop] = field(default_factory=set)

    def failing(self, shop: Shop, reason: str) -> None:
        self.reasons[shop] = reason
        self.failed[shop] = self.failed.get(shop, 0) + 1
        self.in_a_row[shop] = self.in_a_row.get(shop, 0) + 1
        if self.in_a_row[shop] >= FAILURES_IN_A_ROW:
            self.down.add(shop)


def push_shipments(push: ShipmentPush) -> SyncRun:
    """One run: every shipment due, up to `limit`, told to its shop; its summary is recorded and returned."""
    started = push.clock.now()
    tally = RunTally(SHOP_SHIPMENT_COUNTS)
    state = _RunState()
    completed = tally.unless_stopped(lambda: tell_shops(push, tally, state))
    for shop, failed in state.failed.items():
        tally.problem(_failures(shop, failed, state))
    run = tally.summary(push.name, started, push.clock.now(), completed=completed and not state.failed, full=False)
    push.runs.record(run)
    return run


def tell_shops(push: ShipmentPush, tally: RunTally, state: _RunState) -> bool:
    """Tell each shipment due to its shop, passing by those of shops that stopped answering this run; False when
    the limit left some for the next run."""
    for recorded, etag in push.shipments.to_push():
        shop = (recorded.key.source, recorded.key.shop)
        if shop in state.down:
            state.waiting[shop] = state.waiting.get(shop, 0) + 1
            continue
        if state.handled >= push.limit:
            return False
        state.handled += 1
        tally.read += 1
        try:
            outcome = push_shipment(push, recorded, etag)
        except ShopUnreachable as error:
            state.failing(shop, str(error))
            continue
        state.in_a_row[shop] = 0
        _count(tally, state, recorded, outcome)
    return True


def _failures(shop: Shop, failed: int, state: _RunState) -> str:
    source, name = shop
    told = f"{source} shop {name} could not be told ({state.reasons[shop]}): {failed} shipments wait for the next run"
    if shop not in state.down:
        return told
    return (
        f"{told}; after {FAILURES_IN_A_ROW} in a row it was told nothing more, {state.waiting.get(shop, 0)} more wait"
    )


def push_shipment(push: ShipmentPush, recorded: RecordedShipment, etag: str) -> Outcome:
    """Tell the order's shop of the shipment's versions it has not taken, and write down what it answered."""
    shop = push.shops.get((recorded.key.source, recorded.key.shop))
    if shop is None:
        return _write(push, recorded.pushed(recorded.version), etag, Outcome.NO_SHOP)
    notice = shipment_notice(push, recorded)
    try:
        words = shop.tell(notice)
    except RetryableError as error:
        raise ShopUnreachable(str(error)) from error
    if not words:
        return _write(push, recorded.pushed(notice.version), etag, Outcome.TOLD)
    put_on_attention_list(push, recorded, words)
    return _write(push, recorded.refused(notice.version, words), etag, Outcome.REFUSED)


def shipment_notice(push: ShipmentPush, recorded: RecordedShipment) -> ShipmentNotice:
    return ShipmentNotice(
        key=recorded.key,
        shipment=recorded.shipment,
        version=recorded.version,
        changes=recorded.changes_to_push(),
        order_fully_shipped=order_fully_shipped(push, recorded.key),
        told_alike=told_alike(push, recorded),
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
