"""The app's webhook subscriptions as the Admin GraphQL API lists them (`webhookSubscriptions`, `uri`).

The shop's order webhooks (deliveries.py) go to one URL for every order topic and `refunds/create`: while that URL is
set they are listed as one subscription per topic Koppel subscribes to; `created` (set by tests) are listed too but
deliver nothing. Like Shopify, nothing declared in an app's `shopify.app.toml` would be listed (the simulator has
none)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

from graphql import GraphQLResolveInfo

from localdev.simulators.shopify.connections import connection

DELIVERED_TOPICS = ("ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_CANCELLED", "REFUNDS_CREATE")
GID = "gid://shopify/WebhookSubscription/{number}"


def _no_url() -> str | None:
    return None


class WebhookSubscriptions:
    def __init__(self) -> None:
        self.delivering: Callable[[], str | None] = _no_url
        """The URL the order webhooks go to now (set by the shop)."""
        self.created: list[dict[str, Any]] = []
        self._numbers = count(len(DELIVERED_TOPICS) + 1)

    def listed(self) -> list[dict[str, Any]]:
        url = self.delivering()
        delivering = (
            [] if url is None else [_subscription(n, topic, url) for n, topic in enumerate(DELIVERED_TOPICS, 1)]
        )
        return delivering + self.created

    def add(self, topic: str, uri: str) -> None:
        """One more subscription listed (deliveries stay with the order webhooks)."""
        self.created.append(_subscription(next(self._numbers), topic, uri))


def _subscription(number: int, topic: str, uri: str) -> dict[str, Any]:
    return {"id": GID.format(number=number), "legacyResourceId": str(number), "topic": topic, "uri": uri}


def webhook_subscriptions(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    topics = arguments.get("topics")
    listed = [item for item in _store(info).listed() if not topics or item["topic"] in topics]
    return connection(info, listed, lambda item: str(item["id"]), arguments)


def _store(info: GraphQLResolveInfo) -> WebhookSubscriptions:
    subscriptions: WebhookSubscriptions = info.context.webhooks
    return subscriptions
