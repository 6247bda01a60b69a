"""BC shipments told to the Shopify simulator by ShopifyFulfillments over real sockets: one fulfillment per shipment
with tracking, partial shipments, tracking known later, a lost answer, and Shopify's refusals; no local stack."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.shipments.models import Shipment, ShippedLine
from domain.shipments.ports import ShipmentNotice
from domain.shipments.recorded import ShipmentChange
from integrations.settings import SHOPIFY_DEFAULT_VERSION
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.fulfillments import ShopifyFulfillments, carrier_names
from localdev.simulators.shopify import ShopifySimulator
from localdev.simulators.shopify.fulfillments import QUANTITY_TOO_HIGH
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_koppel_fulfil"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
CARRIERS = carrier_names("POSTNL=PostNL, DHL=DHL Parcel")
MUG, TEA = "KOF-1001", "THEE-7"
LINES = (ShopLine(f"{MUG}-RD", "Mok rood", 3, Decimal("12.50")), ShopLine(TEA, "Thee", 2, Decimal("4.99")))
POSTNL_URL = "https://jouw.postnl.nl/track-and-trace/{}"


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture(scope="module")
def shop() -> Iterator[ShopifySimulator]:
    """A bucket that refills at once: the adapter's calls here never wait (the client sleeps for nothing)."""
    with ShopifySimulator(
        access_token=TOKEN, location_names=("Hoofdmagazijn", "Winkel"), graphql_restore_rate=1_000_000
    ) as simulator:
        yield simulator


