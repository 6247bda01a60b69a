"""Order webhooks, delivered in the background like Shopify: signed, retried, sometimes twice or out of order."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import random
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import aiohttp

from localdev.simulators.delivery import post_webhook
from localdev.simulators.shopify.faults import DeliveryFaults


class ShopifyDelivery(NamedTuple):
    """One attempt: `outcome` is the HTTP status, or the error when no answer came in time."""

    topic: str
    order_id: int
    webhook_id: str
    attempt: int
    outcome: int | str


@dataclass(frozen=True)
class Notification:
    """One webhook: its body is the order as it was when the action happened."""

    topic: str
    order_id: int
    body: bytes
    webhook_id: str
    event_id: str
    triggered_at: str


@dataclass(frozen=True)
class WebhookSettings:
    client_secret: str
    shop_domain: str
    api_version: str
    retry_delays_s: tuple[float, ...]
    timeout_s: float


def shopify_hmac(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(raw body, app client secret)): `X-Shopify-Hmac-Sha256`."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class WebhookDispatcher:
    def __init__(self, settings: WebhookSettings, url: str | None, seed: int = 0) -> None:
        self.settings = settings
        self.url = url
        self.faults = DeliveryFaults()
        self.deliveries: list[ShopifyDelivery] = []
        self._rng = random.Random(seed)
        self._held: list[Notification] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    @property
    def pending(self) -> bool:
        return bool(self._tasks or self._held)

    def notify(
        self, topic: str, order: dict[str, Any], event_id: str, triggered_at: datetime, body: object = None
    ) -> None:
        """Queue one webhook for `order` as it is now (its body `body` when given: a refund); it goes out in the
        background."""
        if self.url is None:
            return
        notification = Notification(
            topic=topic,
            order_id=order["id"],
            body=json.dumps(order if body is None else body, separators=(",", ":")).encode(),
            webhook_id=str(uuid.uuid4()),
            event_id=event_id,
            triggered_at=triggered_at.isoformat().replace("+00:00", "Z"),
        )
        if not self.faults.reorder:
            self._spawn(self._send(notification))
            return
        if not self._held:
            self._spawn(self._flush_held())
        self._held.append(notification)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._held.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush_held(self) -> None:
        await asyncio.sleep(self.faults.reorder_window_s)
        held, self._held = self._held, []
        for notification in reversed(held):
            await self._send(notification)

    async def _send(self, notification: Notification) -> None:
        """Deliver once, or twice with the same webhook id: side by side or one after the other."""
        if self._rng.random() >= self.faults.duplicate_rate:
            await self._deliver(notification)
        elif self._rng.random() < 0.5:
            await asyncio.gather(self._deliver(notification), self._deliver(notification))
        else:
            await self._deliver(notification)
            await self._deliver(notification)

    async def _deliver(self, notification: Notification) -> None:
        """First attempt at once, a retry after each of `retry_delays_s` until a 2xx answer; then give up."""
        for attempt, delay in enumerate((0.0, *self.settings.retry_delays_s), start=1):
            await asyncio.sleep(delay)
            outcome = await self._post(notification)
            self.deliveries.append(
                ShopifyDelivery(notification.topic, notification.order_id, notification.webhook_id, attempt, outcome)
            )
            if isinstance(outcome, int) and 200 <= outcome < 300:
                return

    async def _post(self, notification: Notification) -> int | str:
        url = self.url
        if url is None:
            return "no webhook url"
        settings = self.settings
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": notification.topic,
            "X-Shopify-Hmac-Sha256": shopify_hmac(notification.body, settings.client_secret),
            "X-Shopify-Shop-Domain": settings.shop_domain,
            "X-Shopify-API-Version": settings.api_version,
            "X-Shopify-Webhook-Id": notification.webhook_id,
            "X-Shopify-Event-Id": notification.event_id,
            "X-Shopify-Triggered-At": notification.triggered_at,
        }
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return await post_webhook(self._session, url, notification.body, headers, settings.timeout_s)
