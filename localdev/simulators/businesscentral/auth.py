"""OAuth2 client credentials as Microsoft Entra ID answers them, and bearer checks on API calls."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from localdev.simulators.businesscentral.errors import BCError

SCOPE = "https://api.businesscentral.dynamics.com/.default"


class OAuthError(Exception):
    """A token endpoint refusal: `{"error": ..., "error_description": ...}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class _Grant:
    client_id: str
    expires_at: float


class TokenIssuer:
    def __init__(
        self,
        tenant: str,
        client_id: str,
        client_secret: str,
        lifetime_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret
        self.lifetime_s = lifetime_s
        self.clock = clock
        self.grants: dict[str, _Grant] = {}

    def issue(self, form: Mapping[str, str]) -> dict[str, object]:
        if form.get("grant_type") != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
        if not form.get("scope", "").endswith("/.default"):
            raise OAuthError(
                400, "invalid_scope", f"AADSTS1002012: The provided value for scope is not valid; use '{SCOPE}'."
            )
        if form.get("client_id") != self.client_id:
            raise OAuthError(
                401, "invalid_client", "AADSTS700016: Application was not found in the directory of the tenant."
            )
        if not secrets.compare_digest(form.get("client_secret", ""), self.client_secret):
            raise OAuthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        now = self.clock()
        self.grants = {token: grant for token, grant in self.grants.items() if grant.expires_at > now}
        token = secrets.token_urlsafe(48)
        self.grants[token] = _Grant(self.client_id, now + self.lifetime_s)
        lifetime = int(self.lifetime_s)
        return {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token}

    def client_of(self, authorization: str | None) -> str:
        """The client id behind a valid `Authorization: Bearer` header; a 401 BCError otherwise."""
        scheme, _, token = (authorization or "").partition(" ")
        grant = self.grants.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            raise self._unauthorized("invalid_token", "The access token is missing or invalid.")
        if grant.expires_at <= self.clock():
            raise self._unauthorized("invalid_token", "The access token has expired.")
        return grant.client_id

    def _unauthorized(self, error: str, description: str) -> BCError:
        challenge = (
            f'Bearer authorization_uri="https://login.microsoftonline.com/{self.tenant}/oauth2/authorize", '
            f'resource_id="https://api.businesscentral.dynamics.com", error="{error}", '
            f'error_description="{description}"'
        )
        return BCError(
            401,
            "Authentication_InvalidCredentials",
            f"The server has rejected the client credentials. {description}",
            {"WWW-Authenticate": challenge},
        )
