"""ShopifyFulfillments.prepare against the Shopify simulator over real sockets: many orders read in one `nodes`
query, then each first-time notice costs only its fulfillmentCreate; orders too large for the batched pages, a
prepared state used once, and a lost answer retried still leave one fulfillment per shipment."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.shipments.ports import ShipmentNotice
from integrations.shops.shopify.order_states import (
    FULFILLMENT_ORDERS_FIRST,
    LINES_FIRST,
    ORDER_POINTS,
    ORDERS_PER_READ,
)
from localdev.simulators.shopify import ShopifySimulator
from tests.integration.test_shopify_fulfillments import (
    CUSTOMER,
    LINES,
    MUG,
    TEA,
    TOKEN,
    fulfillments,
    notice,
    shipment,
    shipped_skus,
    stored,
)
from tests.support.woocommerce import ShopLine


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture(scope="module")
def shop() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(
        access_token=TOKEN, location_names=("Hoofdmagazijn", "Winkel", "Outlet"), graphql_restore_rate=1_000_000
    ) as simulator:
        yield simulator


@pytest.fixture
def control(shop: ShopifySimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{shop.url}/_sim/", timeout=30) as client:
        yield client
        client.delete("graphql/faults")


def keys(*notices: ShipmentNotice) -> list[WebOrderKey]:
    return [told.key for told in notices]


def stats(control: httpx.Client) -> dict[str, Any]:
    answer: dict[str, Any] = control.get("graphql/stats").json()
    return answer


def whole(order: dict[str, Any]) -> ShipmentNotice:
    return notice(order, shipment(f"S-{order['id']}", {MUG: 3, TEA: 2}, tracking=f"3SK{order['id'] % 10**9}"))


def test_prepared_orders_are_read_in_one_query_and_each_first_notice_costs_only_its_create(shop, control):
    notices = [whole(shop.place_order(LINES, CUSTOMER)) for _ in range(ORDERS_PER_READ)]
    adapter = fulfillments(shop)
    control.post("graphql/stats/reset")
    adapter.prepare(keys(*notices))
    assert all(adapter.tell(told) == "" for told in notices)
    assert stats(control)["calls"] == {"nodes": 1, "fulfillmentCreate": ORDERS_PER_READ}
    for told in notices:
        (made,) = stored(control, {"id": told.key.order_id})["fulfillments"]
        assert shipped_skus(made) == {f"{MUG}-RD": 3, TEA: 2}


def test_the_batched_read_stays_under_shopifys_1000_point_limit_at_its_batch_size(shop, control):
    notices = [whole(shop.place_order(LINES, CUSTOMER)) for _ in range(ORDERS_PER_READ + 1)]
    control.post("graphql/stats/reset")
    fulfillments(shop).prepare(keys(*notices))
    read = stats(control)
    assert read["calls"] == {"nodes": 2}
    assert read["cost"]["requested"] == (ORDERS_PER_READ + 1) * ORDER_POINTS
    assert ORDERS_PER_READ * ORDER_POINTS < 1000


def many_locations(shop: ShopifySimulator, control: httpx.Client) -> tuple[dict[str, Any], dict[str, int]]:
    """An order with more fulfillment orders than the batched page holds (its lines moved to other locations), and
    what ships all of it."""
    order = shop.place_order((*LINES, ShopLine("KAN-3", "Kan", 1, Decimal("20.00"))), CUSTOMER)
    (first,) = stored(control, order)["fulfillmentOrders"]
    number = first["id"].rsplit("/", 1)[1]
    for line, location in zip(first["lineItems"][1:], ("Winkel", "Outlet"), strict=True):
        control.post(f"fulfillment_orders/{number}/move", json={"line_item_ids": [line["id"]], "location": location})
    assert len(stored(control, order)["fulfillmentOrders"]) > FULFILLMENT_ORDERS_FIRST
    return order, {MUG: 3, TEA: 2, "KAN-3": 1}


def many_lines(shop: ShopifySimulator, _control: httpx.Client) -> tuple[dict[str, Any], dict[str, int]]:
    """An order with more lines than the batched page holds, and what ships all of it."""
    lines = [ShopLine(f"{MUG}-{n}", f"Mok {n}", 1, Decimal("12.50")) for n in range(LINES_FIRST + 1)]
    return shop.place_order([*lines, LINES[1]], CUSTOMER), {MUG: LINES_FIRST + 1, TEA: 2}


@pytest.mark.parametrize("large", [many_locations, many_lines])
def test_an_order_larger_than_the_batched_pages_is_read_by_its_tell_and_fulfilled_whole(shop, control, large):
    order, quantities = large(shop, control)
    small = whole(shop.place_order(LINES, CUSTOMER))
    everything = notice(order, shipment("S-L", quantities))
    adapter = fulfillments(shop)
    control.post("graphql/stats/reset")
    adapter.prepare(keys(everything, small))
    assert adapter.tell(everything) == ""
    assert adapter.tell(small) == ""
    calls = stats(control)["calls"]
    assert (calls["nodes"], calls["order"]) == (1, 1)
    assert {fo["status"] for fo in stored(control, order)["fulfillmentOrders"]} == {"CLOSED"}
    assert len(stored(control, {"id": small.key.order_id})["fulfillments"]) == 1


def test_a_prepared_state_is_used_once_and_the_orders_next_shipment_reads_anew(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    first, second = notice(order, shipment("S-1", {MUG: 1})), notice(order, shipment("S-2", {MUG: 2, TEA: 2}))
    adapter = fulfillments(shop)
    control.post("graphql/stats/reset")
    adapter.prepare(keys(first, second))
    assert adapter.tell(first) == ""
    assert adapter.tell(second) == ""
    assert stats(control)["calls"] == {"nodes": 1, "order": 1, "fulfillmentCreate": 2}
    made = stored(control, order)["fulfillments"]
    assert [shipped_skus(f) for f in made] == [{f"{MUG}-RD": 1}, {f"{MUG}-RD": 2, TEA: 2}]


@pytest.mark.parametrize("prepared_again", [False, True])
def test_a_lost_answer_then_a_retry_leaves_one_fulfillment(shop, control, prepared_again):
    order = shop.place_order(LINES, CUSTOMER)
    told = notice(order, shipment("S-1", {MUG: 1}, tracking="3SKOP0101"))
    adapter = fulfillments(shop)
    adapter.prepare(keys(told))
    control.post("graphql/faults", json={"lose_answer_of": {"fulfillmentCreate": 1}})
    with pytest.raises(RetryableError):
        adapter.tell(told)
    if prepared_again:
        adapter.prepare(keys(told))
    control.post("graphql/stats/reset")
    assert adapter.tell(told) == ""
    assert "fulfillmentCreate" not in stats(control)["calls"]
    assert [shipped_skus(f) for f in stored(control, order)["fulfillments"]] == [{f"{MUG}-RD": 1}]


def test_an_order_shopify_does_not_have_is_not_prepared_and_its_tell_says_so(shop, control):
    absent = notice({"id": 5790000000000099999}, shipment("S-9", {MUG: 1}))
    adapter = fulfillments(shop)
    adapter.prepare(keys(absent))
    assert adapter.tell(absent) == "Shopify has no order 5790000000000099999"
