"""Stripe event deliveries: signed per attempt, retried on a compressed schedule, and, on request, held and released
out of order, sent again, replayed with an old timestamp, or tampered with after signing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from localdev.simulators.provider import RetryingDispatcher

RETRY_DELAYS_S = (60.0, 300.0, 1800.0, 3600.0, 10800.0, 21600.0, 43200.0, 86400.0, 86400.0)
"""Waits before attempts 2..10: about three days in all, as Stripe retries live-mode events (it publishes the span,
not the steps)."""
USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
TAMPERED_AMOUNT = 1


class StripeDelivery(NamedTuple):
    """One attempt at one endpoint. `signed_at` is the `t=` of its Stripe-Signature; `how` is "live" for the
    automatic deliveries and retries, else "resend", "replay" or "tampered"."""

    event_id: str
    event_type: str
    url: str
    attempt: int
    outcome: int | str
    signed_at: int
    how: str


@dataclass(frozen=True)
class Endpoint:
    id: str
    url: str
    secret: str


def stripe_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """`Stripe-Signature`: `t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{raw body}" keyed with the whole whsec_ secret>`."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_body(event: dict[str, Any]) -> bytes:
    """Stripe sends events pretty-printed; receivers must verify these raw bytes, not a re-serialisation."""
    return json.dumps(event, indent=2).encode()


def tampered(body: bytes) -> bytes:
    """The event with `data.object.amount` changed to 1, as an attacker would lower it."""
    event = json.loads(body)
    event["data"]["object"]["amount"] = TAMPERED_AMOUNT
    return event_body(event)


class Dispatcher(RetryingDispatcher[StripeDelivery]):
    """Sends each event to every endpoint; a non-2xx answer or a timeout is retried after each of `retry_delays_s`
    times `time_scale`. While `holding`, new events wait until `release` sends them in the order asked for."""

    def __init__(
        self,
        time_scale: float,
        timeout_s: float,
        retry_delays_s: Sequence[float],
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(time_scale, timeout_s, retry_delays_s)
        self.clock = clock
        self.endpoints: list[Endpoint] = []
        self.holding = False
        self._held: list[dict[str, Any]] = []

    @property
    def held(self) -> list[str]:
        return [event["id"] for event in self._held]

    def publish(self, event: dict[str, Any]) -> None:
        if self.holding:
            self._held.append(event)
            return
        for endpoint in self.endpoints:
            self._spawn(self._deliver(endpoint, event))

    def release(self, newest_first: bool) -> list[str]:
        """Stop holding; send the held events one after another (each with its retries), newest first if asked."""
        held, self._held, self.holding = self._held, [], False
        if newest_first:
            held.reverse()
        if held:
            self._spawn(self._send_in_turn(held))
        return [event["id"] for event in held]

    async def resend(self, event: dict[str, Any], age_s: int, tamper: bool) -> list[StripeDelivery]:
        """One attempt per endpoint now, no retries: a duplicate (age 0), a replay signed `age_s` seconds ago, or a
        body changed after signing."""
        how = "tampered" if tamper else "replay" if age_s else "resend"
        body = event_body(event)
        sent = []
        for endpoint in self.endpoints:
            signed_at = int(self.clock()) - age_s
            headers = _headers(stripe_signature(body, endpoint.secret, signed_at))
            outcome = await self._post(endpoint.url, tampered(body) if tamper else body, headers)
            sent.append(StripeDelivery(event["id"], event["type"], endpoint.url, 1, outcome, signed_at, how))
        self.deliveries.extend(sent)
        return sent

    async def _send_in_turn(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            await asyncio.gather(*(self._deliver(endpoint, event) for endpoint in self.endpoints))

    async def _deliver(self, endpoint: Endpoint, event: dict[str, Any]) -> None:
        """Each attempt is signed afresh with the time it is sent, as Stripe does."""
        body = event_body(event)

        async def attempt(number: int) -> int | str:
            signed_at = int(self.clock())
            outcome = await self._post(endpoint.url, body, _headers(stripe_signature(body, endpoint.secret, signed_at)))
            self.deliveries.append(
                StripeDelivery(event["id"], event["type"], endpoint.url, number, outcome, signed_at, "live")
            )
            return outcome

        await self._retry(attempt)


def _headers(signature: str) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, "Stripe-Signature": signature}
