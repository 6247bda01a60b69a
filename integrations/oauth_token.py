"""An OAuth 2.0 client-credentials token (RFC 6749 section 4.4), fetched once and reused until shortly before it
expires: BC's from Microsoft Entra and a Shopify Dev Dashboard app's. Each adapter gives the token URL, the form
and the words for a refusal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

import httpx

from domain.errors import RetryableError

REFRESH_MARGIN_SECONDS = 300.0
"""A token is renewed this long before it expires (or at half its lifetime, when that is sooner)."""


class ClientCredentialsToken:
    """`refusal`: the error to raise for an answer other than 200 to the token request."""

    def __init__(
        self,
        http: httpx.Client,
        token_url: str,
        form: Mapping[str, str],
        service: str,
        refusal: Callable[[httpx.Response], RetryableError],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = token_url
        self._form = dict(form)
        self._service = service
        self._refusal = refusal
        self._clock = clock
        self._lock = threading.Lock()
        self._token = ""
        self._renew_at = 0.0

    def get(self) -> str:
        with self._lock:
            if not self._token or self._clock() >= self._renew_at:
                self._token, lifetime = self._fetch()
                self._renew_at = self._clock() + max(lifetime - REFRESH_MARGIN_SECONDS, lifetime / 2)
            return self._token

    def invalidate(self, token: str) -> bool:
        """Forget `token` (the service answered 401 to it): the next get() fetches a new one. True: another token
        can be had, so the refused request is worth sending again."""
        with self._lock:
            if self._token == token:
                self._token = ""
        return True

    def _fetch(self) -> tuple[str, float]:
        try:
            response = self._http.post(self._url, data=self._form)
        except httpx.TransportError as error:
            raise RetryableError(f"{self._service} unreachable for a token: {type(error).__name__}") from error
        if response.status_code != 200:
            raise self._refusal(response)
        granted = _granted(response)
        if granted is None:
            raise RetryableError(f"{self._service} answered 200 to the token request with no token and lifetime")
        return granted


def _granted(response: httpx.Response) -> tuple[str, float] | None:
    """`access_token` and `expires_in` (seconds) of a token answer, or None when it has not both."""
    try:
        body = response.json()
        token, lifetime = str(body["access_token"]), float(body["expires_in"])
    except (ValueError, KeyError, TypeError):
        return None
    return (token, lifetime) if token and lifetime > 0 else None
