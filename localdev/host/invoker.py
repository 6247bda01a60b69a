"""Calling user functions: sync ones in a thread pool, async ones awaited, each invocation logged."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger("koppel.localhost.invocation")

THREAD_COUNT_SETTING = "PYTHON_THREADPOOL_THREAD_COUNT"


class Invoker:
    def __init__(self, max_workers: int | None = None) -> None:
        """max_workers None: as the Python worker, PYTHON_THREADPOOL_THREAD_COUNT or else ThreadPoolExecutor's
        default, min(32, CPU count + 4), shared by every sync function (HTTP, queue and timer alike)."""
        self._executor = ThreadPoolExecutor(
            max_workers=max_workers or thread_count_setting(), thread_name_prefix="koppel-function"
        )

    async def invoke(
        self,
        function_name: str,
        user_function: Callable[..., Any],
        parameter: str,
        value: object,
        reason: str,
    ) -> Any:
        """Run the function with value bound to its trigger parameter; log and re-raise what it raises."""
        invocation_id = uuid.uuid4()
        log.info("Executing 'Functions.%s' (Reason='%s', Id=%s)", function_name, reason, invocation_id)
        started = time.perf_counter()
        try:
            if inspect.iscoroutinefunction(user_function):
                result = await user_function(**{parameter: value})
            else:
                call = functools.partial(user_function, **{parameter: value})
                result = await asyncio.get_running_loop().run_in_executor(self._executor, call)
        except Exception:
            log.exception(
                "Executed 'Functions.%s' (Failed, Id=%s, Duration=%dms)",
                function_name,
                invocation_id,
                _elapsed_ms(started),
            )
            raise
        log.info(
            "Executed 'Functions.%s' (Succeeded, Id=%s, Duration=%dms)",
            function_name,
            invocation_id,
            _elapsed_ms(started),
        )
        return result

    def shutdown(self) -> None:
        """Drop queued calls; calls already running in threads finish on their own."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def thread_count_setting() -> int | None:
    """PYTHON_THREADPOOL_THREAD_COUNT when it is a positive integer; otherwise None (the worker ignores it too)."""
    value = os.environ.get(THREAD_COUNT_SETTING, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        log.warning("%s must be a positive integer, not '%s'; using the default", THREAD_COUNT_SETTING, value)
        return None
    return int(value)


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
