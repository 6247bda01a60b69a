"""One Shopify shop's Admin API: the URL of a resource at the one API version Koppel is configured for, and
requests that carry a valid access token.

The shop's app gives Koppel either a static Admin API token (a custom app made in the Shopify admin, which cannot be
done since 2026-01-01) or its client id and secret (an app made in the Dev Dashboard). Those are exchanged for a
token with the client credentials grant, `POST https://{shop}.myshopify.com/admin/oauth/access_token`, answered
`{"access_token", "scope", "expires_in"}` (24 hours); there is no refresh token, a new token is asked for the same
way. The token is kept until shortly before it expires (integrations/oauth_token.py); a 401 makes Koppel ask for a
new one and send the request once more.

Shopify answers each call with `X-Shopify-API-Version`, the version it used: another than the one asked for means
that version is no longer supported and Shopify fell back to the oldest one it still supports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx

from domain.errors import RetryableError
from integrations.oauth_token import ClientCredentialsToken

TOKEN_HEADER = "X-Shopify-Access-Token"  # noqa: S105 - a header name
VERSION_HEADER = "X-Shopify-API-Version"

log = logging.getLogger(__name__)


class AccessToken(Protocol):
    def get(self) -> str:
        """The token to send."""
        ...

    def invalidate(self, token: str) -> bool:
        """Shopify answered 401 to `token`: forget it; True when another one can be had (worth sending again)."""
        ...


class StaticToken:
    """A custom app's Admin API token: it does not expire, and there is no other to try when it is refused."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get(self) -> str:
        return self._token

    def invalidate(self, token: str) -> bool:  # noqa: ARG002 - the one token there is
        return False


def granted_token(
    http: httpx.Client, shop_url: str, client_id: str, client_secret: str, clock: Callable[[], float] = time.monotonic
) -> ClientCredentialsToken:
    """A Dev Dashboard app's token from the client credentials grant."""
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    url = f"{shop_url.rstrip('/')}/admin/oauth/access_token"
    return ClientCredentialsToken(http, url, form, "Shopify", _refusal, clock=clock)


def _refusal(response: httpx.Response) -> RetryableError:
    return RetryableError(
        f"Shopify refused the app's client credentials ({response.status_code}{_oauth_error(response)}): "
        "check its client id and secret and that the app is installed on the shop"
    )


def access_token(http: httpx.Client, shop_url: str, token: str, client_id: str, client_secret: str) -> AccessToken:
    """The app's client credentials when both are given, else its static token."""
    if client_id and client_secret:
        return granted_token(http, shop_url, client_id, client_secret)
    return StaticToken(token)


class ShopifyAdmin:
    """`api_version`: Shopify's `YYYY-MM`, the same for every call Koppel makes to the shop."""

    def __init__(self, http: httpx.Client, shop_url: str, api_version: str, token: AccessToken) -> None:
        self._http = http
        self._version = api_version
        self._base = f"{shop_url.rstrip('/')}/admin/api/{api_version}"
        self._token = token
        self._served = api_version

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
        if response.status_code == 401 and self._token.invalidate(token):
            response = self._send(method, url, self._token.get(), params, json)
        self._note_version(response.headers.get(VERSION_HEADER))
        return response

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
