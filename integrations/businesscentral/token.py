"""OAuth2 client-credentials token for the BC API, fetched once and reused until shortly before it expires."""

from __future__ import annotations

import threading
import time

import httpx

from domain.errors import RetryableError

REFRESH_MARGIN_SECONDS = 120


class TokenRejected(RetryableError):
    """The identity platform refused our client id or secret: retried until someone fixes the settings."""


class ClientCredentialsToken:
    def __init__(self, http: httpx.Client, token_url: str, client_id: str, client_secret: str, scope: str) -> None:
        self._http = http
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scope,
        }
        self._lock = threading.Lock()
        self._token = ""
        self._expires_at = 0.0

    def get(self) -> str:
        with self._lock:
            if not self._token or time.monotonic() >= self._expires_at:
                self._fetch()
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` (BC answered 401 to it); the next get() fetches a new one."""
        with self._lock:
            if self._token == token:
                self._token = ""

    def _fetch(self) -> None:
        try:
            response = self._http.post(self._token_url, data=self._form)
        except httpx.TransportError as error:
            raise RetryableError(f"token endpoint unreachable: {type(error).__name__}") from error
        if response.status_code in (400, 401):
            raise TokenRejected(f"token endpoint refused the client credentials ({response.status_code})")
        if response.status_code != 200:
            raise RetryableError(f"token endpoint answered {response.status_code}")
        body = response.json()
        self._token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 3600))
        self._expires_at = time.monotonic() + max(lifetime - REFRESH_MARGIN_SECONDS, lifetime / 2)
