"""Carrier events told to the Shopify simulator by ShopifyFulfillmentEvents over real sockets: one fulfillment event
on the fulfillment carrying the tracking number, a lost answer not doubled, Shopify's refusals in words; no local
stack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.shipments.models import CarrierEvent, CarrierPhase
from domain.shipments.ports import CarrierEventNotice
from domain.shipments.shop_event_status import ShopEventStatus
from integrations.settings import SHOPIFY_DEFAULT_VERSION
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.fulfillment_events import CREATE_EVENT, ShopifyFulfillmentEvents
from localdev.simulators.shopify import ShopifySimulator
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_koppel_events"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
LINES = (ShopLine("KOF-1001", "Mok", 3, Decimal("12.50")),)
HAPPENED = datetime(2026, 12, 7, 9, 30, 15, 250_000, tzinfo=UTC)
CREATE = """
mutation Made($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id } userErrors { message } }
}"""
FULFILLMENT_ORDERS = "query Fo($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id } } } }"


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture(scope="module")
def shop() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN, graphql_restore_rate=1_000_000) as simulator:
        yield simulator


@pytest.fixture
def control(shop: ShopifySimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{shop.url}/_sim/", timeout=30) as client:
        yield client
        client.delete("graphql/faults")


@pytest.fixture
def client(shop: ShopifySimulator) -> Iterator[ShopifyClient]:
    with httpx.Client(timeout=30) as http:
        yield ShopifyClient(http, shop.url, SHOPIFY_DEFAULT_VERSION, StaticToken(TOKEN), sleep=lambda _s: None)


def fulfilled(shop: ShopifySimulator, client: ShopifyClient, tracking: str) -> dict[str, Any]:
    """An order placed and fulfilled whole with this tracking number."""
    order = shop.place_order(LINES, CUSTOMER)
    found = client.graphql(FULFILLMENT_ORDERS, {"id": f"gid://shopify/Order/{order['id']}"})
    groups = [{"fulfillmentOrderId": node["id"]} for node in found["order"]["fulfillmentOrders"]["nodes"]]
    made = client.graphql(
        CREATE, {"fulfillment": {"lineItemsByFulfillmentOrder": groups, "trackingInfo": {"number": tracking}}}
    )
    assert made["fulfillmentCreate"]["userErrors"] == []
    return order


def notice(order: dict[str, Any], tracking: str, status: ShopEventStatus, minutes: int = 0) -> CarrierEventNotice:
    event = CarrierEvent(
        platform="sendcloud",
        account="main",
        parcel_id="77",
        status_id=92,
        status_message="Driver en route",
        phase=CarrierPhase.OUT_FOR_DELIVERY,
        happened_at=HAPPENED + timedelta(minutes=minutes),
        tracking_number=tracking,
        expected_delivery=date(2026, 12, 8),
    )
    key = WebOrderKey(source="shopify", shop="demo", order_id=str(order["id"]))
    return CarrierEventNotice(key=key, event=event, status=status)


def events(control: httpx.Client, order: dict[str, Any]) -> list[dict[str, Any]]:
    [fulfillment] = control.get(f"orders/{order['id']}/fulfillments").json()["fulfillments"]
    found: list[dict[str, Any]] = fulfillment["events"]
    return found


def test_an_event_is_made_on_the_fulfillment_carrying_its_tracking_number(shop, control, client):
    order = fulfilled(shop, client, "3SKOP0001")

    words = ShopifyFulfillmentEvents(client).tell(notice(order, "3s kop 0001", ShopEventStatus.OUT_FOR_DELIVERY))

    [made] = events(control, order)
    assert words == ""
    assert (made["status"], made["happenedAt"], made["estimatedDeliveryAt"], made["message"]) == (
        "OUT_FOR_DELIVERY",
        "2026-12-07T09:30:15Z",
        "2026-12-08T12:00:00Z",
        "Driver en route",
    )


def test_a_lost_answer_then_a_retry_leaves_one_event(shop, control, client):
    order = fulfilled(shop, client, "3SKOP0002")
    adapter = ShopifyFulfillmentEvents(client)
    control.post("graphql/faults", json={"lose_answer_of": {"fulfillmentEventCreate": 1}})

    with pytest.raises(RetryableError):
        adapter.tell(notice(order, "3SKOP0002", ShopEventStatus.DELIVERED))
    assert adapter.tell(notice(order, "3SKOP0002", ShopEventStatus.DELIVERED)) == ""

    assert [made["status"] for made in events(control, order)] == ["DELIVERED"]


def test_events_of_one_status_at_other_times_are_each_made(shop, control, client):
    order = fulfilled(shop, client, "3SKOP0003")
    adapter = ShopifyFulfillmentEvents(client)

    adapter.tell(notice(order, "3SKOP0003", ShopEventStatus.IN_TRANSIT))
    adapter.tell(notice(order, "3SKOP0003", ShopEventStatus.IN_TRANSIT, minutes=90))

    assert [made["happenedAt"] for made in events(control, order)] == ["2026-12-07T09:30:15Z", "2026-12-07T11:00:15Z"]


def test_an_order_without_a_fulfillment_carrying_the_number_is_refused_in_words(shop, control, client):
    order = fulfilled(shop, client, "3SKOP0004")

    words = ShopifyFulfillmentEvents(client).tell(notice(order, "JVGL0009", ShopEventStatus.IN_TRANSIT))

    assert words == f"Shopify's order {order['id']} has no fulfillment with tracking number JVGL0009"
    assert events(control, order) == []


def test_an_order_shopify_does_not_have_is_refused_in_words(client):
    missing = {"id": 999999999}

    words = ShopifyFulfillmentEvents(client).tell(notice(missing, "3SKOP0005", ShopEventStatus.IN_TRANSIT))

    assert words == "Shopify has no order 999999999"


def test_the_simulator_refuses_an_expected_delivery_without_a_time_and_zone(shop, control, client):
    order = fulfilled(shop, client, "3SKOP0006")
    [fulfillment] = control.get(f"orders/{order['id']}/fulfillments").json()["fulfillments"]
    given = {"fulfillmentId": fulfillment["id"], "status": "IN_TRANSIT", "estimatedDeliveryAt": "2026-12-08"}

    answer = client.graphql(CREATE_EVENT, {"event": given})["fulfillmentEventCreate"]

    assert [error["field"] for error in answer["userErrors"]] == [["fulfillmentEvent", "estimatedDeliveryAt"]]
    assert events(control, order) == []
