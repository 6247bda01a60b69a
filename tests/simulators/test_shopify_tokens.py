"""The Shopify simulator's access tokens: the client credentials grant of a Dev Dashboard app and its expiry.

Shape from Shopify's docs: `POST https://{shop}.myshopify.com/admin/oauth/access_token` with form fields
`grant_type=client_credentials`, `client_id`, `client_secret` answers `{"access_token", "scope", "expires_in"}`
(shopify.dev/docs/apps/build/authentication-authorization/client-secrets and .../access-tokens/
client-credentials-grant); tokens last 24 hours (Shopify staff, community.shopify.dev/t/29472); an invalid token is
401 "[API] Invalid API key or access token (unrecognized login or wrong password)".
"""

from collections.abc import Iterator

import httpx
import pytest

from localdev.simulators.shopify import ShopifySimulator
from tests.support.clocks import MonotonicClock

LOCATIONS = "{ locations(first: 1) { nodes { id } } }"


@pytest.fixture
def clock() -> MonotonicClock:
    return MonotonicClock()


@pytest.fixture
def sim(clock: MonotonicClock) -> Iterator[ShopifySimulator]:
    with ShopifySimulator(client_id="app-id", client_secret="app-secret", access_token="", clock=clock) as running:
        yield running


def _graphql(sim: ShopifySimulator, token: str) -> httpx.Response:
    return httpx.post(sim.graphql_url, json={"query": LOCATIONS}, headers={"X-Shopify-Access-Token": token})


def _orders(sim: ShopifySimulator, token: str) -> httpx.Response:
    return httpx.get(f"{sim.api_base}/orders.json", headers={"X-Shopify-Access-Token": token})


def test_the_grant_issues_a_token_that_works_for_rest_and_graphql_until_it_expires(sim, clock):
    form = {"grant_type": "client_credentials", "client_id": "app-id", "client_secret": "app-secret"}
    answer = httpx.post(sim.token_url, data=form)
    token = answer.json()["access_token"]

    assert answer.status_code == 200
    assert set(answer.json()) == {"access_token", "scope", "expires_in"}
    assert answer.json()["expires_in"] == 86399
    assert token.startswith("shpat_")
    assert (_graphql(sim, token).status_code, _orders(sim, token).status_code) == (200, 200)

    clock.now += 86399
    expired = _graphql(sim, token)
    assert (expired.status_code, _orders(sim, token).status_code) == (401, 401)
    assert expired.json()["errors"].startswith("[API] Invalid API key or access token")
    assert sim.tokens.granted == 1


def test_the_grant_takes_json_as_shopifys_node_library_sends_it_and_each_grant_is_a_new_token(sim):
    body = {"grant_type": "client_credentials", "client_id": "app-id", "client_secret": "app-secret"}

    first = httpx.post(sim.token_url, json=body).json()["access_token"]
    second = httpx.post(sim.token_url, json=body).json()["access_token"]

    assert first != second
    assert (_graphql(sim, first).status_code, _graphql(sim, second).status_code) == (200, 200)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "client_credentials", "client_id": "app-id", "client_secret": "wrong"}, "invalid_client"),
        ({"grant_type": "client_credentials", "client_id": "other", "client_secret": "app-secret"}, "invalid_client"),
        ({"grant_type": "authorization_code", "client_id": "app-id", "client_secret": "app-secret"}, "unsupported"),
    ],
)
def test_a_refused_grant_is_an_oauth_error_and_issues_nothing(sim, form, error):
    refused = httpx.post(sim.token_url, data=form)

    assert refused.status_code == 400
    assert refused.json()["error"].startswith(error)
    assert sim.tokens.granted == 0


def test_an_app_without_a_static_token_refuses_an_empty_one_and_a_static_token_never_expires(clock):
    with ShopifySimulator(access_token="shpat_legacy", clock=clock) as legacy:
        clock.now += 10 * 86400
        assert _graphql(legacy, "shpat_legacy").status_code == 200
    with ShopifySimulator(access_token="", clock=clock) as dashboard_app:
        assert _graphql(dashboard_app, "").status_code == 401
