"""Fixtures for the simulator tests: a running BC simulator and a small authenticated client for it, and a webhook
receiver for the shop and payment simulators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from localdev.simulators.businesscentral import BusinessCentralSimulator
from tests.simulators.shop_support import Receiver

CLIENT_ID = "koppel-test"
SECRET = "bc-test-secret"
SCOPE = "https://api.businesscentral.dynamics.com/.default"


def token_form(secret: str = SECRET, client_id: str = CLIENT_ID) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": SCOPE}


class BC:
    """An httpx client holding a bearer token, addressing paths relative to the seeded company."""

    def __init__(self, sim: BusinessCentralSimulator) -> None:
        self.sim = sim
        self.http = httpx.Client(timeout=10)
        response = self.http.post(sim.token_url, data=token_form())
        response.raise_for_status()
        self.token = response.json()["access_token"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def company(self) -> str:
        return f"{self.sim.api_base}/companies({self.sim.company_id})"

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.company}/{path}"

    def get(self, path: str, params: dict[str, str] | None = None, **headers: str) -> httpx.Response:
        return self.http.get(self.url(path), params=params, headers={**self.headers, **headers})

    def post(self, path: str, body: Any, params: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(self.url(path), json=body, params=params, headers=self.headers)

    def patch(self, path: str, body: Any, etag: str | None) -> httpx.Response:
        extra = {"If-Match": etag} if etag is not None else {}
        return self.http.patch(self.url(path), json=body, headers={**self.headers, **extra})

    def delete(self, path: str, etag: str | None) -> httpx.Response:
        extra = {"If-Match": etag} if etag is not None else {}
        return self.http.delete(self.url(path), headers={**self.headers, **extra})

    def one(self, path: str, filter_: str) -> dict[str, Any]:
        response = self.get(path, {"$filter": filter_})
        assert response.status_code == 200, response.text
        values: list[dict[str, Any]] = response.json()["value"]
        assert len(values) == 1, values
        return values[0]

    def control(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.http.request(method, f"{self.sim.url}/_sim/{path}", json=body)


@pytest.fixture(scope="module")
def bc_sim() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET) as sim:
        yield sim


@pytest.fixture
def bc(bc_sim: BusinessCentralSimulator) -> Iterator[BC]:
    client = BC(bc_sim)
    yield client
    client.http.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Records what a shop or payment simulator posts (test_bc_payments has its own, which answers BC's handshake)."""
    with Receiver() as running:
        yield running
