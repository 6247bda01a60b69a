"""The Shopify simulator's `refunds/create` webhook: sent alone when `orders_updated_on_refund` is off (whether
Shopify also sends `orders/updated` for a refund is unconfirmed), and listed among the app's webhook subscriptions."""

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
LINES = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")),)
SUBSCRIPTIONS = "{ webhookSubscriptions(first: 20) { nodes { topic uri } } }"


def _refund_one_mug(sim: ShopifySimulator, receiver: Receiver) -> tuple[dict[str, Any], list[str]]:
    """The refund made in the admin, and the topics sent after the order's `orders/create`."""
    order = sim.place_order(LINES, CUSTOMER)
    receiver.wait_for(1)
    body = {"line_items": [{"line_item_id": order["line_items"][0]["id"], "quantity": 1, "restock_type": "return"}]}
    made = httpx.post(f"{sim.url}/_sim/orders/{order['id']}/refunds", json=body).json()["refund"]
    sim.wait_for_deliveries(5)
    return made, [received.headers["x-shopify-topic"] for received in receiver.received[1:]]


@pytest.mark.parametrize(
    ("orders_updated", "topics"), [(True, ["refunds/create", "orders/updated"]), (False, ["refunds/create"])]
)
def test_a_refund_sends_orders_updated_besides_refunds_create_unless_switched_off(receiver, orders_updated, topics):
    with ShopifySimulator(
        access_token=TOKEN, webhook_url=receiver.url, retry_delays_s=(0.05,), orders_updated_on_refund=orders_updated
    ) as sim:
        made, sent = _refund_one_mug(sim, receiver)

    assert sorted(sent) == sorted(topics)
    [refund_webhook] = [each for each in receiver.received if each.headers["x-shopify-topic"] == "refunds/create"]
    assert json.loads(refund_webhook.body) == made
    assert isinstance(made["order_id"], int)
    assert isinstance(made["id"], int)


def test_the_switch_can_be_turned_on_a_running_shop(receiver):
    with ShopifySimulator(access_token=TOKEN, webhook_url=receiver.url, retry_delays_s=(0.05,)) as sim:
        sim.shop.orders_updated_on_refund = False
        _made, sent = _refund_one_mug(sim, receiver)

    assert sent == ["refunds/create"]


def test_refunds_create_is_listed_among_the_webhook_subscriptions(receiver):
    with ShopifySimulator(access_token=TOKEN, webhook_url=receiver.url) as sim:
        answer = httpx.post(sim.graphql_url, json={"query": SUBSCRIPTIONS}, headers={"X-Shopify-Access-Token": TOKEN})

    nodes = answer.json()["data"]["webhookSubscriptions"]["nodes"]
    assert {"topic": "REFUNDS_CREATE", "uri": receiver.url} in nodes
