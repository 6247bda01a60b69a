"""The one HTTP client for a Shopify shop's Admin API, REST and GraphQL, at the one API version Koppel is configured
for (`KOPPEL_SHOPIFY_API_VERSION`): the access token, throttling and what each answer means.

Shopify's answer                        what the client does
none (not reached, dropped)             RetryableError; not sent again here
401                                     a new token when one can be had (an app's client credentials), sent once more
429 (leaky bucket, nothing was done)    waits Retry-After (2 s when absent, at most 10 s), sends again; 4 sends at most
401/403 still, 429 still, other 4xx/5xx RetryableError
GraphQL: no JSON                        RetryableError
GraphQL: error THROTTLED (cost bucket)  waits until the bucket holds the call's cost (a second at least: another run
                                        may share the bucket), sends again; 10 sends at most, then RetryableError
GraphQL: throttleStatus in any answer   kept: before a query is sent again, the client waits until the bucket (as
                                        last seen, refilled since) holds what that query cost the last time, so a
                                        run that drains the bucket waits instead of being refused
GraphQL: error ACCESS_DENIED            RetryableError naming the scopes: the app lacks one (it waits until it has it)
GraphQL: INTERNAL_SERVER_ERROR,         RetryableError: Shopify's failure or the shop's state, answered with HTTP 200
  SHOP_INACTIVE                         (shopify.dev changelog "improved GraphQL errors"); the caller tries again later
GraphQL: other top-level errors         GraphQLRefused (Shopify did nothing): the caller refuses what it sent
GraphQL: userErrors                     in the data, for the caller

Nothing is a PermanentError: a shop that fails or refuses stops the run or the recovery, which tries again later.
Shopify answers each call with `X-Shopify-API-Version`, the version it used: another than the one asked for means
that version is no longer supported and Shopify fell back to the oldest one it still supports (a warning).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from domain.errors import RetryableError
from integrations.shops.shopify.access import AccessToken

TOKEN_HEADER = "X-Shopify-Access-Token"  # noqa: S105 - a header name
VERSION_HEADER = "X-Shopify-API-Version"
REFUSED_TOKEN = frozenset({401, 403})
THROTTLED_STATUS = 429
MAX_SENDS = 4
"""Of one request Shopify answers 429."""
RETRY_AFTER_DEFAULT_SECONDS = 2.0
RETRY_AFTER_MAX_SECONDS = 10.0
SCOPES = (
    "read_orders; write_products, write_inventory and read_locations for the catalog; "
    "write_merchant_managed_fulfillment_orders for shipments"
)
"""The Admin API access scopes Koppel's calls need, as a fix names them."""
PASSING_ERRORS = frozenset({"INTERNAL_SERVER_ERROR", "SHOP_INACTIVE"})
"""Top-level GraphQL error codes that say nothing about what was sent: tried again later, never a refusal."""
MAX_GRAPHQL_SENDS = 10
"""Of one GraphQL call Shopify answers THROTTLED."""
MIN_THROTTLE_WAIT_SECONDS = 1.0
"""Between two sends of a throttled call: the bucket is the app's per shop, and another run may drain it meanwhile."""

log = logging.getLogger(__name__)


class GraphQLRefused(Exception):
    """Shopify answered the call with top-level errors (not throttling): it did nothing."""


