"""The one HTTP client for a WooCommerce shop's REST API v3: the REST key, and what each answer means.

WooCommerce's answer            what the client does
none (not reached, dropped)     RetryableError; not sent again here
any 4xx or 5xx                  RetryableError (WooCommerce documents no rate limit for REST v3, only for its Store
                                API; a host's 429 or 503 is waited out by trying the run or recovery again later)
4xx with WooCommerce's error    WooCommerceRefused, a RetryableError that carries the status, `code` and `message`, for
body {code, message}            callers that tell a refusal from a failure (the shipment push)
2xx without JSON                RetryableError
a batch's refused objects       in the answer (200, `error` per object), for the caller

Nothing is a PermanentError and nothing is sent again here: a shop that fails or refuses stops the run or the
recovery, which tries again later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Mapping
from typing import Any

import httpx

from domain.errors import RetryableError

API_PATH = "/wp-json/wc/v3"
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


class WooCommerceRefused(RetryableError):
    """WooCommerce answered 4xx with its error body: `code` and `message` are the shop's words."""

    def __init__(self, status: int, code: str, message: str, what: str) -> None:
        super().__init__(f"WooCommerce answered {status} to {what}: {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def _refusal(response: httpx.Response, what: str) -> WooCommerceRefused | None:
    """The refusal in a 4xx answer with WooCommerce's (WP_Error's) JSON body; None for another answer."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        return None
    return WooCommerceRefused(response.status_code, body["code"], str(body.get("message") or ""), what)


class WooCommerceClient:
    """Requests to one shop's REST API v3 with its REST key (`key_in_query`: see `rest_auth`)."""

    def __init__(
        self, http: httpx.Client, site_url: str, consumer_key: str, consumer_secret: str, key_in_query: bool = False
    ) -> None:
        self._http = http
        self._site = site_url.rstrip("/")
        self._base = self._site + API_PATH
        self._auth = rest_auth(consumer_key, consumer_secret, key_in_query)

    def url(self, resource: str) -> str:
        """E.g. `orders` or `products/12/variations`."""
        return f"{self._base}/{resource}"

    def site_url(self, path: str) -> str:
        """A URL on the site outside WooCommerce's API, e.g. an extension's `/wp-json/<namespace>/...`."""
        return self._site + path

    def get(self, url: str, params: Mapping[str, str], what: str = "") -> Any:
        """The answer's JSON; `what` names the request in errors (by default the method and the URL's last part)."""
        return self._send("GET", url, what, params=params)

    def post(self, url: str, body: Mapping[str, Any]) -> Any:
        return self._send("POST", url, "", json=body)

    def put(self, url: str, body: Mapping[str, Any]) -> Any:
        return self._send("PUT", url, "", json=body)

    def delete(self, url: str) -> Any:
        return self._send("DELETE", url, "")

    def _send(self, method: str, url: str, what: str, **options: Any) -> Any:
        what = what or f"{method} {url.rsplit('/', 1)[-1]}"
        try:
            response = self._http.request(method, url, auth=self._auth, **options)
        except httpx.TransportError as error:
            raise RetryableError(f"WooCommerce unreachable: {type(error).__name__}") from error
        refusal = _refusal(response, what)
        if refusal is not None:
            raise refusal
        if response.status_code >= 400:
            raise RetryableError(f"WooCommerce answered {response.status_code} to {what}")
        try:
            return response.json()
        except ValueError as error:
            raise RetryableError(f"WooCommerce answered {what} with no JSON") from error
