"""One Shopify shop's Admin API: the URL of a resource at the one API version Koppel is configured for, and
requests that carry a valid access token.

The shop's app gives Koppel either a static Admin API token (a custom app made in the Shopify admin, which cannot be
done since 2026-01-01) or its client id and secret (an app made in the Dev Dashboard). Those are exchanged for a
token with the client credentials grant, `POST https://{shop}.myshopify.com/admin/oauth/access_token`, answered
`{"access_token", "scope", "expires_in"}` (24 hours); there is no refresh token, a new token is asked for the same
way. The token is kept until shortly before it expires; a 401 makes Koppel ask for a new one and send the request
once more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx

from domain.errors import RetryableError

REFRESH_MARGIN_SECONDS = 300.0
TOKEN_HEADER = "X-Shopify-Access-Token"  # noqa: S105 - a header name


class AccessToken(Protocol):
    def get(self) -> str:
        """The token to send."""
        ...

    def refused(self, token: str) -> bool:
        """Shopify answered 401 to `token`: forget it; True when another one can be had (worth sending again)."""
        ...


class StaticToken:
    """A custom app's Admin API token: it does not expire, and there is no other to try when it is refused."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get(self) -> str:
        return self._token

    def refused(self, token: str) -> bool:  # noqa: ARG002 - the one token there is
        return False


class ClientCredentialsToken:
    """A Dev Dashboard app's token from the client credentials grant, fetched once and reused until
    REFRESH_MARGIN_SECONDS (or half its lifetime, when that is shorter) before it expires."""

    def __init__(
        self,
        http: httpx.Client,
        shop_url: str,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = f"{shop_url.rstrip('/')}/admin/oauth/access_token"
        self._form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        self._clock = clock
        self._lock = threading.Lock()
        self._token = ""
        self._renew_at = 0.0

    def get(self) -> str:
        with self._lock:
            if not self._token or self._clock() >= self._renew_at:
                self._fetch()
            return self._token

    def refused(self, token: str) -> bool:
        with self._lock:
            if self._token == token:
                self._token = ""
        return True

    def _fetch(self) -> None:
        try:
            response = self._http.post(self._url, data=self._form)
        except httpx.TransportError as error:
            raise RetryableError(f"Shopify unreachable for a token: {type(error).__name__}") from error
        if response.status_code != 200:
            raise RetryableError(
                f"Shopify refused the app's client credentials ({response.status_code}{_oauth_error(response)}): "
                "check its client id and secret and that the app is installed on the shop"
            )
        body = response.json()
        lifetime = float(body["expires_in"])
        self._token = str(body["access_token"])
        self._renew_at = self._clock() + max(lifetime - REFRESH_MARGIN_SECONDS, lifetime / 2)


def access_token(http: httpx.Client, shop_url: str, token: str, client_id: str, client_secret: str) -> AccessToken:
    """The app's client credentials when both are given, else its static token."""
    if client_id and client_secret:
        return ClientCredentialsToken(http, shop_url, client_id, client_secret)
    return StaticToken(token)


class ShopifyAdmin:
    """`api_version`: Shopify's `YYYY-MM`, the same for every call Koppel makes to the shop."""

    def __init__(self, http: httpx.Client, shop_url: str, api_version: str, token: AccessToken) -> None:
        self._http = http
        self._base = f"{shop_url.rstrip('/')}/admin/api/{api_version}"
        self._token = token

    def url(self, resource: str) -> str:
        """E.g. `orders.json` or `graphql.json`."""
        return f"{self._base}/{resource}"

    def send(
        self, method: str, url: str, *, params: Mapping[str, str] | None = None, json: Any = None
    ) -> httpx.Response:
        """The answer to the request sent with the current token, or, when Shopify refused that with 401 and a new
        one can be had, to the request sent again with the new token. RetryableError when Shopify cannot be
        reached."""
        token = self._token.get()
        response = self._send(method, url, token, params, json)
        if response.status_code == 401 and self._token.refused(token):
            response = self._send(method, url, self._token.get(), params, json)
        return response

    def _send(self, method: str, url: str, token: str, params: Mapping[str, str] | None, json: Any) -> httpx.Response:
        try:
            return self._http.request(method, url, params=params, json=json, headers={TOKEN_HEADER: token})
        except httpx.TransportError as error:
            raise RetryableError(f"Shopify unreachable: {type(error).__name__}") from error


def _oauth_error(response: httpx.Response) -> str:
    """`: <error> <description>` from an OAuth error answer, or nothing."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict) or not body.get("error"):
        return ""
    return f": {body['error']} {body.get('error_description', '')}".rstrip()
