"""Shopify's leaky bucket: every call adds one, the bucket leaks at a steady rate, a full bucket refuses."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class LeakyBucket:
    def __init__(self, size: int = 40, leak_per_s: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.leak_per_s = leak_per_s
        self._clock = clock
        self._level = 0.0
        self._at = clock()

    def take(self) -> bool:
        """Add one call if it fits."""
        self._leak()
        if self._level + 1 > self.size:
            return False
        self._level += 1
        return True

    @property
    def used(self) -> int:
        """The level as `X-Shopify-Shop-Api-Call-Limit` shows it: `used/size`."""
        self._leak()
        return min(self.size, math.ceil(self._level))

    def _leak(self) -> None:
        now = self._clock()
        self._level = max(0.0, self._level - (now - self._at) * self.leak_per_s)
        self._at = now
