"""Mollie's webhook calls: the classic `id=tr_...` form post per payment, and optional signed next-gen events."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Coroutine, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlencode

import aiohttp

from localdev.simulators.delivery import post_webhook

RETRY_DELAYS_S = (60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 36000.0)
"""Waits before attempts 2..10: 10 attempts over about 26 hours. Mollie publishes the total, not the steps."""
USER_AGENT = "Mollie.nl HTTP client/1.0"


class MollieDelivery(NamedTuple):
    """One attempt. `kind` is "classic" (subject: the payment id) or "event" (subject: the event id);
    `outcome` is the HTTP status, or what went wrong when no answer came in time."""

    kind: str
    url: str
    subject: str
    attempt: int
    outcome: int | str


class Post(NamedTuple):
    kind: str
    url: str
    subject: str
    body: bytes
    headers: dict[str, str]


def mollie_signature(body: bytes, secret: str) -> str:
    """`X-Mollie-Signature`: `sha256=` + hex HMAC-SHA256 of the raw body with the signing secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class EventTarget(NamedTuple):
    """Where next-gen events go, and the secret they are signed with."""

    url: str
    signing_secret: str


class Dispatcher:
    """Posts in the background; a non-2xx answer or a timeout is retried after each of `retry_delays_s` times
    `time_scale` (1.0 is real time; 0.0001 runs the 26 hours in about 9 seconds)."""

    def __init__(
        self, time_scale: float, timeout_s: float, retry_delays_s: Sequence[float], events: EventTarget | None
    ) -> None:
        self.time_scale = time_scale
        self.timeout_s = timeout_s
        self.retry_delays_s = tuple(retry_delays_s)
        self.events = events
        self.deliveries: list[MollieDelivery] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    @property
    def pending(self) -> bool:
        return bool(self._tasks)

    def classic(self, payment_id: str, url: str | None) -> None:
        """The classic call: a form body with the payment id only, no signature."""
        if url is None:
            return
        headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT}
        self._spawn(self._deliver(Post("classic", url, payment_id, urlencode({"id": payment_id}).encode(), headers)))

    def event(self, event: dict[str, Any]) -> None:
        """A next-gen event, signed, when an event target is configured."""
        if self.events is None:
            return
        body = json.dumps(event, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Mollie-Signature": mollie_signature(body, self.events.signing_secret),
        }
        self._spawn(self._deliver(Post("event", self.events.url, event["id"], body, headers)))

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

    async def _deliver(self, post: Post) -> None:
        for attempt, delay in enumerate((0.0, *self.retry_delays_s), start=1):
            await asyncio.sleep(delay * self.time_scale)
            if self._session is None:
                self._session = aiohttp.ClientSession()
            outcome = await post_webhook(self._session, post.url, post.body, post.headers, self.timeout_s)
            self.deliveries.append(MollieDelivery(post.kind, post.url, post.subject, attempt, outcome))
            if isinstance(outcome, int) and 200 <= outcome < 300:
                return
