"""The client-credentials token BC and Shopify share (RFC 6749 section 4.4): one cache, one renewal margin, and a
200 that is no token is a retryable error, not a crash.

Vendor shapes: Microsoft Entra answers `{"token_type", "expires_in", "access_token"}` (learn.microsoft.com/entra/
identity-platform/v2-oauth2-client-creds-grant-flow, "Successful response"); Shopify answers `{"access_token",
"scope", "expires_in"}` (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/
client-credentials-grant)."""

from collections.abc import Callable

import httpx
import pytest

from domain.errors import RetryableError
from integrations.businesscentral.token import ClientCredentialsToken as BcToken
from integrations.businesscentral.token import TokenRejected
from integrations.oauth_token import REFRESH_MARGIN_SECONDS, ClientCredentialsToken
from integrations.shops.shopify.access import AccessToken, access_token

Answer = Callable[[httpx.Request], httpx.Response]


def _http(answer: Answer) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(answer))


def _bc(answer: Answer) -> BcToken:
    return BcToken(_http(answer), "https://login.test/tenant/token", "id", "secret", "scope")


def _shopify(answer: Answer) -> AccessToken:
    return access_token(_http(answer), "https://shop.test", "", "id", "secret")


MALFORMED = [
    httpx.Response(200, text="<html>maintenance</html>"),
    httpx.Response(200, json={"access_token": "t"}),
    httpx.Response(200, json={"expires_in": 3600}),
    httpx.Response(200, json={"access_token": "t", "expires_in": "soon"}),
    httpx.Response(200, json=["t"]),
]


@pytest.mark.parametrize("token", [_bc, _shopify])
@pytest.mark.parametrize("malformed", MALFORMED)
def test_a_200_that_is_no_token_is_retried_later(token: Callable[[Answer], AccessToken], malformed: httpx.Response):
    with pytest.raises(RetryableError, match="no token"):
        token(lambda _: malformed).get()


@pytest.mark.parametrize("status", [400, 401])
def test_bc_credentials_refused_by_entra_are_named(status: int):
    with pytest.raises(TokenRejected, match=f"refused the client credentials \\({status}\\)"):
        _bc(lambda _: httpx.Response(status, json={"error": "invalid_client"})).get()


def test_a_token_is_reused_until_the_margin_before_it_expires_and_a_refused_one_is_fetched_again():
    now, granted = [0.0], []

    def grant(request: httpx.Request) -> httpx.Response:
        granted.append(request)
        return httpx.Response(200, json={"access_token": f"t{len(granted)}", "expires_in": 3600})

    token = ClientCredentialsToken(
        _http(grant),
        "https://login.test/token",
        {"grant_type": "client_credentials"},
        "test",
        _refused,
        clock=lambda: now[0],
    )

    assert token.get() == "t1"
    now[0] = 3600 - REFRESH_MARGIN_SECONDS - 1
    assert token.get() == "t1"
    now[0] += 1
    assert token.get() == "t2"
    assert token.invalidate("t2")
    assert token.get() == "t3"


def _refused(response: httpx.Response) -> RetryableError:
    return RetryableError(f"refused ({response.status_code})")
