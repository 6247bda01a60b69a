"""Counters of what the REST API saw, for tests and benchmarks (`GET /_sim/stats`, `POST /_sim/stats/reset`).

Routes are named by their pattern under /wp-json/wc/v3 (`POST /products/batch`, `GET /products/{product_id}`), so
a benchmark can tell list calls from batch calls; batch items are counted by resource and kind as they are handled,
and per-item errors by code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Stats:
    requests: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    batch_calls: Counter[str] = field(default_factory=Counter)
    batch_items: dict[str, Counter[str]] = field(default_factory=dict)
    item_errors: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        """Back to zero in place (the routes hold this object)."""
        self.__dict__.update(Stats().__dict__)

    def count_request(self, method: str, route: str, status: int) -> None:
        self.requests += 1
        self.by_method[method] += 1
        self.by_route[f"{method} {route}"] += 1
        self.by_status[str(status)] += 1

    def count_item(self, resource: str, kind: str, error_code: str | None) -> None:
        self.batch_items.setdefault(resource, Counter())[kind] += 1
        if error_code is not None:
            self.item_errors[error_code] += 1

    def to_json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "by_method": dict(self.by_method),
            "by_route": dict(self.by_route),
            "by_status": dict(self.by_status),
            "batch_calls": dict(self.batch_calls),
            "batch_items": {resource: dict(kinds) for resource, kinds in self.batch_items.items()},
            "item_errors": dict(self.item_errors),
            "faults": dict(self.faults),
        }
