"""One catalog run for one channel: BC's items, prices and stock -> the listings that changed -> pushed in batches.

What a channel accepted is remembered per batch (its fingerprint and the channel's id), so a run that stops
half-way resumes where it stopped, and an unchanged item costs no call. After a completed run only the items that
may have changed are read from BC (see domain.catalog.reading). Every run leaves a summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.catalog.availability import Availability, ItemKey, StockFacts, availability
from domain.catalog.listing import (
    ListingChange,
    ListingPolicy,
    PushedListing,
    PushOutcome,
    change,
    change_batches,
    listing,
)
from domain.catalog.ports import CatalogSource, ChannelCatalog, PushedListings
from domain.catalog.reading import NO_INPUTS, RETRY, input_fingerprints, is_full_run
from domain.errors import RetryableError
from domain.models import Frozen, canonical_json, fingerprint_of
from domain.ports import Clock, SyncRuns, SyncState
from domain.records import SyncRun
from domain.runs import RunTally

WATERMARK = "watermark"
WATERMARK_MARGIN = timedelta(minutes=5)
"""Read again what BC stamped this long before the last run started: BC stamps a change when it is made, not
when it is committed, and with its own clock."""


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
    state: SyncState
    """Where the run keeps its watermark."""


@dataclass
class _Tally(RunTally):
    refreshed: list[PushedListing] = field(default_factory=list)
    """Rows of items the channel has as they are, listed from new inputs: remembered without a call."""


def sync_catalog(sync: CatalogSync, full: bool = False) -> SyncRun:
    """Push every listing whose fingerprint changed since the channel last accepted it; record the run. Only the
    items that may have changed are read, unless `full` or `is_full_run` says to read all. `clock` gives the
    company's local time: its date is the day prices are valid on."""
    started = sync.clock.now()
    last = _last_run(sync)
    policy = _policy_fingerprint(sync.policy)
    full = full or last is None or last.policy != policy or is_full_run(last.started_at, started)
    since = None if full or last is None else last.started_at - WATERMARK_MARGIN
    tally = _Tally()
    completed = True
    try:
        for batch in change_batches(_changes(sync, started.date(), since, tally), sync.channel.limit):
            _push(sync, batch, tally)
        sync.pushed.remember(tally.refreshed)
    except RetryableError as error:
        completed = False
        tally.problem(f"stopped early: {error}")
    if completed:
        sync.state.put(sync.name, WATERMARK, _LastRun(started_at=started, policy=policy).model_dump_json())
    run = tally.summary(sync.name, started, sync.clock.now(), completed, full)
    sync.runs.record(run)
    return run


class _LastRun(Frozen):
    """The watermark: when the last completed run started, and with which channel policy."""

    started_at: datetime
    policy: str


def _last_run(sync: CatalogSync) -> _LastRun | None:
    stored = sync.state.get(sync.name, WATERMARK)
    return _LastRun.model_validate_json(stored) if stored else None


def _policy_fingerprint(policy: ListingPolicy) -> str:
    """Changes when the channel's settings do (campaigns, safety stock, display, what BC owns ...): every
    listing may change with them, so the next run reads everything."""
    return fingerprint_of(canonical_json(policy))


def _changes(sync: CatalogSync, today: date, since: datetime | None, tally: _Tally) -> Iterator[ListingChange]:
    """The changes of the items read: all of them, or (after `since`) those BC stamped later and those whose
    price lines or stock moved."""
    known = sync.pushed.all()
    lines = sync.source.price_lines()
    stock = sync.source.stock()
    items = {sku for sku, row in known.items() if row.inputs}
    inputs = input_fingerprints(lines, stock, items)
    if since is None:
        read = sync.source.items()
    else:
        moved = sorted(number for number, fingerprint in inputs.items() if _inputs(known, number) != fingerprint)
        read = sync.source.items(since=since, numbers=moved)
    for item in read:
        tally.read += 1
        if unpriceable := item.unpriceable():
            tally.problem(unpriceable)
            continue
        listed = listing(item, lines.get(item.number, ()), _availability(stock, sync.policy, today), sync.policy, today)
        item_inputs = inputs.get(item.number, NO_INPUTS)
        changed = change(listed, known, item_inputs)
        if changed is not None:
            tally.changed += 1
            yield changed
        elif _inputs(known, item.number) != item_inputs:
            tally.refreshed.append(known[item.number].listed_from(item_inputs))


def _inputs(known: Mapping[str, PushedListing], number: str) -> str:
    row = known.get(number)
    return row.inputs if row else ""


def _availability(
    stock: Mapping[ItemKey, StockFacts], policy: ListingPolicy, today: date
) -> Callable[[ItemKey], Availability]:
    return lambda key: availability(stock.get(key, StockFacts(item=key)), policy.stock, today)


def _push(sync: CatalogSync, batch: Sequence[ListingChange], tally: _Tally) -> None:
    """One batch to the channel; what it accepted is remembered. An item counts as pushed when the channel
    accepted all of it that changed, else as failed, with each refusal noted."""
    outcomes = {outcome.sku: outcome for outcome in sync.channel.push(batch)}
    sync.pushed.remember([row for item_change in batch for row in _accepted(item_change, outcomes, tally)])


def _accepted(item_change: ListingChange, outcomes: Mapping[str, PushOutcome], tally: _Tally) -> list[PushedListing]:
    """The rows to remember for one item: each SKU the channel accepted, each it refused but named an id for (it
    made the product and then refused its stock, or another product holds the SKU) without a fingerprint, and the
    item's own row with the inputs it was listed from, or with RETRY when the channel refused any of it, so that
    it is read and sent again (to those ids) next run."""
    rows, refused = [], False
    for sku, fingerprint in _sent(item_change):
        outcome = outcomes.get(sku)
        if outcome is None or outcome.error or not outcome.channel_id:
            refused = True
            tally.problem(f"{sku}: {outcome.error if outcome else 'no answer for this item'}")
        if outcome is not None and outcome.channel_id:
            accepted = not outcome.error
            rows.append(
                PushedListing(sku=sku, fingerprint=fingerprint if accepted else "", channel_id=outcome.channel_id)
            )
    tally.failed += refused
    tally.pushed += not refused
    own_sku = item_change.listing.sku
    own = next((row for row in rows if row.sku == own_sku), None)
    if own is None:
        fingerprint = "" if item_change.product_changed else item_change.listing.fingerprint()
        own = PushedListing(sku=own_sku, fingerprint=fingerprint, channel_id=item_change.channel_id(own_sku))
    own = own.listed_from(RETRY if refused else item_change.inputs)
    return [row for row in rows if row.sku != own_sku] + [own]


def _sent(item_change: ListingChange) -> list[tuple[str, str]]:
    """The SKUs a change sends, with the fingerprints the channel has once it accepts them."""
    product = [(item_change.listing.sku, item_change.listing.fingerprint())] if item_change.product_changed else []
    return product + [(variant.sku, variant.fingerprint()) for variant in item_change.changed_variants]
