"""The portal catalog run: BC's customers' terms, items, price list lines, stock and item substitutions -> the rows
the portal API answers from.

Each item and customer is stored with its fingerprint, so an unchanged one costs no write and a run that stops
half-way resumes where it stopped; changed ones are written in batches as they are found. Rows of items and
customers BC no longer has are removed once a run has read all of them. Every run leaves a summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from domain.catalog.availability import StockPolicy
from domain.catalog.ports import CatalogSource
from domain.errors import RetryableError
from domain.portal.catalog import PortalItem, portal_item
from domain.portal.ports import PortalCatalogStore, PortalSource
from domain.ports import Clock, SyncRuns
from domain.records import SyncRun
from domain.runs import PORTAL_CATALOG_COUNTS, RunTally


@dataclass(frozen=True)
class PortalCatalogRun:
    name: str
    """The run's name, e.g. `portal-catalog`."""
    catalog: CatalogSource
    terms: PortalSource
    store: PortalCatalogStore
    runs: SyncRuns
    clock: Clock
    stock: StockPolicy
    """The portal's: which locations it sells from and what it holds back."""


class _Stored(Protocol):
    """A customer or an item: known by its number, stored again when its fingerprint moves."""

    @property
    def number(self) -> str: ...

    def fingerprint(self) -> str: ...


S = TypeVar("S", bound=_Stored)
T = TypeVar("T")


def publish_portal_catalog(run: PortalCatalogRun) -> SyncRun:
    """Store every customer and item whose fingerprint changed since the last run; record the run. Its counts
    (PORTAL_CATALOG_COUNTS) take customers and items together; removed ones count as changed and stored."""
    started = run.clock.now()
    tally = RunTally(PORTAL_CATALOG_COUNTS)
    completed = True
    try:
        _publish_customers(run, tally)
        _publish_items(run, started.date(), tally)
    except RetryableError as error:
        completed = False
        tally.problem(f"stopped early: {error}")
    summary = tally.summary(run.name, started, run.clock.now(), completed)
    run.runs.record(summary)
    return summary


def _publish_customers(run: PortalCatalogRun, tally: RunTally) -> None:
    stored = run.store.customer_fingerprints()
    seen: set[str] = set()
    for batch in _batches(_changed(run.terms.customers(), stored, seen, tally), run.store.limit):
        run.store.store_customers(batch)
        tally.pushed += len(batch)
    gone = sorted(stored.keys() - seen)
    run.store.remove_customers(gone)
    tally.changed += len(gone)
    tally.pushed += len(gone)


def _publish_items(run: PortalCatalogRun, today: date, tally: RunTally) -> None:
    stored = run.store.item_fingerprints()
    seen: set[str] = set()
    for batch in _batches(_changed(_portal_items(run, today, tally), stored, seen, tally), run.store.limit):
        refused = run.store.store_items(batch)
        for number, reason in refused.items():
            tally.problem(f"{number}: {reason}")
        tally.failed += len(refused)
        tally.pushed += len(batch) - len(refused)
    gone = sorted(stored.keys() - seen)
    run.store.remove_items(gone)
    tally.changed += len(gone)
    tally.pushed += len(gone)


def _portal_items(run: PortalCatalogRun, today: date, tally: RunTally) -> Iterator[PortalItem]:
    """Every item the portal can price; one it cannot is a problem, and left out (so removed if it was stored)."""
    lines = run.catalog.price_lines()
    stock = run.catalog.stock()
    substitutions = run.terms.substitutions()
    for item in run.catalog.items():
        if unpriceable := item.unpriceable():
            tally.problem(unpriceable)
            continue
        yield portal_item(
            item, lines.get(item.number, ()), stock, substitutions.get(item.number, ()), policy=run.stock, today=today
        )


def _changed(rows: Iterable[S], stored: Mapping[str, str], seen: set[str], tally: RunTally) -> Iterator[S]:
    """The rows whose fingerprint differs from the stored one (or that were never stored); each one read is seen."""
    for row in rows:
        tally.read += 1
        seen.add(row.number)
        if stored.get(row.number) != row.fingerprint():
            tally.changed += 1
            yield row


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items; the last may be shorter."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
