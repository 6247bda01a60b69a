"""The one HTTP client for the BC API v2.0: auth, limits, retries, paging, error classification, and every answer
counted (`koppel.bc.requests`, `koppel.bc.throttled`)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from domain.errors import AmbiguousWriteError, BusinessCentralRejected, RetryableError
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.telemetry import metrics

log = logging.getLogger(__name__)

RETRY_ALWAYS = frozenset({429, 503})
RETRY_READS_ONLY = frozenset({408, 500, 502, 504})
SETTINGS_PROBLEM = frozenset({401, 403, 404})
NOT_COMMITTED = frozenset({409, 412})
"""BC answers a stale ETag with 409 `Request_EntityChanged` (its OData error table); 412, how other OData services
answer a failed If-Match, is taken the same way: nothing was written, read again and retry."""
MAX_BACKOFF_SECONDS = 30.0


class BusinessCentralClient:
    """Requests relative to one company's API URL; every write that may have landed unanswered is flagged."""

    def __init__(
        self,
        http: httpx.Client,
        company_url: str,
        token: ClientCredentialsToken,
        throttle: RequestThrottle,
        *,
        max_attempts: int,
    ) -> None:
        self._http = http
        self._company_url = company_url.rstrip("/")
        self._token = token
        self._throttle = throttle
        self._max_attempts = max_attempts

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return self._send("GET", f"{self._company_url}/{path}", params=params)

    def get_url(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """GET at an absolute URL (a webhook notification's resource) with the same auth and limits."""
        return self._send("GET", url, params=params)

    def get_all(self, path: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Every entity of a collection, following @odata.nextLink."""
        return self.get_all_url(f"{self._company_url}/{path}", params)

    def get_all_url(self, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """As get_all, at an absolute URL with the same auth and limits: a published OData v4 web service."""
        return [row for page in self.pages(url, params) for row in page]

    def pages(self, url: str, params: dict[str, str] | None = None) -> Iterator[list[dict[str, Any]]]:
        """Page after page of a collection at an absolute URL, each read only when the one before is used up."""
        page = self._send("GET", url, params=params)
        yield list(page.get("value", []))
        while next_link := page.get("@odata.nextLink"):
            page = self._send("GET", str(next_link))
            yield list(page.get("value", []))

    @property
    def company_url(self) -> str:
        return self._company_url

    @property
    def api_root(self) -> str:
        """The URL BC's webhook resources (`api/v2.0/companies(...)/...`) are relative to."""
        return self._company_url.split("/api/v2.0/", 1)[0]

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._send("POST", f"{self._company_url}/{path}", json=body)

    def post_url(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to an absolute URL with the same auth and limits: a custom API page's bound action."""
        return self._send("POST", url, json=body)

    def patch(self, path: str, body: dict[str, Any], etag: str) -> dict[str, Any]:
        return self._send("PATCH", f"{self._company_url}/{path}", json=body, headers={"If-Match": etag})

    def patch_url(self, url: str, body: dict[str, Any], etag: str) -> dict[str, Any]:
        """PATCH at an absolute URL (BC's subscriptions live beside the companies) with If-Match."""
        return self._send("PATCH", url, json=body, headers={"If-Match": etag})

    def delete(self, path: str, etag: str) -> None:
        self._send("DELETE", f"{self._company_url}/{path}", headers={"If-Match": etag})

    def delete_url(self, url: str, etag: str) -> None:
        """DELETE at an absolute URL (a custom API page's record) with If-Match."""
        self._send("DELETE", url, headers={"If-Match": etag})

    def _send(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        is_write = method != "GET"
        refreshed = False
        for attempt in range(1, self._max_attempts + 1):
            token = self._token.get()
            request_headers = {
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                **(headers or {}),
            }
            try:
                with self._throttle.slot():
                    response = self._http.request(method, url, params=params, json=json, headers=request_headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                self._pause(attempt, None, f"{method} not sent: {type(error).__name__}")
                continue
            except httpx.TransportError as error:
                if is_write:
                    raise AmbiguousWriteError(f"{method} sent but no answer: {type(error).__name__}") from error
                self._pause(attempt, None, f"{method} failed: {type(error).__name__}")
                continue
            status = response.status_code
            metrics.bc_answer(method, status)
            if status == 401 and not refreshed:
                self._token.invalidate(token)
                refreshed = True
                continue
            if status < 400:
                return response.json() if response.content else {}
            if status in RETRY_ALWAYS or (status in RETRY_READS_ONLY and not is_write):
                self._pause(attempt, response, f"{method} answered {status}")
                continue
            if status in RETRY_READS_ONLY:
                raise AmbiguousWriteError(f"{method} answered {status}; the write may have been committed")
            if status == 404 and _names_one_entity(url):
                raise _rejection(response)
            if status in SETTINGS_PROBLEM:
                raise RetryableError(f"BC answered {status} to {method}: check the BC settings and permissions")
            if status in NOT_COMMITTED:
                raise RetryableError(f"BC answered {status} (record changed or locked) to {method}")
            raise _rejection(response)
        raise RetryableError(f"BC did not accept {method} after {self._max_attempts} attempts")

    def _pause(self, attempt: int, response: httpx.Response | None, why: str) -> None:
        if attempt >= self._max_attempts:
            return
        delay = _retry_after(response) if response is not None else None
        if delay is not None and delay > MAX_BACKOFF_SECONDS:
            raise RetryableError(f"{why}; BC asks to wait {delay:.0f} s, longer than a worker should block")
        if delay is None:
            delay = min(MAX_BACKOFF_SECONDS, 0.25 * 2 ** (attempt - 1)) * (0.5 + random.random())
        log.info("BC retry %d/%d in %.2f s: %s", attempt, self._max_attempts, delay, why)
        time.sleep(delay)


def _names_one_entity(url: str) -> bool:
    """`.../salesOrders(<id>)`: a 404 there means that record is gone, not that the company URL is wrong."""
    return url.split("?", 1)[0].rstrip("/").endswith(")") and "/companies(" in url and url.count("(") > 1


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _rejection(response: httpx.Response) -> BusinessCentralRejected:
    try:
        error = response.json().get("error", {})
        code, message = str(error.get("code", "")), str(error.get("message", ""))
    except ValueError:
        code, message = "", response.text[:500]
    return BusinessCentralRejected(response.status_code, code or str(response.status_code), message)
