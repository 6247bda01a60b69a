"""The Shopify simulator's refunds made by the merchant in the admin, and `refundCreate` with line items: the REST
order's `refunds`, the lines taken off the order, what it still owes, and the `refunds/create` and `orders/updated`
webhooks."""

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from localdev.simulators.shopify import ShopifySimulator
from tests.simulators.shop_support import Receiver
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_test"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
LINES = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 1, Decimal("4.99")))
REFUND_CREATE = """
mutation R($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { field message } } }"""


@pytest.fixture
def sim(receiver: Receiver):
    with ShopifySimulator(access_token=TOKEN, webhook_url=receiver.url, retry_delays_s=(0.05,)) as running:
        yield running


def _rest_order(sim: ShopifySimulator, order_id: int) -> dict[str, Any]:
    answer = httpx.get(f"{sim.api_base}/orders/{order_id}.json", headers={"X-Shopify-Access-Token": TOKEN})
    order: dict[str, Any] = answer.json()["order"]
    return order


def test_an_admin_refund_is_listed_on_the_order_takes_its_lines_off_and_is_notified(sim, receiver):
    order = sim.place_order(LINES, CUSTOMER)
    mug = order["line_items"][0]["id"]
    body = {
        "line_items": [{"line_item_id": mug, "quantity": 1, "restock_type": "return"}],
        "shipping": {"amount": "4.95"},
    }

    made = httpx.post(f"{sim.url}/_sim/orders/{order['id']}/refunds", json=body).json()["refund"]
    sim.wait_for_deliveries(5)

    rest = _rest_order(sim, order["id"])
    assert [refund["id"] for refund in rest["refunds"]] == [made["id"]]
    assert [(t["kind"], t["status"], t["gateway"], t["amount"]) for t in made["transactions"]] == [
        ("refund", "success", "mollie", "17.45")
    ]
    assert [(line["line_item_id"], line["quantity"], line["subtotal"]) for line in made["refund_line_items"]] == [
        (mug, 1, 12.5)
    ]
    assert [line["current_quantity"] for line in rest["line_items"]] == [1, 1]
    assert (rest["financial_status"], rest["current_total_price"], rest["total_outstanding"]) == (
        "partially_refunded",
        "17.49",
        "0.00",
    )
    delivered = {d.headers["x-shopify-topic"]: json.loads(d.body) for d in receiver.wait_for(3)}
    assert delivered["refunds/create"] == made
    assert delivered["orders/updated"]["refunds"] == [made]


def test_an_admin_refund_of_more_than_is_left_is_refused_and_changes_nothing(sim):
    order = sim.place_order(LINES, CUSTOMER)
    tea = order["line_items"][1]["id"]

    answer = httpx.post(
        f"{sim.url}/_sim/orders/{order['id']}/refunds", json={"line_items": [{"line_item_id": tea, "quantity": 2}]}
    )

    assert answer.status_code == 422
    assert _rest_order(sim, order["id"])["refunds"] == []


def test_refund_create_with_line_items_takes_them_off_and_moves_no_money_without_transactions(sim):
    order = sim.place_order(LINES, CUSTOMER)
    line = {"lineItemId": f"gid://shopify/LineItem/{order['line_items'][1]['id']}", "quantity": 1}
    refund_input = {"orderId": f"gid://shopify/Order/{order['id']}", "refundLineItems": [line]}

    answer = httpx.post(
        sim.graphql_url,
        json={"query": REFUND_CREATE, "variables": {"input": refund_input}},
        headers={"X-Shopify-Access-Token": TOKEN},
    ).json()["data"]["refundCreate"]

    rest = _rest_order(sim, order["id"])
    assert answer["userErrors"] == []
    assert [line["current_quantity"] for line in rest["line_items"]] == [2, 0]
    assert (rest["financial_status"], rest["refunds"][0]["transactions"]) == ("paid", [])
