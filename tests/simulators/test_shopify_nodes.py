"""The Shopify simulator's `nodes(ids:)` over real sockets: objects by global id in the order asked, null for an id
of nothing served, Shopify's 250-id limit, a malformed id refused, and its requested cost (a list of that many)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from localdev.simulators.shopify import ShopifySimulator
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_nodes"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
LINES = (ShopLine("MUG-01", "Mok", 3, Decimal("12.50")),)
ORDERS = """
query Orders($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    ... on Order { legacyResourceId fulfillmentOrders(first: 2) { nodes { id status } } }
  }
}"""
IDS = "query Ids($ids: [ID!]!) { nodes(ids: $ids) { id ... on Order { id } } }"
ORDERS_OR_FULFILLMENTS = """
query Either($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Order { fulfillmentOrders(first: 2) { nodes { id } } }
    ... on Fulfillment { fulfillmentLineItems(first: 10) { nodes { id } } }
  }
}"""

CATALOG_NODES = """
query Catalog($ids: [ID!]!) {
  nodes(ids: $ids) { id ... on Product { title } ... on ProductVariant { sku product { id } } }
}"""
PRODUCT_SET = """
mutation Set($input: ProductSetInput!) {
  productSet(input: $input) { product { id variants(first: 1) { nodes { id } } } userErrors { message } }
}"""
MUG = {
    "title": "Mok",
    "productOptions": [{"name": "Kleur", "values": [{"name": "Rood"}]}],
    "variants": [{"optionValues": [{"optionName": "Kleur", "name": "Rood"}], "sku": "MUG-01", "price": "12.50"}],
}


@pytest.fixture(scope="module")
def sim() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN, graphql_restore_rate=1_000_000) as simulator:
        yield simulator


def call(sim: ShopifySimulator, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    headers = {"X-Shopify-Access-Token": TOKEN}
    response = httpx.post(sim.graphql_url, json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ask(sim: ShopifySimulator, query: str, ids: list[str]) -> dict[str, Any]:
    return call(sim, query, {"ids": ids})


def test_nodes_answers_orders_in_the_order_asked_and_null_for_an_id_of_nothing_served(sim):
    first, second = sim.place_order(LINES, CUSTOMER), sim.place_order(LINES, CUSTOMER)
    missing = "gid://shopify/Order/5790000000000009999"
    ids = [second["admin_graphql_api_id"], missing, first["admin_graphql_api_id"], "gid://shopify/Customer/7"]
    body = ask(sim, ORDERS, ids)
    assert "errors" not in body, body["errors"]
    found = body["data"]["nodes"]
    assert [node and node["legacyResourceId"] for node in found] == [str(second["id"]), None, str(first["id"]), None]
    assert [fo["status"] for fo in found[0]["fulfillmentOrders"]["nodes"]] == ["OPEN"]


def test_nodes_answers_a_product_and_a_variant_as_their_own_types(sim):
    made = call(sim, PRODUCT_SET, {"input": MUG})["data"]["productSet"]["product"]
    variant_id = made["variants"]["nodes"][0]["id"]
    found = ask(sim, CATALOG_NODES, [variant_id, made["id"]])["data"]["nodes"]
    assert found == [
        {"id": variant_id, "sku": "MUG-01", "product": {"id": made["id"]}},
        {"id": made["id"], "title": "Mok"},
    ]


def test_nodes_refuses_more_than_250_ids_as_shopify_does(sim):
    ids = [f"gid://shopify/Order/{5790000000000000001 + 2 * n}" for n in range(251)]
    body = ask(sim, IDS, ids)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert error["message"] == "The input array size of 251 is greater than the maximum allowed of 250."


def test_nodes_refuses_an_id_that_is_not_a_global_id(sim):
    body = ask(sim, ORDERS, ["5790000000000000001"])
    assert body["data"] is None
    assert "Invalid global id" in body["errors"][0]["message"]


def test_nodes_costs_as_many_objects_as_ids_each_priced_at_its_dearest_fragment(sim):
    order = sim.place_order(LINES, CUSTOMER)
    ids = [order["admin_graphql_api_id"], "gid://shopify/Order/5790000000000009999", "gid://shopify/Order/1"]
    cost = ask(sim, ORDERS_OR_FULFILLMENTS, ids)["extensions"]["cost"]
    per_id = 1 + max(2 + 2 * 1, 2 + 10 * 1)
    assert cost["requestedQueryCost"] == 3 * per_id
    assert cost["actualQueryCost"] == 1 + (2 + 1 * 1)
