"""A clock a test moves by hand, for what reads `time.monotonic`: the Shopify simulator's leaky bucket and token
lifetimes, and the waits of Koppel's Shopify adapters."""

from __future__ import annotations


class MonotonicClock:
    """Seconds as `time.monotonic` counts them, from 1000; `advance` moves it on, `sleep` too and records the wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.advance(seconds)
