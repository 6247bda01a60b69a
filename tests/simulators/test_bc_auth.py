"""OAuth2 client credentials and bearer checks of the BC simulator."""

import time

import httpx

from localdev.simulators.businesscentral import BusinessCentralSimulator
from tests.simulators.conftest import BC, CLIENT_ID, SECRET, token_form


def test_client_credentials_give_a_bearer_token_that_opens_the_api(bc_sim):
    response = httpx.post(bc_sim.token_url, data=token_form())

    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    companies = httpx.get(f"{bc_sim.api_base}/companies", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert companies.status_code == 200
    assert [c["id"] for c in companies.json()["value"]] == [bc_sim.company_id]


def test_wrong_secret_or_client_is_invalid_client(bc_sim):
    for form in (token_form(secret="nope"), token_form(client_id="someone-else")):
        response = httpx.post(bc_sim.token_url, data=form)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.json()["error_description"]


def test_token_request_needs_client_credentials_grant_and_a_default_scope(bc_sim):
    wrong_grant = httpx.post(bc_sim.token_url, data={**token_form(), "grant_type": "password"})
    wrong_scope = httpx.post(bc_sim.token_url, data={**token_form(), "scope": "openid"})

    assert (wrong_grant.status_code, wrong_grant.json()["error"]) == (400, "unsupported_grant_type")
    assert (wrong_scope.status_code, wrong_scope.json()["error"]) == (400, "invalid_scope")


def test_api_without_or_with_a_bad_token_is_401_with_a_challenge(bc_sim):
    url = f"{bc_sim.api_base}/companies"
    for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic a2V5OnNlY3JldA=="}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")
        assert response.json()["error"]["code"] == "Authentication_InvalidCredentials"


def test_expired_token_is_401_and_a_fresh_token_works_again():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, token_lifetime_s=0.3) as sim:
        bc = BC(sim)
        assert bc.get("items", {"$top": "1"}).status_code == 200
        time.sleep(0.45)

        expired = bc.get("items", {"$top": "1"})

        assert expired.status_code == 401
        assert "expired" in expired.headers["WWW-Authenticate"]
        assert BC(sim).get("items", {"$top": "1"}).status_code == 200
