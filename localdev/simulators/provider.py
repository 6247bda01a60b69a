"""What the payment-provider simulators (Mollie, Stripe) share: the server object around a `BackgroundServer`, the
retrying webhook dispatcher, the planned API faults, the /_sim/ helpers and the command line's serve-until-signal."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from types import FrameType, TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import aiohttp
from aiohttp import web

from localdev.simulators.background import BackgroundServer
from localdev.simulators.delivery import post_webhook

CALL_TIMEOUT_S = 10.0
FAULTS_RULE = "status must be 500 or 503 and count a whole number >= 0"
D = TypeVar("D")


class Faults:
    """The next `count` API calls fail with `status` (500 or 503); `default_status` until told otherwise."""

    def __init__(self, default_status: int) -> None:
        self.default_status = default_status
        self.status = default_status
        self.count = 0

    def json(self) -> dict[str, int]:
        return {"status": self.status, "count": self.count}

    def plan(self, body: dict[str, Any]) -> bool:
        """`{"status": 503, "count": 2}`: the next two calls fail. False, and nothing changed, when not valid."""
        status, count = body.get("status", self.default_status), body.get("count", 1)
        if status not in (500, 503) or not isinstance(count, int) or count < 0:
            return False
        self.status, self.count = status, count
        return True

    def clear(self) -> None:
        self.status, self.count = self.default_status, 0

    def take(self) -> int | None:
        """The status this call fails with when a fault is planned (using it up), else None."""
        if self.count <= 0:
            return None
        self.count -= 1
        return self.status


def add_fault_controls(
    app: web.Application,
    faults: Faults,
    answer: Callable[[object], web.Response],
    read_body: Callable[[web.Request], Awaitable[dict[str, Any]]],
    invalid: Callable[[], Exception],
) -> None:
    """`GET /_sim/faults` shows the plan, `POST` sets it (`invalid()` is raised for a bad body), `DELETE` clears it;
    each answers the plan as it is then."""

    async def get_faults(_request: web.Request) -> web.Response:
        return answer(faults.json())

    async def set_faults(request: web.Request) -> web.Response:
        if not faults.plan(await read_body(request)):
            raise invalid()
        return answer(faults.json())

    async def clear_faults(_request: web.Request) -> web.Response:
        faults.clear()
        return answer(faults.json())

    app.router.add_get("/_sim/faults", get_faults)
    app.router.add_post("/_sim/faults", set_faults)
    app.router.add_delete("/_sim/faults", clear_faults)


def count_call(calls: Counter[str], request: web.Request) -> None:
    """Count an API call under its method and route (`GET /v2/payments/{payment_id}`), for /_sim/stats."""
    resource = request.match_info.route.resource
    calls[f"{request.method} {resource.canonical if resource else request.path}"] += 1


async def json_object(request: web.Request, what: str, error: Callable[[str], Exception]) -> dict[str, Any]:
    """The body as a JSON object (an empty body is `{}`); `error(message)` is raised when it is not one."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise error(f"The {what} is not valid JSON") from None
    if not isinstance(body, dict):
        raise error(f"The {what} must be a JSON object")
    return body


class RetryingDispatcher(Generic[D]):
    """Posts in the background; an attempt without a 2xx answer is retried after each of `retry_delays_s` times
    `time_scale` (1.0 is real time). Every attempt is recorded in `deliveries` by the subclass."""

    def __init__(self, time_scale: float, timeout_s: float, retry_delays_s: Sequence[float]) -> None:
        self.time_scale = time_scale
        self.timeout_s = timeout_s
        self.retry_delays_s = tuple(retry_delays_s)
        self.deliveries: list[D] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    @property
    def pending(self) -> bool:
        return bool(self._tasks)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _retry(self, attempt: Callable[[int], Awaitable[int | str]]) -> None:
        """`attempt(number)` (from 1) until it answers a 2xx status or the retries run out."""
        for number, delay in enumerate((0.0, *self.retry_delays_s), start=1):
            await asyncio.sleep(delay * self.time_scale)
            outcome = await attempt(number)
            if isinstance(outcome, int) and 200 <= outcome < 300:
                return

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int | str:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return await post_webhook(self._session, url, body, headers, self.timeout_s)


class ProviderSimulator(Generic[D]):
    """Serves `make_app()` on 127.0.0.1 from a background thread; `dispatcher` sends its webhook calls."""

    def __init__(
        self, name: str, port: int, make_app: Callable[[], web.Application], dispatcher: RetryingDispatcher[D]
    ) -> None:
        self._make_app = make_app
        self._dispatcher = dispatcher
        self._server = BackgroundServer(name, port)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def deliveries(self) -> list[D]:
        return list(self._dispatcher.deliveries)

    def start(self, timeout: float = 10.0) -> Self:
        self._server.start(self._make_app, timeout)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.stop(timeout)

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Return once no webhook call is being sent or retried; TimeoutError if that takes too long."""
        deadline = time.monotonic() + timeout
        while not self._server.call(self._idle(), CALL_TIMEOUT_S):
            if time.monotonic() > deadline:
                raise TimeoutError(f"webhook deliveries still pending after {timeout} s")
            time.sleep(0.02)

    async def _idle(self) -> bool:
        return not self._dispatcher.pending

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


class Stoppable(Protocol):
    def stop(self, timeout: float = ...) -> None: ...


S = TypeVar("S", bound=Stoppable)


def serve_until_signalled(start: Callable[[], S], announce: Callable[[S], str]) -> int:
    """Start a simulator, print `announce(simulator)`, and serve until SIGINT or SIGTERM; then stop it. Returns 0."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    simulator = start()
    print(announce(simulator), flush=True)
    try:
        stop.wait()
    finally:
        simulator.stop()
    return 0