class ShopifyClient:
    """`api_version`: Shopify's `YYYY-MM`, the same for every call Koppel makes to the shop."""

    def __init__(
        self,
        http: httpx.Client,
        shop_url: str,
        api_version: str,
        token: AccessToken,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._version = api_version
        self._base = f"{shop_url.rstrip('/')}/admin/api/{api_version}"
        self._token = token
        self._served = api_version
        self._sleep = sleep
        self._bucket = CostBucket(clock)

    def url(self, resource: str) -> str:
        """E.g. `orders.json`."""
        return f"{self._base}/{resource}"

    def get(self, url: str, params: Mapping[str, str] | None, what: str) -> httpx.Response:
        """A REST read at `url` (a resource's, or the next page a `Link` header names); `what` names it in errors."""
        return self._answer("GET", url, what, params=params)

    def graphql(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        """The call's data; GraphQLRefused when Shopify answers it with errors."""
        for _ in range(MAX_GRAPHQL_SENDS):
            self._sleep_for(self._bucket.wait_before(query))
            body = self._graphql_body(query, variables)
            self._bucket.note(query, body.get("extensions", {}).get("cost") or {})
            errors = body.get("errors") or []
            if not any(_code(error) == "THROTTLED" for error in errors):
                if any(_code(error) == "ACCESS_DENIED" for error in errors):
                    raise RetryableError(f"Shopify denied the app access: check its scopes ({SCOPES})")
                if any(_code(error) in PASSING_ERRORS for error in errors):
                    raise RetryableError("Shopify failed the call: " + _listed(errors))
                if errors:
                    raise GraphQLRefused(_listed(errors))
                data: dict[str, Any] = body["data"]
                return data
            self._sleep(_refill_seconds(body.get("extensions", {}).get("cost", {})))
        raise RetryableError(f"Shopify throttled the call {MAX_GRAPHQL_SENDS} times in a row")

    def _sleep_for(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(seconds)

    def _graphql_body(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        json = {"query": query, "variables": variables}
        response = self._answer("POST", self.url("graphql.json"), "a GraphQL call", json=json)
        try:
            body: dict[str, Any] = response.json()
        except ValueError as error:
            raise RetryableError("Shopify answered a GraphQL call with no JSON") from error
        return body

    def _answer(
        self, method: str, url: str, what: str, *, params: Mapping[str, str] | None = None, json: Any = None
    ) -> httpx.Response:
        """Shopify's answer to the request, a 429 waited out; RetryableError for any other refusal or failure."""
        for sends_left in range(MAX_SENDS - 1, -1, -1):
            response = self._send(method, url, params, json)
            if response.status_code != THROTTLED_STATUS or not sends_left:
                break
            self._sleep(_retry_after(response))
        status = response.status_code
        if status in REFUSED_TOKEN:
            raise RetryableError(
                f"Shopify refused the access token ({status}) to {what}: check the app's credentials and its "
                f"scopes ({SCOPES})"
            )
        if status >= 400:
            raise RetryableError(f"Shopify answered {status} to {what}")
        return response

    def _send(self, method: str, url: str, params: Mapping[str, str] | None, json: Any) -> httpx.Response:
        """The answer to the request sent with the current token, or, when Shopify refused that with 401 and a new
        one can be had, to the request sent again with the new token."""
        token = self._token.get()
        response = self._request(method, url, token, params, json)
        if response.status_code == 401 and self._token.invalidate(token):
            response = self._request(method, url, self._token.get(), params, json)
        self._note_version(response.headers.get(VERSION_HEADER))
        return response

    def _request(
        self, method: str, url: str, token: str, params: Mapping[str, str] | None, json: Any
    ) -> httpx.Response:
        try:
            return self._http.request(method, url, params=params, json=json, headers={TOKEN_HEADER: token})
        except httpx.TransportError as error:
            raise RetryableError(f"Shopify unreachable: {type(error).__name__}") from error

    def _note_version(self, served: str | None) -> None:
        """A warning, once per version served, when Shopify used another API version than the one asked for."""
        if served and served != self._served:
            self._served = served
            if served != self._version:
                log.warning(
                    "Shopify answered with API version %s, not the %s asked for: that version is no longer "
                    "supported; raise KOPPEL_SHOPIFY_API_VERSION",
                    served,
                    self._version,
                )


class CostBucket:
    """The shop's GraphQL cost bucket as Koppel last saw it (`throttleStatus`), and what each query last cost."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._costs: dict[str, float] = {}
        self._seen: tuple[float, float, float, float] | None = None
        """(available, maximum, restore rate per second, when)."""

    def note(self, query: str, cost: Mapping[str, Any]) -> None:
        status = cost.get("throttleStatus") or {}
        try:
            if cost.get("requestedQueryCost") is not None:
                self._costs[query] = float(cost["requestedQueryCost"])
            if status:
                available, maximum = float(status["currentlyAvailable"]), float(status["maximumAvailable"])
                self._seen = (available, maximum, float(status["restoreRate"]), self._clock())
        except (KeyError, TypeError, ValueError):
            return

    def wait_before(self, query: str) -> float:
        """Seconds until the bucket holds what `query` cost the last time; 0 when unknown or there."""
        needed = self._costs.get(query)
        if needed is None or self._seen is None:
            return 0.0
        available, maximum, rate, when = self._seen
        now_available = min(maximum, available + rate * (self._clock() - when))
        if now_available >= needed or rate <= 0:
            return 0.0
        return min((needed - now_available) / rate, RETRY_AFTER_MAX_SECONDS)


def _retry_after(response: httpx.Response) -> float:
    """Retry-After in seconds, at most RETRY_AFTER_MAX_SECONDS; the default when absent or unreadable."""
    try:
        seconds = float(response.headers.get("Retry-After", RETRY_AFTER_DEFAULT_SECONDS))
    except ValueError:
        seconds = RETRY_AFTER_DEFAULT_SECONDS
    return min(max(seconds, 0.0), RETRY_AFTER_MAX_SECONDS)


def _listed(errors: list[Mapping[str, Any]]) -> str:
    return "; ".join(f"{_code(error)}: {error.get('message', '')}" for error in errors)


def _code(error: Mapping[str, Any]) -> str:
    return str((error.get("extensions") or {}).get("code", "error"))


def _refill_seconds(cost: Mapping[str, Any]) -> float:
    """How long the bucket needs to hold the call's requested cost again, a second at least."""
    status = cost.get("throttleStatus") or {}
    rate = float(status.get("restoreRate") or 0)
    missing = float(cost.get("requestedQueryCost") or 0) - float(status.get("currentlyAvailable") or 0)
    needed = missing / rate if rate > 0 else 0.0
    return max(needed, MIN_THROTTLE_WAIT_SECONDS)
