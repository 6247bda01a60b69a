"""Webhook subscriptions (`api/v2.0/subscriptions`) and the notifications BC sends for them.

As BC online: creating or renewing (PATCH) a subscription does the validation handshake (a POST to
`notificationUrl?validationToken=...` must answer 200 with the token as its body); a subscription lives 3 days;
changes are sent after a delay, batched per notification URL, deduplicated per record, and more changes of one
subscription than the threshold become one `collection` notification with a filtered resource URL; 408, 429, 5xx and
unreachable receivers are retried, any other error status deletes the subscription.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

from localdev.simulators.businesscentral.errors import BCError, bad_request
from localdev.simulators.businesscentral.payments_schema import SUBSCRIPTION
from localdev.simulators.businesscentral.store import ETAG, Record, new_etag, utc_now_text
from localdev.simulators.businesscentral.validation import validate_body

SUPPORTED_RESOURCES = frozenset({"salesInvoices", "salesOrders", "salesCreditMemos", "customers"})
"""The webhook-enabled sets the simulator notifies about (BC supports more; see PAYMENTS.md)."""
LIFETIME = timedelta(days=3)
SIMULATOR_USER_ID = "a0a0a0a0-0000-4000-8000-00000000c0de"
_RESOURCE = re.compile(r"api/v2\.0/companies\(([0-9a-fA-F-]{36})\)/([A-Za-z]+)$")
_RETRIED = frozenset({408, 429})


@dataclass(frozen=True)
class WebhookSettings:
    delay_s: float = 30.0
    """Wait after the first change before sending (BC online: 30 s)."""
    collection_threshold: int = 1000
    """More changes than this for one subscription in one delay window give a single `collection` notification."""
    retry_delay_s: float = 60.0
    max_attempts: int = 5
    """BC retries over 36 hours; the simulator gives up after this many attempts (the subscription stays)."""
    handshake_timeout_s: float = 5.0
    max_subscriptions: int = 200


@dataclass
class _Change:
    subscription: Record
    set_name: str
    record_id: str
    change: str
    modified: str


@dataclass
class Webhooks:
    """Subscriptions, the pending changes of the current delay window, and a log of every notification POST."""

    settings: WebhookSettings
    company_ids: frozenset[str]
    subscriptions: dict[str, Record] = field(default_factory=dict)
    pending: dict[tuple[str, str], _Change] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _scheduled: bool = False

    # --- the API -----------------------------------------------------------------------------------------------

    async def create(self, body: object) -> Record:
        values = validate_body(SUBSCRIPTION, body)
        for name in ("notificationUrl", "resource"):
            if not values.get(name):
                raise bad_request(f"The property '{name}' must have a value.")
        if len(self.subscriptions) >= self.settings.max_subscriptions:
            raise bad_request(f"You cannot have more than {self.settings.max_subscriptions} subscriptions.")
        self._set_name(values["resource"])
        await self.handshake(values["notificationUrl"])
        subscription: Record = {
            "subscriptionId": uuid.uuid4().hex,
            "notificationUrl": values["notificationUrl"],
            "resource": values["resource"],
            "userId": SIMULATOR_USER_ID,
            "clientState": values.get("clientState", ""),
        }
        self._renew(subscription)
        self.subscriptions[subscription["subscriptionId"]] = subscription
        return subscription

    async def update(self, subscription: Record, body: object) -> Record:
        """PATCH renews: the handshake again (on the new URL if one is given), then 3 more days."""
        values = validate_body(SUBSCRIPTION, body)
        if "resource" in values:
            self._set_name(values["resource"])
        await self.handshake(str(values.get("notificationUrl", subscription["notificationUrl"])))
        subscription.update(values)
        self._renew(subscription)
        return subscription

    def listed(self) -> list[Record]:
        """The subscriptions as the list serves them: without `@odata.etag`, as Microsoft's examples show them
        (dynamics_subscriptions_get.md): a client renews with `If-Match: *` then (PATCH requires If-Match)."""
        return [{name: value for name, value in each.items() if name != ETAG} for each in self.subscriptions.values()]

    def get(self, key: str) -> Record:
        subscription = self.subscriptions.get(key)
        if subscription is None:
            raise BCError(404, "BadRequest_NotFound", f"The subscription '{key}' does not exist.")
        return subscription

    def delete(self, key: str) -> None:
        self.subscriptions.pop(self.get(key)["subscriptionId"])

    def expire(self, key: str) -> Record:
        """The control `POST /_sim/subscriptions/{id}/expire`: as if three days passed without a renewal."""
        subscription = self.get(key)
        subscription["expirationDateTime"] = utc_now_text()
        return subscription

    async def handshake(self, url: str) -> None:
        token = uuid.uuid4().hex
        timeout = aiohttp.ClientTimeout(total=self.settings.handshake_timeout_s)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(url, params={"validationToken": token}) as response,
            ):
                ok = response.status == 200 and (await response.text()).strip() == token
        except (aiohttp.ClientError, TimeoutError, ValueError):
            ok = False
        if not ok:
            raise bad_request(
                "The subscription could not be validated: the notification URL must answer the validation request "
                "with 200 OK and the validationToken as its body."
            )

    # --- notifications ------------------------------------------------------------------------------------------

    def observe(self, set_name: str, record: Record, change: str) -> None:
        """A Table observer: remember the change for every live subscription to its set, and start the delay."""
        now = datetime.now(UTC)
        for subscription in self.subscriptions.values():
            if _expired(subscription, now) or self._set_name(subscription["resource"]) != set_name:
                continue
            key = (subscription["subscriptionId"], record["id"])
            earlier = self.pending.get(key)
            kept = "created" if earlier is not None and earlier.change == "created" and change == "updated" else change
            modified = record.get("lastModifiedDateTime") or utc_now_text()
            self.pending[key] = _Change(subscription, set_name, record["id"], kept, modified)
        if self.pending and not self._scheduled:
            self._schedule()

    def _schedule(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._scheduled = True
        task = loop.create_task(self._flush_later())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.settings.delay_s)
        self._scheduled = False
        changes, self.pending = list(self.pending.values()), {}
        by_url: dict[str, list[Record]] = {}
        for subscription_id in dict.fromkeys(c.subscription["subscriptionId"] for c in changes):
            mine = [c for c in changes if c.subscription["subscriptionId"] == subscription_id]
            url = mine[0].subscription["notificationUrl"]
            by_url.setdefault(url, []).extend(self._entries(mine))
        await asyncio.gather(*(self._deliver(url, entries) for url, entries in by_url.items()))

    def _entries(self, changes: list[_Change]) -> list[Record]:
        subscription = changes[0].subscription
        base = f"api/v2.0/companies({self._company(subscription['resource'])})/{changes[0].set_name}"
        head = {
            "subscriptionId": subscription["subscriptionId"],
            "clientState": subscription["clientState"],
            "expirationDateTime": subscription["expirationDateTime"],
        }
        if len(changes) > self.settings.collection_threshold:
            since = _before(min(c.modified for c in changes))
            resource = f"/{base}?$filter=lastModifiedDateTime%20gt%20{since}"
            """With a leading slash, as Microsoft's sample collection entry has it (dev-itpro/api-reference/v2.0/
            dynamics-subscriptions.md); the single-record entries there have none."""
            latest = max(c.modified for c in changes)
            return [{**head, "resource": resource, "changeType": "collection", "lastModifiedDateTime": latest}]
        return [
            {**head, "resource": f"{base}({c.record_id})", "changeType": c.change, "lastModifiedDateTime": c.modified}
            for c in changes
        ]

    async def _deliver(self, url: str, entries: list[Record]) -> None:
        """POST the batch; retry on 408 / 429 / 5xx / no answer, delete the subscriptions on any other error."""
        body = {"value": entries}
        for attempt in range(1, self.settings.max_attempts + 1):
            status = await _post(url, body)
            self.sent.append({"notificationUrl": url, "attempt": attempt, "status": status, "body": body})
            if status is not None and 200 <= status < 300:
                return
            if status is not None and status not in _RETRIED and status < 500:
                for entry in entries:
                    self.subscriptions.pop(entry["subscriptionId"], None)
                return
            await asyncio.sleep(self.settings.retry_delay_s)

    # --- helpers -------------------------------------------------------------------------------------------------

    def _renew(self, subscription: Record) -> None:
        now = datetime.now(UTC)
        subscription["expirationDateTime"] = _text(now + LIFETIME)
        subscription["lastModifiedDateTime"] = _text(now)
        subscription[ETAG] = new_etag()

    def _set_name(self, resource: str) -> str:
        match = _RESOURCE.search(resource)
        if match is None or match.group(1).lower() not in self.company_ids:
            raise bad_request(f"The resource '{resource}' is not a valid API v2.0 resource of a company.")
        if match.group(2) not in SUPPORTED_RESOURCES:
            raise bad_request(f"The resource '{match.group(2)}' does not support webhook subscriptions.")
        return match.group(2)

    def _company(self, resource: str) -> str:
        match = _RESOURCE.search(resource)
        assert match is not None
        return match.group(1).lower()


async def _post(url: str, body: Record) -> int | None:
    """The receiver's status, or None when it could not be reached."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session,
            session.post(url, json=body) as response,
        ):
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return None


def _expired(subscription: Record, now: datetime) -> bool:
    return datetime.fromisoformat(subscription["expirationDateTime"]) <= now


def _text(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _before(text: str) -> str:
    """One millisecond before `text`, so that `gt` includes the first change."""
    return _text(datetime.fromisoformat(text) - timedelta(milliseconds=1))


class WebhookControls:
    """GET / DELETE /_sim/notifications (each POST sent: URL, attempt, status, body) and
    POST /_sim/subscriptions/{id}/expire."""

    def __init__(self, webhooks: Webhooks) -> None:
        self.webhooks = webhooks

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/_sim/notifications", self.notifications)
        app.router.add_delete("/_sim/notifications", self.clear)
        app.router.add_post("/_sim/subscriptions/{subscription}/expire", self.expire)

    async def notifications(self, _request: web.Request) -> web.Response:
        return web.json_response({"value": self.webhooks.sent, "pending": len(self.webhooks.pending)})

    async def clear(self, _request: web.Request) -> web.Response:
        self.webhooks.sent.clear()
        return web.json_response({"value": []})

    async def expire(self, request: web.Request) -> web.Response:
        return web.json_response(self.webhooks.expire(request.match_info["subscription"]))
