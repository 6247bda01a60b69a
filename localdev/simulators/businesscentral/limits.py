"""BC online's per-client limits: concurrent requests (FIFO queue), running + queued, sliding-window rate."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from localdev.simulators.businesscentral.errors import BCError


@dataclass(frozen=True)
class LimitSettings:
    max_in_flight: int
    max_queued: int
    rate_limit: int
    rate_window_s: float


class ClientLimiter:
    """The limits of one client id; `admit` may refuse at once, `slot` waits its turn."""

    def __init__(self, settings: LimitSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self.gate = asyncio.Semaphore(settings.max_in_flight)
        self.active = 0
        self.in_flight = 0
        self.max_in_flight_seen = 0
        self.accepted: deque[float] = deque()

    def admit(self) -> None:
        now = self.clock()
        window = self.settings.rate_window_s
        while self.accepted and self.accepted[0] <= now - window:
            self.accepted.popleft()
        if len(self.accepted) >= self.settings.rate_limit:
            retry_after = max(1, math.ceil(self.accepted[0] + window - now))
            raise BCError(
                429,
                "Application_TooManyRequests",
                f"Rate limit exceeded: more than {self.settings.rate_limit} requests in "
                f"{window:g} seconds. Retry after {retry_after} seconds.",
                {"Retry-After": str(retry_after)},
            )
        if self.active >= self.settings.max_queued:
            raise BCError(
                429,
                "Application_TooManyRequests",
                f"Too many requests reached. Actual ({self.active + 1}). Maximum ({self.settings.max_queued}).",
            )
        self.accepted.append(now)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self.active += 1
        try:
            async with self.gate:
                self.in_flight += 1
                self.max_in_flight_seen = max(self.max_in_flight_seen, self.in_flight)
                try:
                    yield
                finally:
                    self.in_flight -= 1
        finally:
            self.active -= 1


class Limits:
    def __init__(self, settings: LimitSettings) -> None:
        self.settings = settings
        self.clients: dict[str, ClientLimiter] = {}

    def for_client(self, client_id: str) -> ClientLimiter:
        if client_id not in self.clients:
            self.clients[client_id] = ClientLimiter(self.settings)
        return self.clients[client_id]

    def max_in_flight_seen(self) -> int:
        return max((limiter.max_in_flight_seen for limiter in self.clients.values()), default=0)

    def reset_seen(self) -> None:
        for limiter in self.clients.values():
            limiter.max_in_flight_seen = limiter.in_flight
