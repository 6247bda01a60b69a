"""The GraphQL Admin API's leaky bucket of cost points per app and shop: a query needs its requested cost in the
bucket, the unused part is refunded after it ran, and the bucket refills at `restore_rate` points a second."""

from __future__ import annotations

import time
from collections.abc import Callable


class CostBucket:
    def __init__(
        self, maximum: float = 1000.0, restore_rate: float = 50.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._clock = clock
        self._available = maximum
        self._at = clock()

    @property
    def available(self) -> float:
        self._restore()
        return self._available

    def take(self, cost: int) -> bool:
        """Spend `cost` points if the bucket holds them."""
        if cost > self.available:
            return False
        self._available -= cost
        return True

    def refund(self, points: int) -> None:
        self._restore()
        self._available = min(self.maximum, self._available + points)

    def throttle_status(self) -> dict[str, float | int]:
        """`extensions.cost.throttleStatus`."""
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": int(self.available),
            "restoreRate": float(self.restore_rate),
        }

    def _restore(self) -> None:
        now = self._clock()
        self._available = min(self.maximum, self._available + (now - self._at) * self.restore_rate)
        self._at = now
