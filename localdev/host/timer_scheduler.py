"""A timer trigger's scheduler: fires on schedule, one invocation at a time, flags late runs past due."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from azure.functions.timer import TimerRequest

from localdev.host.invoker import Invoker
from localdev.host.metadata import TimerFunction

log = logging.getLogger("koppel.localhost.timer")

PAST_DUE_TOLERANCE = timedelta(milliseconds=500)


def utc_now() -> datetime:
    return datetime.now(UTC)


class TimerScheduler:
    def __init__(
        self,
        function: TimerFunction,
        invoker: Invoker,
        clock: Callable[[], datetime] = utc_now,
        tolerance: timedelta = PAST_DUE_TOLERANCE,
    ) -> None:
        """tolerance: how much later than scheduled a run may start before it counts as past due."""
        self._function = function
        self._invoker = invoker
        self._clock = clock
        self._tolerance = tolerance
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last: datetime | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"timer {self._function.name}")

    async def stop(self, grace: float) -> None:
        """Stop scheduling; a running invocation gets up to grace seconds to finish."""
        self._stopping.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, grace)
        except TimeoutError:
            log.warning("Functions.%s: invocation still running at shutdown, abandoned", self._function.name)

    async def _run(self) -> None:
        schedule = self._function.schedule
        started = self._clock()
        if self._function.run_on_startup:
            await self._fire(due=started, started=started, reason="Timer fired at startup (runOnStartup)")
        due = schedule.next_after(started)
        while await self._sleep_until(due):
            started = self._clock()
            await self._fire(due=due, started=started, reason=f"Timer fired at {started.isoformat()}")
            due = schedule.next_after(started)

    async def _sleep_until(self, due: datetime) -> bool:
        """Wait until the clock reaches due; False when the host stops first."""
        while (remaining := (due - self._clock()).total_seconds()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), remaining)
            if self._stopping.is_set():
                return False
        return not self._stopping.is_set()

    async def _fire(self, due: datetime, started: datetime, reason: str) -> None:
        function = self._function
        past_due = started - due > self._tolerance
        request = TimerRequest(
            past_due=past_due,
            schedule_status={
                "Last": (self._last or due).isoformat(),
                "Next": function.schedule.next_after(started).isoformat(),
                "LastUpdated": started.isoformat(),
            },
            schedule={"AdjustForDST": True},
        )
        self._last = started
        with contextlib.suppress(Exception):
            await self._invoker.invoke(function.name, function.user_function, function.parameter, request, reason)
