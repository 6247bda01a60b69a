"""WooCommerce REST API v3: the shop's orders, read when webhooks may have been missed."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, timedelta

import httpx

from domain.errors import RetryableError

PAGE_SIZE = 100
_SECRET_IN_URL = re.compile(r"(consumer_secret=)[^&\s\"]*")


class QueryStringKey(httpx.Auth):
    """The REST key as `consumer_key`/`consumer_secret` query parameters, which WooCommerce takes over HTTPS where a
    proxy or server strips the Authorization header (https://woocommerce.github.io/woocommerce-rest-api-docs/
    #authentication-over-https). The secret is masked in httpx's request log."""

    def __init__(self, consumer_key: str, consumer_secret: str) -> None:
        self._params = {"consumer_key": consumer_key, "consumer_secret": consumer_secret}
        _mask_secrets_in(logging.getLogger("httpx"))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.url = request.url.copy_merge_params(self._params)
        yield request


def rest_auth(consumer_key: str, consumer_secret: str, key_in_query: bool) -> httpx.Auth:
    """HTTP Basic with the REST key, or the key in the query string where Basic does not reach WooCommerce."""
    if key_in_query:
        return QueryStringKey(consumer_key, consumer_secret)
    return httpx.BasicAuth(consumer_key, consumer_secret)


class _MaskSecrets(logging.Filter):
    """Masks the secret in a URL argument; other arguments (httpx's status code is a `%d`) are left as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        return True


def _masked(arg: object) -> object:
    if isinstance(arg, str | httpx.URL):
        return _SECRET_IN_URL.sub(r"\1***", str(arg))
    return arg


def _mask_secrets_in(logger: logging.Logger) -> None:
    if not any(isinstance(existing, _MaskSecrets) for existing in logger.filters):
        logger.addFilter(_MaskSecrets())


def _query(modified_after: datetime, page: int) -> dict[str, str]:
    return {
        "modified_after": modified_after.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "dates_are_gmt": "true",
        "orderby": "modified",
        "order": "asc",
        "status": "any",
        "per_page": str(PAGE_SIZE),
        "page": str(page),
    }


class WooCommerceOrderFeed:
    """GET /wp-json/wc/v3/orders?modified_after=..., oldest change first."""

    def __init__(
        self, http: httpx.Client, site_url: str, consumer_key: str, consumer_secret: str, key_in_query: bool = False
    ) -> None:
        self._http = http
        self._orders_url = site_url.rstrip("/") + "/wp-json/wc/v3/orders"
        self._auth = rest_auth(consumer_key, consumer_secret, key_in_query)

    def modified_since(self, since: datetime) -> Iterator[bytes]:
        """Keyset paging on the modification time, not page numbers: an order changed while the list is read moves
        to the end instead of shifting an unread one onto a page already read. A second is read twice at each page
        boundary (modified_after is strict and to the second); ids already given are not given again. More than a
        page changed within one second is read by page number under the same cursor."""
        cursor, page, given = since, 1, set[tuple[int, str]]()
        while True:
            orders = self._get(_query(cursor, page)).json()
            for order in orders:
                version = (order["id"], order.get("date_modified_gmt"))
                if version not in given:
                    given.add(version)
                    yield json.dumps(order).encode()
            if len(orders) < PAGE_SIZE:
                return
            last = max(datetime.fromisoformat(order["date_modified_gmt"]) for order in orders)
            following = last.replace(tzinfo=UTC) - timedelta(seconds=1)
            cursor, page = (following, 1) if following > cursor else (cursor, page + 1)

    def _get(self, params: dict[str, str]) -> httpx.Response:
        try:
            response = self._http.get(self._orders_url, params=params, auth=self._auth)
        except httpx.TransportError as error:
            raise RetryableError(f"WooCommerce unreachable: {type(error).__name__}") from error
        if response.status_code >= 400:
            raise RetryableError(f"WooCommerce answered {response.status_code} to the order list")
        return response
