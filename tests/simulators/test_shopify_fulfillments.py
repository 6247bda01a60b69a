"""The Shopify simulator's fulfillments over real sockets: fulfillment orders per location with remaining
quantities, fulfillmentCreate's refusals, tracking updates, fulfillment events, a lost answer on demand."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from localdev.simulators.shopify import ShopifySimulator
from localdev.simulators.shopify.fulfillments import QUANTITY_TOO_HIGH
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_fulfil"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
LINES = (ShopLine("MUG-01", "Mok", 3, Decimal("12.50")), ShopLine("TEA-9", "Thee", 2, Decimal("4.99")))
STATE = """
query State($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 5) {
      nodes {
        id status assignedLocation { location { id name } }
        lineItems(first: 10) { nodes { id sku totalQuantity remainingQuantity lineItem { id sku } } }
      }
    }
    fulfillments(first: 10) {
      id status createdAt trackingInfo { company number url }
      fulfillmentLineItems(first: 10) { nodes { quantity lineItem { sku } } }
    }
  }
}"""
CREATE = """
mutation Create($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { company number url } }
    userErrors { field message }
  }
}"""
UPDATE = """
mutation Update($id: ID!, $tracking: FulfillmentTrackingInput!) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $tracking, notifyCustomer: true) {
    fulfillment { trackingInfo { company number url } }
    userErrors { field message }
  }
}"""
EVENT = """
mutation Event($event: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $event) {
    fulfillmentEvent { id status estimatedDeliveryAt message }
    userErrors { field message }
  }
}"""


class Admin:
    def __init__(self, sim: ShopifySimulator) -> None:
        self.sim = sim
        self.http = httpx.Client(headers={"X-Shopify-Access-Token": TOKEN}, timeout=30)

    def call(self, query: str, variables: dict[str, Any]) -> httpx.Response:
        return self.http.post(self.sim.graphql_url, json={"query": query, "variables": variables})

    def data(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = self.call(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def state(self, order: dict[str, Any]) -> dict[str, Any]:
        return self.data(STATE, {"id": order["admin_graphql_api_id"]})["order"]

    def create(self, groups: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        fulfillment = {"lineItemsByFulfillmentOrder": groups, **extra}
        return self.data(CREATE, {"fulfillment": fulfillment})["fulfillmentCreate"]

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.request(method, f"{self.sim.url}/_sim/{path}", json=body)


@pytest.fixture(scope="module")
def sim() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN, location_names=("Hoofdmagazijn", "Winkel")) as simulator:
        yield simulator


@pytest.fixture
def admin(sim: ShopifySimulator) -> Iterator[Admin]:
    client = Admin(sim)
    yield client
    client.control("DELETE", "graphql/faults")


def lines_by_sku(fulfillment_order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["sku"]: line for line in fulfillment_order["lineItems"]["nodes"]}


def test_an_order_has_one_open_fulfillment_order_with_every_line_to_fulfil(sim, admin):
    state = admin.state(sim.place_order(LINES, CUSTOMER))
    (only,) = state["fulfillmentOrders"]["nodes"]
    assert only["status"] == "OPEN"
    assert only["assignedLocation"]["location"]["name"] == "Hoofdmagazijn"
    lines = lines_by_sku(only)
    assert {sku: (line["totalQuantity"], line["remainingQuantity"]) for sku, line in lines.items()} == {
        "MUG-01": (3, 3),
        "TEA-9": (2, 2),
    }
    assert lines["MUG-01"]["lineItem"]["id"].startswith("gid://shopify/LineItem/")
    assert state["fulfillments"] == []


def test_a_partial_fulfillment_lowers_what_remains_and_keeps_its_tracking(sim, admin):
    order = sim.place_order(LINES, CUSTOMER)
    fulfillment_order = admin.state(order)["fulfillmentOrders"]["nodes"][0]
    mug = lines_by_sku(fulfillment_order)["MUG-01"]
    tracking = {"company": "PostNL", "number": "3SABCD123", "url": "https://postnl.example/3SABCD123"}
    group = {
        "fulfillmentOrderId": fulfillment_order["id"],
        "fulfillmentOrderLineItems": [{"id": mug["id"], "quantity": 2}],
    }
    answer = admin.create([group], trackingInfo=tracking, notifyCustomer=True)
    assert answer["userErrors"] == []
    assert answer["fulfillment"]["trackingInfo"] == [tracking]
    state = admin.state(order)
    after = state["fulfillmentOrders"]["nodes"][0]
    assert after["status"] == "IN_PROGRESS"
    assert lines_by_sku(after)["MUG-01"]["remainingQuantity"] == 1
    (made,) = state["fulfillments"]
    assert made["status"] == "SUCCESS"
    assert made["fulfillmentLineItems"]["nodes"] == [{"quantity": 2, "lineItem": {"sku": "MUG-01"}}]
    stored = admin.control("GET", f"orders/{order['id']}/fulfillments").json()
    assert stored["fulfillments"][0]["notifyCustomer"] is True


def test_a_quantity_above_what_remains_is_a_user_error_and_changes_nothing(sim, admin):
    order = sim.place_order(LINES, CUSTOMER)
    fulfillment_order = admin.state(order)["fulfillmentOrders"]["nodes"][0]
    tea = lines_by_sku(fulfillment_order)["TEA-9"]
    group = {
        "fulfillmentOrderId": fulfillment_order["id"],
        "fulfillmentOrderLineItems": [{"id": tea["id"], "quantity": 3}],
    }
    answer = admin.create([group])
    assert answer["fulfillment"] is None
    assert answer["userErrors"] == [
        {
            "field": ["fulfillment", "lineItemsByFulfillmentOrder", "0", "fulfillmentOrderLineItems", "0", "quantity"],
            "message": QUANTITY_TOO_HIGH,
        }
    ]
    assert lines_by_sku(admin.state(order)["fulfillmentOrders"]["nodes"][0])["TEA-9"]["remainingQuantity"] == 2


def test_a_line_of_another_fulfillment_order_is_refused(sim, admin):
    first = admin.state(sim.place_order(LINES, CUSTOMER))["fulfillmentOrders"]["nodes"][0]
    other = admin.state(sim.place_order(LINES, CUSTOMER))["fulfillmentOrders"]["nodes"][0]
    foreign = lines_by_sku(other)["MUG-01"]["id"]
    group = {"fulfillmentOrderId": first["id"], "fulfillmentOrderLineItems": [{"id": foreign, "quantity": 1}]}
    answer = admin.create([group])
    assert answer["fulfillment"] is None
    assert answer["userErrors"][0]["field"][-1] == "id"
    assert "does not belong" in answer["userErrors"][0]["message"]


def test_moved_lines_make_a_second_fulfillment_order_and_one_call_serves_one_location(sim, admin):
    order = sim.place_order(LINES, CUSTOMER)
    first = admin.state(order)["fulfillmentOrders"]["nodes"][0]
    tea = lines_by_sku(first)["TEA-9"]
    number = first["id"].rsplit("/", 1)[1]
    moved = admin.control(
        "POST", f"fulfillment_orders/{number}/move", {"line_item_ids": [tea["id"]], "location": "Winkel"}
    )
    assert moved.status_code == 200, moved.text
    nodes = admin.state(order)["fulfillmentOrders"]["nodes"]
    assert [sorted(lines_by_sku(fo)) for fo in nodes] == [["MUG-01"], ["TEA-9"]]
    assert nodes[1]["assignedLocation"]["location"]["name"] == "Winkel"
    both = [{"fulfillmentOrderId": fo["id"]} for fo in nodes]
    assert (
        admin.create(both)["userErrors"][0]["message"]
        == "All fulfillment orders must be assigned to the same location."
    )
    stale = {"fulfillmentOrderId": first["id"], "fulfillmentOrderLineItems": [{"id": tea["id"], "quantity": 1}]}
    assert "does not belong" in admin.create([stale])["userErrors"][0]["message"]


def test_a_closed_or_cancelled_fulfillment_order_is_not_fulfilled(sim, admin):
    order = sim.place_order(LINES, CUSTOMER)
    fulfillment_order = admin.state(order)["fulfillmentOrders"]["nodes"][0]
    assert admin.create([{"fulfillmentOrderId": fulfillment_order["id"]}])["userErrors"] == []
    assert admin.state(order)["fulfillmentOrders"]["nodes"][0]["status"] == "CLOSED"
    assert (
        "status= closed" in admin.create([{"fulfillmentOrderId": fulfillment_order["id"]}])["userErrors"][0]["message"]
    )
    cancelled = sim.place_order(LINES, CUSTOMER)
    sim.cancel_order(cancelled["id"])
    gone = admin.state(cancelled)["fulfillmentOrders"]["nodes"][0]
    assert gone["status"] == "CANCELLED"
    assert "status= cancelled" in admin.create([{"fulfillmentOrderId": gone["id"]}])["userErrors"][0]["message"]


def test_tracking_is_replaced_and_events_recorded_on_a_fulfillment(sim, admin):
    order = sim.place_order(LINES, CUSTOMER)
    fulfillment_order = admin.state(order)["fulfillmentOrders"]["nodes"][0]
    made = admin.create([{"fulfillmentOrderId": fulfillment_order["id"]}])["fulfillment"]
    assert made["trackingInfo"] == []
    tracking = {"company": "DHL Parcel", "number": "JVGL0001", "url": "https://dhl.example/JVGL0001"}
    updated = admin.data(UPDATE, {"id": made["id"], "tracking": tracking})["fulfillmentTrackingInfoUpdate"]
    assert updated == {"fulfillment": {"trackingInfo": [tracking]}, "userErrors": []}
    event = {"fulfillmentId": made["id"], "status": "OUT_FOR_DELIVERY", "estimatedDeliveryAt": "2026-12-09T12:00:00Z"}
    created = admin.data(EVENT, {"event": event})["fulfillmentEventCreate"]
    assert created["userErrors"] == []
    assert created["fulfillmentEvent"]["status"] == "OUT_FOR_DELIVERY"
    unknown = admin.data(EVENT, {"event": {**event, "fulfillmentId": "gid://shopify/Fulfillment/1"}})
    assert unknown["fulfillmentEventCreate"]["userErrors"][0]["field"] == ["fulfillmentEvent", "fulfillmentId"]


def test_a_url_without_a_number_and_unknown_fields_are_refused(sim, admin):
    fulfillment_order = admin.state(sim.place_order(LINES, CUSTOMER))["fulfillmentOrders"]["nodes"][0]
    answer = admin.create(
        [{"fulfillmentOrderId": fulfillment_order["id"]}], trackingInfo={"url": "https://x.example/1"}
    )
    assert answer["userErrors"][0]["field"] == ["fulfillment", "trackingInfo"]
    with_code = CREATE.replace("userErrors { field message }", "userErrors { field message code }")
    body = admin.call(with_code, {"fulfillment": {"lineItemsByFulfillmentOrder": []}}).json()
    assert "data" not in body
    assert "code" in body["errors"][0]["message"]
    bad_status = {"fulfillmentId": "gid://shopify/Fulfillment/1", "status": "RETURNED_TO_SENDER"}
    assert admin.call(EVENT, {"event": bad_status}).json()["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"


def test_a_lost_answer_is_committed_but_answered_with_a_gateway_error(sim, admin):
    order = sim.place_order(LINES, CUSTOMER)
    fulfillment_order = admin.state(order)["fulfillmentOrders"]["nodes"][0]
    admin.control("POST", "graphql/faults", {"lose_answer_of": {"fulfillmentCreate": 1}})
    assert admin.state(order)["fulfillments"] == []
    lost = admin.call(
        CREATE, {"fulfillment": {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fulfillment_order["id"]}]}}
    )
    assert lost.status_code == 502
    assert len(admin.state(order)["fulfillments"]) == 1
    assert admin.control("GET", "graphql/faults").json()["lose_answer_of"] == {"fulfillmentCreate": 0}
