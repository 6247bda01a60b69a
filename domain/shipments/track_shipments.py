"""Which web order each posted BC sales shipment belongs to, recorded on it once, and again as a new version when
BC changes what the customer sees (a tracking number, shipping agent or service added after posting).

BC does not offer salesShipments in its documented webhook list, so every run reads the shipments BC changed since
the last one (`lastModifiedDateTime` moves when page 1350 edits the tracking fields). A shipment belongs to the web
order whose externalDocumentNumber it carries when Koppel made the BC order it ships; a shipment whose number is a
web order's but whose BC order is not Koppel's is listed for a person (and looked at again each run); a shipment of
BC's other sales orders is passed by.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from domain.errors import BusinessCentralRejected, ConcurrencyConflict, RetryableError
from domain.etag_writes import change_on_etag
from domain.models import WebOrderKey
from domain.ports import Clock, OrderStore, SyncRuns, SyncState
from domain.records import SyncRun
from domain.runs import SHIPMENT_COUNTS, RunTally
from domain.shipments.models import Shipment
from domain.shipments.ports import PostedShipments, ShipmentStore
from domain.shipments.recorded import RecordedShipment, UnmatchedShipment, first_version

RUN_NAME = "bc-shipments"
JOB = "shipments"
SCOPE = "salesShipments"
OVERLAP = timedelta(minutes=5)
"""Read back this far before the last shipment recorded: BC's commits that land after a later stamp."""
ATTEMPTS = 5


@dataclass(frozen=True)
class ShipmentTracking:
    posted: PostedShipments
    orders: OrderStore
    shipments: ShipmentStore
    state: SyncState
    runs: SyncRuns
    clock: Clock
    first_lookback: timedelta = timedelta(days=7)
    """How far back the very first poll reads."""
    name: str = RUN_NAME


class Outcome(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    SAME = "same"
    LISTED = "listed"
    STILL_LISTED = "still listed"
    NOT_A_WEB_ORDER = "not a web order's"


@dataclass(frozen=True)
class Unmatched:
    """The shipment carries a web order's number, but Koppel cannot say it is of that web order, for `reason`."""

    reason: str


def track_shipments(tracking: ShipmentTracking) -> SyncRun:
    """One run: the shipments listed for a person looked at again, then those BC changed since the last run
    recorded; its summary is recorded and returned."""
    started = tracking.clock.now()
    tally = RunTally(SHIPMENT_COUNTS)
    completed = True
    try:
        listed = look_again_at_listed(tracking, tally)
        poll_shipments(tracking, tally, listed)
    except RetryableError as stopped:
        completed = False
        tally.problem(f"stopped, the next run goes on: {stopped}")
    except BusinessCentralRejected as refused:
        completed = False
        tally.problem(f"BC refused the read, the next run tries again: {refused}")
    run = tally.summary(tracking.name, started, tracking.clock.now(), completed=completed, full=False)
    tracking.runs.record(run)
    return run


def poll_shipments(tracking: ShipmentTracking, tally: RunTally, listed: Mapping[str, Shipment]) -> None:
    """Record every shipment BC changed since the last poll (`listed`: those on the list for a person); the
    watermark moves past each one handled, so a run that stops goes on from there."""
    watermark = tracking.state.get(JOB, SCOPE)
    since = datetime.fromisoformat(watermark) - OVERLAP if watermark else tracking.clock.now() - tracking.first_lookback
    reached: datetime | None = None
    try:
        for shipment in tracking.posted.changed_since(since):
            tally.read += 1
            _count(tally, shipment, record_shipment(tracking, shipment, listed))
            reached = shipment.changed_at if reached is None else max(reached, shipment.changed_at)
    finally:
        if reached is not None:
            tracking.state.put(JOB, SCOPE, reached.isoformat())


def look_again_at_listed(tracking: ShipmentTracking, tally: RunTally) -> dict[str, Shipment]:
    """Each shipment listed for a person that now finds its web order (its BC order was linked since) is recorded
    and leaves the list, as does one that is no longer a web order's; returns those still listed, by number."""
    still: dict[str, Shipment] = {}
    for listed in tracking.shipments.unmatched():
        owner = web_order_of(tracking.orders, listed.shipment)
        if isinstance(owner, Unmatched):
            still[listed.shipment.number] = listed.shipment
            continue
        if owner is not None:
            _count(tally, listed.shipment, _record(tracking, owner, listed.shipment))
        tracking.shipments.unlist(listed.shipment.number)
    return still


def record_shipment(tracking: ShipmentTracking, shipment: Shipment, listed: Mapping[str, Shipment]) -> Outcome:
    """Record the shipment on its web order, or list it for a person (unless it is listed as it is already)."""
    owner = web_order_of(tracking.orders, shipment)
    if owner is None:
        return Outcome.NOT_A_WEB_ORDER
    if isinstance(owner, Unmatched):
        if listed.get(shipment.number) == shipment:
            return Outcome.STILL_LISTED
        kept = UnmatchedShipment(shipment=shipment, reason=owner.reason, listed_at=tracking.clock.now())
        tracking.shipments.list_unmatched(kept)
        return Outcome.LISTED
    return _record(tracking, owner, shipment)


def web_order_of(orders: OrderStore, shipment: Shipment) -> WebOrderKey | Unmatched | None:
    """The web order whose BC order the shipment ships: found by its externalDocumentNumber (the number Koppel
    claimed for the web order) and confirmed by the BC order number. None when the number is no web order's."""
    number = shipment.external_document_number
    key = orders.key_for_document(number) if number else None
    if key is None:
        return None
    found = orders.get(key)
    if found is None:
        return Unmatched(f"web order {key} holds {number} but Koppel has no record of it")
    document = found[0].bc
    if document is None:
        return Unmatched(f"web order {key} holds {number} but has no BC order")
    if document.number.upper() != shipment.order_number.upper():
        return Unmatched(
            f"web order {key} holds {number} with BC order {document.number}, "
            f"but this shipment is of BC order {shipment.order_number}"
        )
    return key


def _record(tracking: ShipmentTracking, key: WebOrderKey, shipment: Shipment) -> Outcome:
    """The shipment as a new one, a new version of the one recorded, or nothing when the one recorded says it."""
    now = tracking.clock.now()
    outcomes: list[Outcome] = []

    def change(recorded: RecordedShipment | None) -> RecordedShipment | None:
        changed = first_version(key, shipment, now) if recorded is None else recorded.updated(shipment, now)
        outcomes.append(Outcome.SAME if changed is None else Outcome.NEW if recorded is None else Outcome.CHANGED)
        return changed

    try:
        change_on_etag(
            partial(tracking.shipments.get, key, shipment.number), change, tracking.shipments.write, attempts=ATTEMPTS
        )
    except ConcurrencyConflict:
        raise RetryableError(f"shipment {shipment.number} of {key} kept changing while it was recorded") from None
    return outcomes[-1]


def _count(tally: RunTally, shipment: Shipment, outcome: Outcome) -> None:
    if outcome is Outcome.NEW:
        tally.changed += 1
    elif outcome is Outcome.CHANGED:
        tally.pushed += 1
    elif outcome is Outcome.LISTED:
        tally.failed += 1
        tally.problem(
            f"shipment {shipment.number} of BC order {shipment.order_number} "
            f"({shipment.external_document_number}) listed for a person"
        )
