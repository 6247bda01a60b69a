"""Shopify Admin REST API: the shop's orders, read when webhooks may have been missed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from integrations.shops.shopify.client import ShopifyClient

PAGE_SIZE = 250


class ShopifyOrderFeed:
    """GET /admin/api/{version}/orders.json?updated_at_min=..., following the Link header's next page."""

    def __init__(self, client: ShopifyClient) -> None:
        self._client = client
        self._orders_url = client.url("orders.json")

    def modified_since(self, since: datetime) -> Iterator[bytes]:
        params: dict[str, str] | None = {
            "status": "any",
            "updated_at_min": since.astimezone(UTC).isoformat(timespec="seconds"),
            "limit": str(PAGE_SIZE),
        }
        url: str | None = self._orders_url
        while url is not None:
            response = self._client.get(url, params, "the order list")
            for order in response.json().get("orders", []):
                yield json.dumps(order).encode()
            next_page = response.links.get("next")
            url, params = (next_page["url"], None) if next_page else (None, None)
