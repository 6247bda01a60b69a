"""Counters of what the simulator saw, for tests and the demo (`GET /_sim/stats`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Stats:
    requests: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    by_entity: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=lambda: Counter({"429": 0, "503": 0, "lost_response": 0}))
    rate_limited: int = 0

    def count(self, method: str, entity: str | None) -> None:
        self.requests += 1
        self.by_method[method] += 1
        if entity:
            self.by_entity[entity] += 1

    def to_json(self, max_in_flight_seen: int) -> dict[str, object]:
        return {
            "requests": self.requests,
            "by_method": dict(self.by_method),
            "by_entity": dict(self.by_entity),
            "faults": dict(self.faults),
            "rate_limited": self.rate_limited,
            "max_in_flight_seen": max_in_flight_seen,
        }
