"""Mollie's webhook calls: the classic `id=tr_...` form post per payment, and optional signed next-gen events."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any, NamedTuple
from urllib.parse import urlencode

from localdev.simulators.provider import RetryingDispatcher

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
    """Where next-gen events go, the secret they are signed with, and whether they carry the entity: the "full"
    payload embeds it (`_embedded.entity`), the "simple" one names only `entityId` (docs.mollie.com/reference/
    webhooks-new: flexible payload delivery)."""

    url: str
    signing_secret: str
    payload: str = "full"


class Dispatcher(RetryingDispatcher[MollieDelivery]):
    """Posts in the background; a non-2xx answer or a timeout is retried after each of `retry_delays_s` times
    `time_scale` (1.0 is real time; 0.0001 runs the 26 hours in about 9 seconds)."""

    def __init__(
        self, time_scale: float, timeout_s: float, retry_delays_s: Sequence[float], events: EventTarget | None
    ) -> None:
        super().__init__(time_scale, timeout_s, retry_delays_s)
        self.events = events

    def classic(self, payment_id: str, url: str | None) -> None:
        """The classic call: a form body with the payment id only, no signature."""
        if url is None:
            return
        headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT}
        self._spawn(self._deliver(Post("classic", url, payment_id, urlencode({"id": payment_id}).encode(), headers)))

    def event(self, event: dict[str, Any]) -> None:
        """A next-gen event, signed, when an event target is configured; without its entity for "simple"."""
        if self.events is None:
            return
        if self.events.payload == "simple":
            event = {name: value for name, value in event.items() if name != "_embedded"}
        body = json.dumps(event, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Mollie-Signature": mollie_signature(body, self.events.signing_secret),
        }
        self._spawn(self._deliver(Post("event", self.events.url, event["id"], body, headers)))

    async def _deliver(self, post: Post) -> None:
        async def attempt(number: int) -> int | str:
            outcome = await self._post(post.url, post.body, post.headers)
            self.deliveries.append(MollieDelivery(post.kind, post.url, post.subject, number, outcome))
            return outcome

        await self._retry(attempt)
