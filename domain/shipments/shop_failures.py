"""How a push run (shipments, carrier events) treats a shop that fails: a failure now and then (a lost answer, a
429) leaves that one notice for the next run and the run goes on; FAILURES_IN_A_ROW of them from one shop (it is
down) and the shop is told nothing more this run, while the other shops go on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

FAILURES_IN_A_ROW = 3
"""RetryableErrors from one shop in a row after which it is told nothing more this run."""

Shop = tuple[str, str]
"""(source, shop): the first two parts of a web order's key."""


class ShopUnreachable(Exception):
    """The shop could not be reached or asked to wait (its adapter's RetryableError): the run passes the notice by."""


@dataclass
class ShopFailures:
    """Per shop this run: the last failure's words, how many failed, how many in a row; the shops told nothing more
    (`down`), and how many notices waited because of that."""

    reasons: dict[Shop, str] = field(default_factory=dict)
    failed: dict[Shop, int] = field(default_factory=dict)
    in_a_row: dict[Shop, int] = field(default_factory=dict)
    down: set[Shop] = field(default_factory=set)
    passed_by: dict[Shop, int] = field(default_factory=dict)

    def attempt(self, shop: Shop, telling: Callable[[], T]) -> T | None:
        """What `telling` the shop returns; None when the shop could not be reached (ShopUnreachable), counted."""
        try:
            told = telling()
        except ShopUnreachable as error:
            self.failing(shop, str(error))
            return None
        self.answered(shop)
        return told

    def failing(self, shop: Shop, reason: str) -> None:
        self.reasons[shop] = reason
        self.failed[shop] = self.failed.get(shop, 0) + 1
        self.in_a_row[shop] = self.in_a_row.get(shop, 0) + 1
        if self.in_a_row[shop] >= FAILURES_IN_A_ROW:
            self.down.add(shop)

    def answered(self, shop: Shop) -> None:
        self.in_a_row[shop] = 0

    def passes_by(self, shop: Shop) -> bool:
        """Whether a notice to the shop is passed by (it is told nothing more this run), counted when so."""
        if shop in self.down:
            self.passed_by[shop] = self.passed_by.get(shop, 0) + 1
        return shop in self.down

    def problems(self, what: str) -> list[str]:
        """A line per failing shop for the run's summary; `what`: what it was told ("shipments", ...)."""
        return [self._problem(shop, failed, what) for shop, failed in self.failed.items()]

    def _problem(self, shop: Shop, failed: int, what: str) -> str:
        source, name = shop
        told = f"{source} shop {name} could not be told ({self.reasons[shop]}): {failed} {what} wait for the next run"
        if shop not in self.down:
            return told
        more = self.passed_by.get(shop, 0)
        return f"{told}; after {FAILURES_IN_A_ROW} in a row it was told nothing more, {more} more wait"
