"""One catalog run for one channel: BC's items, prices and stock -> the listings that changed -> pushed in batches.

What a channel accepted is remembered per batch (its fingerprint and the channel's id), so a run that stops
half-way resumes where it stopped, and an unchanged item costs no call. Every run leaves a summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.catalog.availability import Availability, ItemKey, StockFacts, availability
from domain.catalog.listing import (
    ListingChange,
    ListingPolicy,
    PushedListing,
    change,
    change_batches,
    listing,
)
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
        for batch in change_batches(_changes(sync, started.date(), known, tally), sync.channel.limit):
            _push(sync, batch, tally)
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


def _changes(
    sync: CatalogSync, today: date, known: Mapping[str, PushedListing], tally: _Tally
) -> Iterator[ListingChange]:
    lines = sync.source.price_lines()
    stock = sync.source.stock()
    for item in sync.source.items():
        tally.read += 1
        found = listing(item, lines.get(item.number, ()), _availability(stock, sync.policy, today), sync.policy, today)
        if (changed := change(found, known)) is not None:
            tally.changed += 1
            yield changed


def _availability(
    stock: Mapping[ItemKey, StockFacts], policy: ListingPolicy, today: date
) -> Callable[[ItemKey], Availability]:
    return lambda key: availability(stock.get(key, StockFacts(item=key)), policy.stock, today)


def _push(sync: CatalogSync, batch: Sequence[ListingChange], tally: _Tally) -> None:
    """One batch to the channel; what it accepted is remembered. An item counts as pushed when the channel
    accepted all of it that changed, else as failed, with each refusal noted."""
    outcomes = {outcome.sku: outcome for outcome in sync.channel.push(batch)}
    accepted = []
    for found in batch:
        refused = 0
        for sku, fingerprint in _sent(found):
            outcome = outcomes.get(sku)
            if outcome is None or outcome.error or not outcome.channel_id:
                refused += 1
                tally.problem(f"{sku}: {outcome.error if outcome else 'no answer for this item'}")
            else:
                accepted.append(PushedListing(sku=sku, fingerprint=fingerprint, channel_id=outcome.channel_id))
        tally.failed += bool(refused)
        tally.pushed += not refused
    sync.pushed.remember(accepted)


def _sent(found: ListingChange) -> list[tuple[str, str]]:
    """The SKUs a change sends, with the fingerprints the channel has once it accepts them."""
    product = [(found.listing.sku, found.listing.fingerprint())] if found.product_changed else []
    return product + [(variant.sku, variant.fingerprint()) for variant in found.changed_variants]
