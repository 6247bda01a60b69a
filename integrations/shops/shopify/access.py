"""A Shopify shop's Admin API access token.

The shop's app gives Koppel either a static Admin API token (a custom app made in the Shopify admin, which cannot be
done since 2026-01-01) or its client id and secret (an app made in the Dev Dashboard). Those are exchanged for a
token with the client credentials grant, `POST https://{shop}.myshopify.com/admin/oauth/access_token`, answered
`{"access_token", "scope", "expires_in"}` (24 hours); there is no refresh token, a new token is asked for the same
way. The token is kept until shortly before it expires (integrations/oauth_token.py); a 401 makes the client ask for
a new one and send the request once more (integrations/shops/shopify/client.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import httpx

from domain.errors import RetryableError
from integrations.oauth_token import ClientCredentialsToken


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


def access_token(http: httpx.Client, shop_url: str, token: str, client_id: str, client_secret: str) -> AccessToken:
    """The app's client credentials when both are given, else its static token."""
    if client_id and client_secret:
        return granted_token(http, shop_url, client_id, client_secret)
    return StaticToken(token)


def _refusal(response: httpx.Response) -> RetryableError:
    return RetryableError(
        f"Shopify refused the app's client credentials ({response.status_code}{_oauth_error(response)}): "
        "check its client id and secret and that the app is installed on the shop"
    )


def _oauth_error(response: httpx.Response) -> str:
    """`: <error> <description>` from an OAuth error answer, or nothing."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict) or not body.get("error"):
        return ""
    return f": {body['error']} {body.get('error_description', '')}".rstrip()
