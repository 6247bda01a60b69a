"""What each timed run counts, and the tally a run keeps as it goes and leaves as its summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import RetryableError
from domain.ports import Clock, SyncRuns
from domain.records import CountNames, SyncRun

PROBLEMS_KEPT = 20
"""The first problems of a run are kept in its summary; the counts say how many there were."""

CATALOG_COUNTS = CountNames()
"""A shop's catalog push: items read from BC, listings changed, listings pushed to the shop, listings refused."""
PORTAL_CATALOG_COUNTS = CountNames(pushed="stored")
"""The portal's catalog: customers and items read, changed (removed ones too), stored, refused."""
SUBSCRIPTION_COUNTS = CountNames(read="wanted", pushed="created or renewed")
"""BC's webhook subscriptions: those wanted, changed (= created or renewed), created or renewed, failed."""
BOOKING_COUNTS = CountNames(read="looked at", changed="invoices filed", pushed="booked", failed="parked")
"""The booking run: payments looked at, invoices filed on web orders, payments and refunds booked, parked."""
SHIPMENT_COUNTS = CountNames(
    read="shipments read", changed="new shipments", pushed="shipment changes", failed="listed for a person"
)
"""The shipment poll: BC's shipments read, recorded on web orders as new or as a new version, listed for a person."""
SHOP_SHIPMENT_COUNTS = CountNames(
    read="shipments due", changed="no shop to tell", pushed="told to shops", failed="refused by shops"
)
"""The shops told of shipments: shipment versions due, those of orders no shop can be told of, told, refused."""
SHOP_CARRIER_EVENT_COUNTS = CountNames(
    read="events due", changed="nothing to tell", pushed="told to shops", failed="refused by shops"
)
"""The shops told of carrier events: events looked at, passed (nothing to tell), told, refused."""

CREDIT_COUNTS = CountNames(read="refunds looked at", changed="credited", pushed="posted", failed="for a person")
"""Shop refunds credited in BC (run `shop-refunds`): noted refunds looked at, credit memos completed, posted by
Koppel, left to a person."""

RETURN_COUNTS = CountNames(read="requests looked at", changed="return orders made", failed="for a person")
"""Portal return requests made into BC sales return orders (run `portal-returns`)."""

REFUND_COUNTS = CountNames(read="credit memos read", changed="taken on", pushed="refunds asked", failed="for a person")
"""Credit memos paid back: read from BC, recorded (to refund, or not Koppel's to refund), refunds asked of the
providers, left to a person."""


@dataclass
class RunTally:
    count_names: CountNames = CATALOG_COUNTS
    read: int = 0
    changed: int = 0
    pushed: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(text)

    def unless_stopped(self, work: Callable[[], bool]) -> bool:
        """What `work` says (False: it left some for the next run), False when a RetryableError stopped it: a
        problem of the run, which the next run goes on from."""
        try:
            return work()
        except RetryableError as stopped:
            self.problem(f"stopped, the next run goes on: {stopped}")
            return False

    def summary(
        self, name: str, started_at: datetime, finished_at: datetime, completed: bool, full: bool = True
    ) -> SyncRun:
        return SyncRun(
            name=name,
            started_at=started_at,
            finished_at=finished_at,
            full=full,
            read=self.read,
            changed=self.changed,
            pushed=self.pushed,
            failed=self.failed,
            count_names=self.count_names,
            completed=completed,
            problems=tuple(self.problems),
        )


def recorded_run(
    name: str, counts: CountNames, clock: Clock, runs: SyncRuns, work: Callable[[RunTally], bool]
) -> SyncRun:
    """A run over what is left to do (not a full one): `work` counts on the tally and says whether it completed; a
    RetryableError stops it as a problem of the run. Its summary is recorded and returned."""
    started = clock.now()
    tally = RunTally(counts)
    completed = tally.unless_stopped(lambda: work(tally))
    summary = tally.summary(name, started, clock.now(), completed=completed, full=False)
    runs.record(summary)
    return summary
