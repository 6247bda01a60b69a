"""Injected faults: probabilistic rates plus a deterministic queue for the next matching API requests."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FaultKind = Literal["429", "503", "lost_response", "slow", "create_without_lines"]
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
SALES_ORDER_TOTALS = ("totalAmountExcludingTax", "totalTaxAmount", "totalAmountIncludingTax")


def creates_sales_order(method: str, path: str) -> bool:
    """A deep insert: POST to the salesOrders collection (not to an order's lines)."""
    return method == "POST" and path.partition("?")[0].rstrip("/").endswith("/salesOrders")


def header_only(answer: bytes) -> bytes:
    """The create's answer as the API page's OnInsertRecord left the header, before its nested lines were inserted:
    no salesOrderLines, totals 0. Microsoft documents that a deep insert answers "a salesOrders object", not that
    the answer carries the lines or totals that include them (dynamics_salesOrder_create.md)."""
    document = json.loads(answer)
    document.pop("salesOrderLines", None)
    document.update(dict.fromkeys(SALES_ORDER_TOTALS, 0))
    return json.dumps(document).encode()


class NextFault(BaseModel):
    """Fail the next `count` requests that match `method` and `path_contains`."""

    model_config = ConfigDict(extra="forbid")

    fault: FaultKind
    count: int = Field(1, ge=1)
    method: str | None = None
    path_contains: str | None = None
    retry_after: int | None = Field(None, ge=0)

    def matches(self, method: str, path: str) -> bool:
        if self.fault == "lost_response" and method not in WRITE_METHODS:
            return False
        if self.fault == "create_without_lines" and not creates_sales_order(method, path):
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path_contains is None or self.path_contains in path


class FaultSettings(BaseModel):
    """The body of `POST /_sim/faults`; only the fields sent change the current settings."""

    model_config = ConfigDict(extra="forbid")

    rate_429: float = Field(0.0, ge=0, le=1)
    rate_503: float = Field(0.0, ge=0, le=1)
    rate_lost_response: float = Field(0.0, ge=0, le=1)
    rate_slow: float = Field(0.0, ge=0, le=1)
    rate_create_without_lines: float = Field(0.0, ge=0, le=1)
    """Share of sales order creates answered with the header only (`header_only`); the order is stored whole."""
    latency_ms: int = Field(0, ge=0)
    slow_ms: int = Field(2000, ge=0)
    next: list[NextFault] = Field(default_factory=list)


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    retry_after: int | None


class FaultPlan:
    def __init__(self, latency_ms: int, seed: int = 0) -> None:
        self.base_latency_ms = latency_ms
        self.seed = seed
        self.clear()

    def clear(self) -> None:
        self.settings = FaultSettings(latency_ms=self.base_latency_ms)
        self.queue: list[NextFault] = []
        self.rng = random.Random(self.seed)

    def configure(self, update: FaultSettings) -> None:
        changes = {name: getattr(update, name) for name in update.model_fields_set if name != "next"}
        self.settings = self.settings.model_copy(update=changes)
        self.queue.extend(entry.model_copy() for entry in update.next)

    def describe(self) -> dict[str, object]:
        return {**self.settings.model_dump(exclude={"next"}), "next": [e.model_dump() for e in self.queue]}

    @property
    def latency_s(self) -> float:
        return self.settings.latency_ms / 1000

    @property
    def slow_s(self) -> float:
        return self.settings.slow_ms / 1000

    def draw(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any: the first matching queued entry, else a random draw."""
        for entry in self.queue:
            if entry.matches(method, path):
                entry.count -= 1
                if entry.count == 0:
                    self.queue.remove(entry)
                return Fault(entry.fault, self._retry_after(entry.fault, entry))
        roll = self.rng.random()
        settings = self.settings
        lost_rate = settings.rate_lost_response if method in WRITE_METHODS else 0.0
        bare_rate = settings.rate_create_without_lines if creates_sales_order(method, path) else 0.0
        chances: tuple[tuple[FaultKind, float], ...] = (
            ("429", settings.rate_429),
            ("503", settings.rate_503),
            ("lost_response", lost_rate),
            ("slow", settings.rate_slow),
            ("create_without_lines", bare_rate),
        )
        for kind, chance in chances:
            if roll < chance:
                return Fault(kind, self._retry_after(kind, None))
            roll -= chance
        return None

    def _retry_after(self, kind: FaultKind, entry: NextFault | None) -> int | None:
        """429 always names a delay, 503 only sometimes (as BC online does)."""
        if entry is not None and "retry_after" in entry.model_fields_set:
            return entry.retry_after
        if kind == "429":
            return 1
        if kind == "503":
            return 1 if self.rng.random() < 0.5 else None
        return None
