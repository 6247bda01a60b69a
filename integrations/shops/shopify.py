"""Shopify Admin REST API: the shop's orders, read when webhooks may have been missed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from domain.errors import RetryableError

PAGE_SIZE = 250
MAX_ATTEMPTS = 4


class ShopifyOrderFeed:
    """GET /admin/api/{version}/orders.json?updated_at_min=..., following the Link header's next page."""

    def __init__(self, http: httpx.Client, shop_url: str, api_version: str, access_token: str) -> None:
        self._http = http
        self._orders_url = f"{shop_url.rstrip('/')}/admin/api/{api_version}/orders.json"
        self._headers = {"X-Shopify-Access-Token": access_token}

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
            try:
                response = self._http.get(url, params=params, headers=self._headers)
            except httpx.TransportError as error:
                raise RetryableError(f"Shopify unreachable: {type(error).__name__}") from error
            if response.status_code != 429:
                break
            time.sleep(min(float(response.headers.get("Retry-After", "2")), 10.0))
        if response.status_code >= 400:
            raise RetryableError(f"Shopify answered {response.status_code} to the order list")
        return response