@pytest.fixture
def control(shop: ShopifySimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{shop.url}/_sim/", timeout=30) as client:
        yield client
        client.delete("graphql/faults")


def fulfillments(shop: ShopifySimulator, before_create: Callable[[], None] | None = None) -> ShopifyFulfillments:
    """The adapter over its own HTTP client; `before_create` runs as a fulfillmentCreate leaves (a merchant's race)."""

    def hook(request: httpx.Request) -> None:
        if before_create is not None and b"fulfillmentCreate" in request.content:
            before_create()

    http = httpx.Client(timeout=30, event_hooks={"request": [hook]})
    client = ShopifyClient(http, shop.url, SHOPIFY_DEFAULT_VERSION, StaticToken(TOKEN), sleep=lambda _s: None)
    return ShopifyFulfillments(client, CARRIERS)


def shipment(number: str, quantities: dict[str, int], tracking: str = "", agent: str = "POSTNL") -> Shipment:
    lines = tuple(
        ShippedLine(sequence=10000 * (n + 1), item_number=item, description=item, quantity=Decimal(quantity))
        for n, (item, quantity) in enumerate(quantities.items())
    )
    return Shipment(
        number=number,
        order_number="SO-1",
        external_document_number="1001",
        posting_date=date(2026, 12, 7),
        lines=lines,
        shipping_agent=agent,
        tracking_number=tracking,
        tracking_url=POSTNL_URL.format(tracking) if tracking else "",
        changed_at=datetime(2026, 12, 7, 10, tzinfo=UTC),
    )


def notice(order: dict[str, Any], shipped: Shipment, *changes: ShipmentChange, told_alike: int = 0) -> ShipmentNotice:
    return ShipmentNotice(
        key=WebOrderKey(source="shopify", shop="demo", order_id=str(order["id"])),
        shipment=shipped,
        version=len(changes) or 1,
        changes=frozenset(changes or (ShipmentChange.POSTED,)),
        order_fully_shipped=False,
        told_alike=told_alike,
    )


def stored(control: httpx.Client, order: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = control.get(f"orders/{order['id']}/fulfillments").json()
    return answer


def shipped_skus(fulfillment: dict[str, Any]) -> dict[str, int]:
    return {line["sku"]: line["quantity"] for line in fulfillment["lineItems"]}


def test_a_full_shipment_is_one_fulfillment_with_tracking_and_the_customer_notified(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    full = shipment("S-1", {MUG: 3, TEA: 2}, tracking="3SKOP0001")
    assert fulfillments(shop).tell(notice(order, full)) == ""
    state = stored(control, order)
    (made,) = state["fulfillments"]
    assert shipped_skus(made) == {f"{MUG}-RD": 3, TEA: 2}
    assert made["trackingInfo"] == [{"company": "PostNL", "number": "3SKOP0001", "url": POSTNL_URL.format("3SKOP0001")}]
    assert made["notifyCustomer"] is True
    assert [fo["status"] for fo in state["fulfillmentOrders"]] == ["CLOSED"]


def test_two_partial_shipments_are_two_fulfillments_of_what_each_shipped(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    assert adapter.tell(notice(order, shipment("S-1", {MUG: 1, TEA: 2}, tracking="3SKOP0002"))) == ""
    assert adapter.tell(notice(order, shipment("S-2", {MUG: 2}, tracking="3SKOP0003"))) == ""
    made = stored(control, order)["fulfillments"]
    assert [shipped_skus(f) for f in made] == [{f"{MUG}-RD": 1, TEA: 2}, {f"{MUG}-RD": 2}]
    assert [f["trackingInfo"][0]["number"] for f in made] == ["3SKOP0002", "3SKOP0003"]


def test_tracking_known_later_is_one_update_of_the_fulfillment_not_a_second_one(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    assert adapter.tell(notice(order, shipment("S-1", {MUG: 3, TEA: 2}, agent=""))) == ""
    assert stored(control, order)["fulfillments"][0]["trackingInfo"] == []
    control.post("graphql/stats/reset")
    tracked = shipment("S-1", {MUG: 3, TEA: 2}, tracking="JVGL0001", agent="DHL")
    assert adapter.tell(notice(order, tracked, ShipmentChange.TRACKING)) == ""
    assert adapter.tell(notice(order, tracked, ShipmentChange.TRACKING)) == ""
    (made,) = stored(control, order)["fulfillments"]
    assert made["trackingInfo"] == [
        {"company": "DHL Parcel", "number": "JVGL0001", "url": POSTNL_URL.format("JVGL0001")}
    ]
    calls = control.get("graphql/stats").json()["calls"]
    assert calls.get("fulfillmentTrackingInfoUpdate") == 1
    assert "fulfillmentCreate" not in calls


@pytest.mark.parametrize("tracking", ["3SKOP0004", ""])
def test_a_lost_answer_then_a_retry_leaves_one_fulfillment(shop, control, tracking):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    first = shipment("S-1", {MUG: 1}, tracking=tracking)
    control.post("graphql/faults", json={"lose_answer_of": {"fulfillmentCreate": 1}})
    with pytest.raises(RetryableError):
        adapter.tell(notice(order, first))
    assert adapter.tell(notice(order, first)) == ""
    assert [shipped_skus(f) for f in stored(control, order)["fulfillments"]] == [{f"{MUG}-RD": 1}]
    assert adapter.tell(notice(order, shipment("S-2", {MUG: 2, TEA: 2}, tracking=tracking and "3SKOP0005"))) == ""
    assert len(stored(control, order)["fulfillments"]) == 2


def test_two_untracked_shipments_of_the_same_items_are_two_fulfillments_and_a_retry_of_the_second_adds_none(
    shop, control
):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    assert adapter.tell(notice(order, shipment("S-1", {MUG: 1}))) == ""
    assert adapter.tell(notice(order, shipment("S-2", {MUG: 1}), told_alike=1)) == ""
    assert adapter.tell(notice(order, shipment("S-2", {MUG: 1}), told_alike=1)) == ""
    assert [shipped_skus(f) for f in stored(control, order)["fulfillments"]] == [{f"{MUG}-RD": 1}, {f"{MUG}-RD": 1}]


def test_lines_at_two_locations_are_fulfilled_per_location(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    (first,) = stored(control, order)["fulfillmentOrders"]
    tea = next(line["id"] for line in first["lineItems"] if line["sku"] == TEA)
    number = first["id"].rsplit("/", 1)[1]
    assert control.post(
        f"fulfillment_orders/{number}/move", json={"line_item_ids": [tea], "location": "Winkel"}
    ).is_success
    assert fulfillments(shop).tell(notice(order, shipment("S-1", {MUG: 3, TEA: 2}, tracking="3SKOP0006"))) == ""
    made = stored(control, order)["fulfillments"]
    assert sorted(json.dumps(shipped_skus(f)) for f in made) == sorted(
        [json.dumps({f"{MUG}-RD": 3}), json.dumps({TEA: 2})]
    )


def test_a_line_moved_away_meanwhile_is_refused_in_shopifys_words(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    (first,) = stored(control, order)["fulfillmentOrders"]
    mug = next(line["id"] for line in first["lineItems"] if line["sku"] == f"{MUG}-RD")
    number = first["id"].rsplit("/", 1)[1]

    def merchant_moves_the_line() -> None:
        control.post(f"fulfillment_orders/{number}/move", json={"line_item_ids": [mug], "location": "Winkel"})

    words = fulfillments(shop, merchant_moves_the_line).tell(notice(order, shipment("S-1", {MUG: 1})))
    assert words == f"Fulfillment order line item {mug} does not belong to fulfillment order {first['id']}."
    assert stored(control, order)["fulfillments"] == []


def test_a_quantity_fulfilled_meanwhile_is_refused_in_shopifys_words(shop, control):
    order = shop.place_order(LINES, CUSTOMER)

    def merchant_fulfils_the_tea() -> None:
        fulfillments(shop).tell(notice(order, shipment("MANUAL", {TEA: 2})))

    words = fulfillments(shop, merchant_fulfils_the_tea).tell(notice(order, shipment("S-1", {TEA: 1})))
    assert words == QUANTITY_TOO_HIGH


def test_more_than_the_order_holds_is_refused_without_a_call(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    control.post("graphql/stats/reset")
    words = fulfillments(shop).tell(notice(order, shipment("S-1", {MUG: 4, "ANDERS": 1})))
    assert "1 of ANDERS" in words
    assert "4 of KOF-1001" not in words
    assert "fulfillmentCreate" not in control.get("graphql/stats").json()["calls"]


def test_an_agent_without_a_carrier_name_is_sent_as_its_code(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    assert fulfillments(shop).tell(notice(order, shipment("S-1", {TEA: 2}, tracking="X1", agent="EIGEN"))) == ""
    assert stored(control, order)["fulfillments"][0]["trackingInfo"][0]["company"] == "EIGEN"


def test_carrier_names_refuse_an_entry_without_a_name():
    assert carrier_names(" postnl = PostNL ,,DPD=DPD") == {"POSTNL": "PostNL", "DPD": "DPD"}
    with pytest.raises(ValueError, match="'DHL'"):
        carrier_names("POSTNL=PostNL,DHL")


def test_a_shop_failing_is_retryable_and_a_throttled_call_is_sent_again(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    control.post("graphql/faults", json={"fail_next": 1, "fail_status": 503})
    with pytest.raises(RetryableError):
        adapter.tell(notice(order, shipment("S-1", {TEA: 2})))
    control.post("graphql/faults", json={"throttle_next": 2})
    assert adapter.tell(notice(order, shipment("S-1", {TEA: 2}))) == ""
    assert len(stored(control, order)["fulfillments"]) == 1


def test_a_changed_shipping_agent_with_the_same_number_is_updated_once(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    assert adapter.tell(notice(order, shipment("S-1", {TEA: 2}, tracking="JVGL0002", agent="POSTNL"))) == ""
    control.post("graphql/stats/reset")
    changed = shipment("S-1", {TEA: 2}, tracking="JVGL0002", agent="DHL")
    assert adapter.tell(notice(order, changed, ShipmentChange.TRACKING)) == ""
    assert adapter.tell(notice(order, changed, ShipmentChange.TRACKING)) == ""
    assert stored(control, order)["fulfillments"][0]["trackingInfo"][0]["company"] == "DHL Parcel"
    assert control.get("graphql/stats").json()["calls"].get("fulfillmentTrackingInfoUpdate") == 1


def test_quantities_changed_after_shopify_was_told_are_left_to_a_person(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    assert adapter.tell(notice(order, shipment("S-1", {TEA: 2}))) == ""
    words = adapter.tell(notice(order, shipment("S-1", {TEA: 1}), ShipmentChange.LINES, ShipmentChange.TRACKING))
    assert "keeps a fulfillment's quantities" in words
    assert [shipped_skus(f) for f in stored(control, order)["fulfillments"]] == [{TEA: 2}]


def test_a_shipment_told_untracked_and_then_told_again_with_its_number_is_not_fulfilled_twice(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    adapter = fulfillments(shop)
    assert adapter.tell(notice(order, shipment("S-1", {MUG: 1}))) == ""
    tracked = shipment("S-1", {MUG: 1}, tracking="3SKOP0007")
    assert adapter.tell(notice(order, tracked, ShipmentChange.POSTED, ShipmentChange.TRACKING)) == ""
    (made,) = stored(control, order)["fulfillments"]
    assert made["trackingInfo"][0]["number"] == "3SKOP0007"


def test_every_page_of_a_large_order_is_read_before_deciding(shop, control):
    many = [ShopLine(f"ART-{n:02}", f"Artikel {n}", 1, Decimal("1.00")) for n in range(40)]
    order = shop.place_order(many, CUSTOMER)
    (first,) = stored(control, order)["fulfillmentOrders"]
    number = first["id"].rsplit("/", 1)[1]
    for line in first["lineItems"][:6]:
        control.post(f"fulfillment_orders/{number}/move", json={"line_item_ids": [line["id"]], "location": "Winkel"})
    everything = shipment("S-1", {f"ART-{n:02}": 1 for n in range(40)})
    adapter = fulfillments(shop)
    control.post("graphql/faults", json={"lose_answer_of": {"fulfillmentCreate": 1}})
    with pytest.raises(RetryableError):
        adapter.tell(notice(order, everything))
    control.post("graphql/stats/reset")
    assert adapter.tell(notice(order, everything)) == ""
    calls = control.get("graphql/stats").json()["calls"]
    assert calls["fulfillmentOrder"] == 1
    assert calls["fulfillment"] == 1
    assert calls["fulfillmentCreate"] == 1
    state = stored(control, order)
    assert len(state["fulfillmentOrders"]) == 7
    assert {fo["status"] for fo in state["fulfillmentOrders"]} == {"CLOSED"}
    assert sorted(len(f["lineItems"]) for f in state["fulfillments"]) == [6, 34]
