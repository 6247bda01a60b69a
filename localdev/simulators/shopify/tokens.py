"""The app's Admin API access: a static token (a custom app made in the Shopify admin before 2026-01-01) and the
tokens the client credentials grant issues to an app made in the Dev Dashboard, which expire.

`POST /admin/oauth/access_token` with `grant_type=client_credentials`, `client_id` and `client_secret` (form, as
Shopify documents it, or JSON, as Shopify's Node library sends it) answers `{"access_token", "scope",
"expires_in"}`; a token past its lifetime (on the simulator's clock) is refused like an unknown one.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

GRANT_TYPE = "client_credentials"
SCOPE = "read_orders,read_products,write_products,read_inventory,write_inventory,read_locations"


class GrantRefused(Exception):
    """The grant request is refused with this OAuth error code and description (HTTP 400)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass
class AccessTokens:
    """`static_token` None: the app has none (Dev Dashboard apps only get tokens from the grant)."""

    client_id: str
    client_secret: str
    static_token: str | None
    lifetime_s: float
    clock: Callable[[], float]
    granted: int = 0
    _expiry: dict[str, float] = field(default_factory=dict)

    def grant(self, request: Mapping[str, str]) -> dict[str, object]:
        """A new token for the app's credentials; GrantRefused when they are not the app's."""
        if request.get("grant_type") != GRANT_TYPE:
            raise GrantRefused("unsupported_grant_type", "The grant_type must be client_credentials.")
        if not (
            _same(request.get("client_id", ""), self.client_id)
            and _same(request.get("client_secret", ""), self.client_secret)
        ):
            raise GrantRefused("invalid_client", "Client authentication failed.")
        token = f"shpat_{secrets.token_hex(16)}"
        self._expiry[token] = self.clock() + self.lifetime_s
        self.granted += 1
        return {"access_token": token, "scope": SCOPE, "expires_in": int(self.lifetime_s)}

    def valid(self, token: str) -> bool:
        if self.static_token is not None and _same(token, self.static_token):
            return True
        expiry = self._expiry.get(token)
        return expiry is not None and self.clock() < expiry


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
