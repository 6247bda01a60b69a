"""The shop's one order webhook: signed POSTs, no retries, disabled after five failures in a row."""

from __future__ import annotations

import json
from itertools import count
from typing import Any, NamedTuple

import aiohttp

from domain.intake.signatures import woocommerce_signature
from localdev.simulators.delivery import post_webhook

MAX_FAILURES = 5
USER_AGENT = "WooCommerce/10.3.0 Hookshot (WordPress/6.8.3)"


class WooDelivery(NamedTuple):
    """One delivery attempt: `outcome` is the HTTP status, or the error when there was no answer."""

    topic: str
    order_id: int
    outcome: int | str


def delivered(outcome: int | str) -> bool:
    """WooCommerce counts 2xx, 301 and 302 as success."""
    return isinstance(outcome, int) and 200 <= outcome < 303


class Webhook:
    def __init__(self, webhook_id: int, secret: str, url: str | None, timeout_s: float) -> None:
        self.webhook_id = webhook_id
        self.secret = secret
        self.url = url
        self.timeout_s = timeout_s
        self.source = ""
        self.enabled = True
        self.failures = 0
        self.deliveries: list[WooDelivery] = []
        self._delivery_ids = count(1)
        self._session: aiohttp.ClientSession | None = None

    def configure(self, url: str | None, enabled: bool | None) -> None:
        """Re-enabling a disabled webhook clears its failure count, as saving it in WooCommerce does."""
        if url is not None:
            self.url = url
        if enabled is not None:
            self.enabled = enabled
            if enabled:
                self.failures = 0

    def describe(self) -> dict[str, Any]:
        return {"id": self.webhook_id, "url": self.url, "enabled": self.enabled, "failures": self.failures}

    async def deliver(self, topic: str, order_id: int, payload: dict[str, Any]) -> None:
        if self.url is None or not self.enabled:
            return
        body = json.dumps(payload, separators=(",", ":")).encode()
        resource, event = topic.split(".", maxsplit=1)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-WC-Webhook-Source": self.source,
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": woocommerce_signature(body, self.secret),
            "X-WC-Webhook-ID": str(self.webhook_id),
            "X-WC-Webhook-Delivery-ID": str(next(self._delivery_ids)),
        }
        outcome = await self._post(self.url, body, headers)
        self.deliveries.append(WooDelivery(topic, order_id, outcome))
        if delivered(outcome):
            self.failures = 0
            return
        self.failures += 1
        if self.failures >= MAX_FAILURES:
            self.enabled = False

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int | str:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return await post_webhook(self._session, url, body, headers, self.timeout_s)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
