"""One catalog run for one channel: BC's items, prices and stock -> the listings that changed -> pushed in batches.

What a channel accepted is remembered per batch (its fingerprint and the channel's id), so a run that stops
half-way resumes where it stopped, and an unchanged item costs no call. Every run leaves a summary.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.catalog.availability import Availability, ItemKey, StockFacts, availability
from domain.catalog.listing import CatalogItem, Listing, ListingPolicy, PushedListing, batches, listing
from domain.errors import RetryableError
from domain.ports import CatalogSource, ChannelCatalog, Clock, PushedListings, SyncRuns
from domain.records import SyncRun

PROBLEMS_KEPT = 20


@dataclass(frozen=True)
class CatalogSync:
    name: str
    """The run's name, e.g. `catalog-woocommerce-shop-a`."""
    source: CatalogSource
    channel: ChannelCatalog
    pushed: PushedListings
    runs: SyncRuns
    clock: Clock
    policy: ListingPolicy


@dataclass
class _Tally:
    read: int = 0
    changed: int = 0
    pushed: int = 0
    failed: int = 0

    def __post_init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(text)


def sync_catalog(sync: CatalogSync) -> SyncRun:
    """Push every listing whose fingerprint changed since the channel last accepted it; record the run."""
    started = sync.clock.now()
    tally = _Tally()
    known = sync.pushed.all()
    completed = True
    try:
        listings = _listings(sync, started.date(), tally)
        for batch in batches((found for found in listings if _is_changed(found, known, tally)), sync.channel.limit):
            _push(sync, batch, known, tally)
    except RetryableError as error:
        completed = False
        tally.problem(f"stopped early: {error}")
    run = SyncRun(
        name=sync.name,
        started_at=started,
        finished_at=sync.clock.now(),
        read=tally.read,
        changed=tally.changed,
        pushed=tally.pushed,
        failed=tally.failed,
        completed=completed,
        problems=tuple(tally.problems),
    )
    sync.runs.record(run)
    return run


def _listings(sync: CatalogSync, today: date, tally: _Tally) -> Iterator[Listing]:
    lines = sync.source.price_lines()
    stock = sync.source.stock()
    for item in sync.source.items():
        tally.read += 1
        yield listing(
            item, lines.get(item.number, ()), _availability(item, stock, sync.policy, today), sync.policy, today
        )


def _availability(
    item: CatalogItem, stock: Mapping[ItemKey, StockFacts], policy: ListingPolicy, today: date
) -> Availability:
    key = ItemKey(item_number=item.number)
    return availability(stock.get(key, StockFacts(item=key)), policy.stock, today)


def _is_changed(found: Listing, known: Mapping[str, PushedListing], tally: _Tally) -> bool:
    last = known.get(found.sku)
    if last is not None and last.fingerprint == found.fingerprint():
        return False
    tally.changed += 1
    return True


def _push(sync: CatalogSync, batch: Sequence[Listing], known: Mapping[str, PushedListing], tally: _Tally) -> None:
    """One call to the channel; each listing it accepted is remembered, each it refused is counted and noted."""
    outcomes = {
        outcome.sku: outcome for outcome in sync.channel.push([(found, _channel_id(found, known)) for found in batch])
    }
    accepted = []
    for found in batch:
        outcome = outcomes.get(found.sku)
        if outcome is None or outcome.error or not outcome.channel_id:
            tally.failed += 1
            tally.problem(f"{found.sku}: {outcome.error if outcome else 'no answer for this item'}")
            continue
        accepted.append(PushedListing(sku=found.sku, fingerprint=found.fingerprint(), channel_id=outcome.channel_id))
    sync.pushed.remember(accepted)
    tally.pushed += len(accepted)


def _channel_id(found: Listing, known: Mapping[str, PushedListing]) -> str:
    """The channel's id for the SKU, or "" when it was never pushed (the channel creates it)."""
    last = known.get(found.sku)
    return last.channel_id if last else ""
