"""OAuth2 client-credentials token for the BC API from Microsoft Entra (integrations/oauth_token.py)."""

from __future__ import annotations

import httpx

from domain.errors import RetryableError
from integrations import oauth_token


class TokenRejected(RetryableError):
    """The identity platform refused our client id or secret: retried until someone fixes the settings."""


class ClientCredentialsToken(oauth_token.ClientCredentialsToken):
    def __init__(self, http: httpx.Client, token_url: str, client_id: str, client_secret: str, scope: str) -> None:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        super().__init__(http, token_url, form | {"scope": scope}, "Microsoft Entra", _refusal)


def _refusal(response: httpx.Response) -> RetryableError:
    if response.status_code in (400, 401):
        return TokenRejected(f"token endpoint refused the client credentials ({response.status_code})")
    return RetryableError(f"token endpoint answered {response.status_code}")
