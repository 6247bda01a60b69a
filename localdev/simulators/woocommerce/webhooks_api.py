"""Webhooks over REST, as WC_REST_Webhooks_V2_Controller serves them: `GET /webhooks` (paged, `status` filter),
`POST /webhooks`, `GET|PUT /webhooks/{id}`; the secret is never in an answer.

The site's one order webhook (webhook.py), which delivers `order.created` and `order.updated` alike, is listed as
one webhook per topic (ids `webhook_id` and `webhook_id + 1`) while it has a URL: changing either changes it for
both (a status other than `active` stops its deliveries). Webhooks created over REST are kept and listed but
deliver nothing: the order webhook does."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

from aiohttp import web

from localdev.simulators.woocommerce.categories_api import _body, _bounded, _json
from localdev.simulators.woocommerce.errors import WooError, refused
from localdev.simulators.woocommerce.paging import paging_headers
from localdev.simulators.woocommerce.webhook import Webhook

DELIVERED_TOPICS = ("order.created", "order.updated")
STATUSES = ("active", "paused", "disabled")
TOPICS = frozenset(
    f"{resource}.{event}"
    for resource in ("coupon", "customer", "order", "product")
    for event in ("created", "updated", "deleted", "restored")
)
PER_PAGE_MAX = 100


class WebhooksApi:
    def __init__(self, webhook: Webhook, has_credentials: Callable[[web.Request], bool]) -> None:
        self.webhook = webhook
        self.has_credentials = has_credentials
        self.created: dict[int, dict[str, Any]] = {}
        self._paused = False
        self._ids = count(webhook.webhook_id + len(DELIVERED_TOPICS))

    def routes(self, app: web.Application, rest_base: str) -> None:
        app.router.add_get(f"{rest_base}/webhooks", self.list_webhooks)
        app.router.add_post(f"{rest_base}/webhooks", self.create_webhook)
        app.router.add_get(rest_base + r"/webhooks/{webhook_id:\d+}", self.get_webhook)
        app.router.add_put(rest_base + r"/webhooks/{webhook_id:\d+}", self.update_webhook)

    def listed(self) -> list[dict[str, Any]]:
        """Every webhook, by id."""
        return sorted([*self._delivering(), *self.created.values()], key=lambda hook: int(hook["id"]))

    async def list_webhooks(self, request: web.Request) -> web.Response:
        self._allow(request, "view")
        per_page = _bounded(request.query.get("per_page", "10"), "per_page", 1, PER_PAGE_MAX)
        page = _bounded(request.query.get("page", "1"), "page", 1, 10**6)
        status = request.query.get("status", "all")
        hooks = [hook for hook in self.listed() if status in ("all", hook["status"])]
        total_pages = max(1, -(-len(hooks) // per_page))
        headers = paging_headers(request.url, page, len(hooks), total_pages)
        return _json([_public(hook) for hook in hooks[(page - 1) * per_page : page * per_page]], headers=headers)

    async def get_webhook(self, request: web.Request) -> web.Response:
        self._allow(request, "read")
        return _json(_public(self._found(int(request.match_info["webhook_id"]))))

    async def create_webhook(self, request: web.Request) -> web.Response:
        self._allow(request, "create")
        fields = await _body(request)
        topic, url = str(fields.get("topic") or "").lower(), str(fields.get("delivery_url") or "")
        _valid(topic, url, str(fields.get("status") or "active"))
        webhook_id = next(self._ids)
        self.created[webhook_id] = {
            "id": webhook_id,
            "name": str(fields.get("name") or f"Webhook {webhook_id}"),
            "status": str(fields.get("status") or "active"),
            "topic": topic,
            "delivery_url": url,
            "secret": str(fields.get("secret") or ""),
        }
        return _json(_public(self.created[webhook_id]), status=201)

    async def update_webhook(self, request: web.Request) -> web.Response:
        self._allow(request, "edit")
        webhook_id = int(request.match_info["webhook_id"])
        hook = self._found(webhook_id, status=400)
        fields = await _body(request)
        changes = {name: str(fields[name]) for name in ("status", "delivery_url", "topic", "name") if fields.get(name)}
        _valid(
            changes.get("topic", hook["topic"]),
            changes.get("delivery_url", hook["delivery_url"]),
            changes.get("status", hook["status"]),
        )
        if webhook_id in self.created:
            self.created[webhook_id].update(changes)
            return _json(_public(self.created[webhook_id]))
        if "status" in changes:
            self._paused = changes["status"] == "paused"
        self.webhook.configure(
            changes.get("delivery_url"), changes["status"] == "active" if "status" in changes else None
        )
        return _json(_public(self._found(webhook_id)))

    def _delivering(self) -> list[dict[str, Any]]:
        if self.webhook.url is None:
            return []
        status = "active" if self.webhook.enabled else "paused" if self._paused else "disabled"
        return [
            {
                "id": self.webhook.webhook_id + offset,
                "name": f"Order {topic.split('.')[1]}",
                "status": status,
                "topic": topic,
                "delivery_url": self.webhook.url,
                "secret": self.webhook.secret,
            }
            for offset, topic in enumerate(DELIVERED_TOPICS)
        ]

    def _found(self, webhook_id: int, status: int = 404) -> dict[str, Any]:
        hook = next((hook for hook in self.listed() if hook["id"] == webhook_id), None)
        if hook is None:
            raise WooError(status, "woocommerce_rest_shop_webhook_invalid_id", "ID is invalid.")
        return hook

    def _allow(self, request: web.Request, action: str) -> None:
        if not self.has_credentials(request):
            raise refused(action)


def _valid(topic: str, url: str, status: str) -> None:
    if topic not in TOPICS:
        raise WooError(400, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic must be valid.")
    if not url.startswith(("http://", "https://")):
        message = "Webhook delivery URL must be a valid URL starting with http:// or https://."
        raise WooError(400, "woocommerce_rest_shop_webhook_invalid_delivery_url", message)
    if status not in STATUSES:
        raise WooError(400, "woocommerce_rest_shop_webhook_invalid_status", "Webhook status must be valid.")


def _public(hook: dict[str, Any]) -> dict[str, Any]:
    """As prepare_item_for_response renders it: no secret."""
    resource, event = str(hook["topic"]).split(".", 1)
    return {
        "id": hook["id"],
        "name": hook["name"],
        "status": hook["status"],
        "topic": hook["topic"],
        "resource": resource,
        "event": event,
        "hooks": [],
        "delivery_url": hook["delivery_url"],
    }
