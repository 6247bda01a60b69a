"""Sendcloud's webhook calls: `parcel_status_changed` posted to the integration's URL, signed with its secret,
retried on a non-2xx answer; held back and released in another order, or sent again, on demand."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import NamedTuple

from localdev.simulators.provider import RetryingDispatcher

RETRY_DELAYS_S = (300.0, 600.0, 1200.0, 2400.0, 3600.0, 3600.0, 3600.0, 3600.0, 3600.0)
"""Waits before attempts 2..10: "retry sending the update 10 times with an exponential delay. Starting with a 5
minute delay, and a maximum delay of 1 hour between retries" (sendcloud.dev/api/v2/webhooks). The doubling, and
that the first try counts among the 10, are assumptions."""


class SendcloudDelivery(NamedTuple):
    """One attempt; `outcome` is the HTTP status, or what went wrong when no answer came in time."""

    url: str
    parcel_id: int
    status_id: int
    attempt: int
    outcome: int | str


class Post(NamedTuple):
    """One webhook as it goes out: the same bytes and signature on every attempt and every repeat."""

    url: str
    parcel_id: int
    status_id: int
    body: bytes
    headers: dict[str, str]


class WebhookTarget(NamedTuple):
    url: str
    secret: str


def sendcloud_signature(body: bytes, secret: str) -> str:
    """`Sendcloud-Signature`: hex HMAC-SHA256 of the raw body with the integration's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Dispatcher(RetryingDispatcher[SendcloudDelivery]):
    """Posts in the background, each non-2xx answer or timeout retried after `retry_delays_s` times `time_scale`.
    While `holding`, webhooks wait in `held` until `release`."""

    def __init__(
        self, time_scale: float, timeout_s: float, retry_delays_s: Sequence[float], target: WebhookTarget | None
    ) -> None:
        super().__init__(time_scale, timeout_s, retry_delays_s)
        self.target = target
        self.holding = False
        self.held: list[Post] = []
        self.sent: dict[int, Post] = {}
        """The last webhook of each parcel, to send again."""

    def parcel_status_changed(self, parcel_id: int, status_id: int, body: bytes) -> bool:
        """Sign and send (or hold) the webhook; False when no webhook target is set."""
        if self.target is None:
            return False
        headers = {
            "Content-Type": "application/json",
            "Sendcloud-Signature": sendcloud_signature(body, self.target.secret),
        }
        post = Post(self.target.url, parcel_id, status_id, body, headers)
        self.sent[parcel_id] = post
        if self.holding:
            self.held.append(post)
        else:
            self._spawn(self._deliver(post))
        return True

    def repeat(self, parcel_id: int, copies: int) -> int:
        """Send the parcel's last webhook again, byte for byte, `copies` times; how many went."""
        post = self.sent.get(parcel_id)
        if post is None:
            return 0
        for _ in range(copies):
            self._spawn(self._deliver(post))
        return copies

    def release(self, reverse: bool) -> int:
        """Stop holding and send what was held one after the other (each with its retries), newest first when
        `reverse`; how many."""
        held, self.held, self.holding = self.held, [], False
        self._spawn(self._in_turn(list(reversed(held)) if reverse else held))
        return len(held)

    async def _in_turn(self, posts: list[Post]) -> None:
        for post in posts:
            await self._deliver(post)

    async def _deliver(self, post: Post) -> None:
        async def attempt(number: int) -> int | str:
            outcome = await self._post(post.url, post.body, post.headers)
            self.deliveries.append(SendcloudDelivery(post.url, post.parcel_id, post.status_id, number, outcome))
            return outcome

        await self._retry(attempt)
