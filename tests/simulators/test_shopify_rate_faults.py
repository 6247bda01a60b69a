"""The Shopify simulator's drawn faults over real sockets: 429 and 503 shares that do nothing, lost answers that
commit, one seeded draw per GraphQL request (same seed, same sequence), counted by kind; DELETE clears them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from localdev.simulators.shopify import ShopifySimulator
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_rates"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
LINES = (ShopLine("MUG-01", "Mok", 3, Decimal("12.50")),)
LOCATIONS = "{ locations(first: 5) { nodes { id } } }"
ORDER_LINES = """
query Lines($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 5) { nodes { id lineItems(first: 10) { nodes { id remainingQuantity } } } }
  }
}"""
CREATE = """
mutation Create($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id } userErrors { field message } }
}"""


class Admin:
    def __init__(self, sim: ShopifySimulator) -> None:
        self.sim = sim
        self.http = httpx.Client(headers={"X-Shopify-Access-Token": TOKEN}, timeout=30)

    def call(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post(self.sim.graphql_url, json={"query": query, "variables": variables or {}})

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.request(method, f"{self.sim.url}/_sim/{path}", json=body)

    def fulfillments(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        made: list[dict[str, Any]] = self.control("GET", f"orders/{order['id']}/fulfillments").json()["fulfillments"]
        return made


@pytest.fixture(scope="module")
def sim() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN, graphql_restore_rate=1_000_000) as simulator:
        yield simulator


@pytest.fixture
def admin(sim: ShopifySimulator) -> Iterator[Admin]:
    client = Admin(sim)
    client.control("POST", "graphql/stats/reset")
    yield client
    client.control("DELETE", "graphql/faults")


def test_every_call_is_refused_429_with_retry_after_when_the_429_rate_is_one(admin, sim):
    order = sim.place_order(LINES, CUSTOMER)
    set_up = admin.control("POST", "graphql/faults", {"rate_429": 1.0, "retry_after": 0.5})
    answers = [admin.call(CREATE, {"fulfillment": {"lineItemsByFulfillmentOrder": []}}) for _ in range(3)]

    assert set_up.json()["rate_429"] == 1.0
    assert [answer.status_code for answer in answers] == [429, 429, 429]
    assert answers[0].headers["Retry-After"] == "0.5"
    assert "Exceeded" in answers[0].json()["errors"]
    stats = admin.control("GET", "graphql/stats").json()
    assert stats["faults"] == {"429": 3}
    assert stats["calls"] == {}
    admin.control("DELETE", "graphql/faults")
    assert admin.fulfillments(order) == []


def test_a_503_from_the_rate_is_the_gateways_page_and_does_nothing(admin):
    admin.control("POST", "graphql/faults", {"rate_503": 1.0})
    answer = admin.call(LOCATIONS)

    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("text/html")
    assert admin.control("GET", "graphql/stats").json()["calls"] == {}


def test_a_lost_answer_from_the_rate_creates_the_fulfillment_but_answers_a_gateway_timeout(admin, sim):
    order = sim.place_order(LINES, CUSTOMER)
    nodes = admin.call(ORDER_LINES, {"id": order["admin_graphql_api_id"]}).json()["data"]["order"]
    groups = [{"fulfillmentOrderId": fo["id"]} for fo in nodes["fulfillmentOrders"]["nodes"]]
    admin.control("POST", "graphql/faults", {"rate_lost_answer": 1.0})
    answer = admin.call(CREATE, {"fulfillment": {"lineItemsByFulfillmentOrder": groups}})
    admin.control("DELETE", "graphql/faults")

    assert answer.status_code == 504
    assert len(admin.fulfillments(order)) == 1
    assert admin.control("GET", "graphql/stats").json()["faults"] == {"lost_answer": 1}


def test_a_seeded_mixed_run_draws_about_its_shares_and_the_same_seed_draws_the_same_sequence(admin):
    rates = {"rate_429": 0.1, "rate_503": 0.05, "rate_lost_answer": 0.02, "retry_after": 0}

    def run() -> list[int]:
        admin.control("POST", "graphql/faults", {**rates, "seed": 12})
        return [admin.call(LOCATIONS).status_code for _ in range(200)]

    first = run()
    second = run()
    drawn = Counter(first)

    assert first == second
    assert 10 <= drawn[429] <= 32
    assert 3 <= drawn[503] <= 18
    assert 1 <= drawn[504] <= 10
    assert drawn[200] == 200 - drawn[429] - drawn[503] - drawn[504]
    faults = admin.control("GET", "graphql/stats").json()["faults"]
    assert faults == {"429": 2 * drawn[429], "503": 2 * drawn[503], "lost_answer": 2 * drawn[504]}


def test_rates_over_one_are_refused_also_when_merged_and_delete_clears_them(admin):
    too_much = admin.control("POST", "graphql/faults", {"rate_429": 0.6, "rate_503": 0.5})
    admin.control("POST", "graphql/faults", {"rate_429": 0.6})
    merged_too_much = admin.control("POST", "graphql/faults", {"rate_lost_answer": 0.5})
    kept = admin.control("GET", "graphql/faults").json()
    cleared = admin.control("DELETE", "graphql/faults").json()

    assert (too_much.status_code, merged_too_much.status_code) == (400, 400)
    assert (kept["rate_429"], kept["rate_lost_answer"]) == (0.6, 0.0)
    assert (cleared["rate_429"], cleared["rate_503"], cleared["rate_lost_answer"]) == (0.0, 0.0, 0.0)
    assert admin.call(LOCATIONS).status_code == 200


def test_count_based_faults_still_apply_when_rates_are_set_to_zero(admin):
    admin.control("POST", "graphql/faults", {"rate_429": 0.0, "fail_next": 1, "fail_status": 503})

    assert [admin.call(LOCATIONS).status_code for _ in range(2)] == [503, 200]
