"""WooCommerce REST API v3: the shop's orders, read when webhooks may have been missed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from domain.errors import RetryableError

PAGE_SIZE = 100


class WooCommerceOrderFeed:
    """GET /wp-json/wc/v3/orders?modified_after=..., page by page, oldest change first."""

    def __init__(self, http: httpx.Client, site_url: str, consumer_key: str, consumer_secret: str) -> None:
        self._http = http
        self._orders_url = site_url.rstrip("/") + "/wp-json/wc/v3/orders"
        self._auth = httpx.BasicAuth(consumer_key, consumer_secret)

    def modified_since(self, since: datetime) -> Iterator[bytes]:
        page, pages = 1, 1
        while page <= pages:
            response = self._get(
                {
                    "modified_after": since.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
                    "dates_are_gmt": "true",
                    "orderby": "modified",
                    "order": "asc",
                    "status": "any",
                    "per_page": str(PAGE_SIZE),
                    "page": str(page),
                }
            )
            pages = int(response.headers.get("X-WP-TotalPages", "1"))
            for order in response.json():
                yield json.dumps(order).encode()
            page += 1

    def _get(self, params: dict[str, str]) -> httpx.Response:
        try:
            response = self._http.get(self._orders_url, params=params, auth=self._auth)
        except httpx.TransportError as error:
            raise RetryableError(f"WooCommerce unreachable: {type(error).__name__}") from error
        if response.status_code >= 400:
            raise RetryableError(f"WooCommerce answered {response.status_code} to the order list")
        return response
