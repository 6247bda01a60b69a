"""Shopify Admin REST API: the shop's orders, read when webhooks may have been missed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from domain.errors import RetryableError
from integrations.shops.shopify_admin import ShopifyAdmin

PAGE_SIZE = 250
MAX_ATTEMPTS = 4


class ShopifyOrderFeed:
    """GET /admin/api/{version}/orders.json?updated_at_min=..., following the Link header's next page."""

    def __init__(self, admin: ShopifyAdmin) -> None:
        self._admin = admin
        self._orders_url = admin.url("orders.json")

    def modified_since(self, since: datetime) -> Iterator[bytes]:
        params: dict[str, str] | None = {
            "status": "any",
            "updated_at_min": since.astimezone(UTC).isoformat(timespec="seconds"),
            "limit": str(PAGE_SIZE),
        }
        url: str | None = self._orders_url
        while url is not None:
            response = self._get(url, params)
            for order in response.json().get("orders", []):
                yield json.dumps(order).encode()
            next_page = response.links.get("next")
            url, params = (next_page["url"], None) if next_page else (None, None)

    def _get(self, url: str, params: dict[str, str] | None) -> httpx.Response:
        """Shopify's leaky bucket answers 429 with Retry-After: wait that long, a few times."""
        for _ in range(MAX_ATTEMPTS):
            response = self._admin.send("GET", url, params=params)
            if response.status_code != 429:
                break
            time.sleep(min(float(response.headers.get("Retry-After", "2")), 10.0))
        if response.status_code >= 400:
            raise RetryableError(f"Shopify answered {response.status_code} to the order list")
        return response
