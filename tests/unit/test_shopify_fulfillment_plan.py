"""Which Shopify lines and fulfillments a BC shipment is: SKUs read back to item numbers, fulfillments that already
stand for it, and the lines per location that take the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.shipments.models import Shipment, ShippedLine
from integrations.shops.shopify.fulfillment_plan import (
    NotPlaced,
    ShopFulfillment,
    by_location,
    item_of,
    standing_for,
    still_to_fulfil,
    whole_quantities,
)
from integrations.shops.shopify.fulfillments import tracking_input


def shipment(*lines: tuple[str, str], tracking: str = "", agent: str = "", url: str = "") -> Shipment:
    return Shipment(
        number="S-1",
        order_number="SO-1",
        external_document_number="1001",
        posting_date=date(2026, 12, 7),
        lines=tuple(
            ShippedLine(sequence=n, item_number=item, description=item, quantity=Decimal(quantity))
            for n, (item, quantity) in enumerate(lines)
        ),
        shipping_agent=agent,
        tracking_number=tracking,
        tracking_url=url,
        changed_at=datetime(2026, 12, 7, tzinfo=UTC),
    )


def fulfillment(id_: str, *skus: tuple[str, int], numbers: tuple[str, ...] = ()) -> ShopFulfillment:
    return ShopFulfillment(id=id_, numbers=frozenset(numbers), skus=skus)


def fulfillment_order(id_: str, location: str, *lines: tuple[str, str, int], status: str = "OPEN") -> dict[str, Any]:
    nodes = [
        {"id": line_id, "sku": sku, "remainingQuantity": left, "lineItem": {"sku": sku}} for line_id, sku, left in lines
    ]
    return {
        "id": id_,
        "status": status,
        "assignedLocation": {"location": {"id": location}},
        "lineItems": {"nodes": nodes},
    }


def test_a_sku_is_its_item_or_a_variant_of_it_whatever_the_capitals():
    items = ["KOF-1001", "THEE"]
    assert item_of("kof-1001", items) == "KOF-1001"
    assert item_of("KOF-1001-RD", items) == "KOF-1001"
    assert item_of("THEE-GROEN", items) == "THEE"
    assert item_of("KOF-1002", items) is None
    assert item_of(None, items) is None


def test_undone_lines_are_netted_and_fractions_refused():
    assert whole_quantities(shipment(("A", "3"), ("A", "-1"), ("B", "0"))) == {"A": 2}
    with pytest.raises(NotPlaced, match=r"1\.5 of A"):
        whole_quantities(shipment(("A", "1.5")))


def test_a_tracked_shipment_is_recognised_by_its_number_however_it_was_typed():
    shipped = shipment(("A", "1"), tracking="3s kop 01")
    found = [fulfillment("F1", ("A", 1), numbers=("OTHER",)), fulfillment("F2", ("A", 1), numbers=("3SKOP01",))]
    assert [f.id for f in standing_for(shipped, {"A": 1}, found)] == ["F2"]


def test_an_untracked_shipment_is_recognised_only_by_exactly_its_quantities():
    shipped = shipment(("A", "1"), ("B", "2"))
    quantities = {"A": 1, "B": 2}
    partial = fulfillment("F1", ("A", 1))
    assert standing_for(shipped, quantities, [partial]) == []
    split = [partial, fulfillment("F2", ("B", 2))]
    assert [f.id for f in standing_for(shipped, quantities, split)] == ["F1", "F2"]
    tracked = fulfillment("F3", ("A", 1), ("B", 2), numbers=("X",))
    assert standing_for(shipped, quantities, [tracked]) == []


def test_what_a_standing_fulfillment_holds_is_not_fulfilled_again():
    assert still_to_fulfil({"A": 3, "B": 1}, [fulfillment("F1", ("A-RD", 2))]) == {"A": 1, "B": 1}


def test_lines_are_taken_per_location_from_open_fulfillment_orders_only():
    orders = [
        fulfillment_order("FO1", "L1", ("l1", "A-RD", 1), ("l2", "B", 5)),
        fulfillment_order("FO2", "L1", ("l3", "A-BL", 4), status="ON_HOLD"),
        fulfillment_order("FO3", "L2", ("l4", "A-BL", 4)),
    ]
    assert by_location({"A": 3, "B": 2}, orders) == [
        [
            {
                "fulfillmentOrderId": "FO1",
                "fulfillmentOrderLineItems": [{"id": "l1", "quantity": 1}, {"id": "l2", "quantity": 2}],
            }
        ],
        [{"fulfillmentOrderId": "FO3", "fulfillmentOrderLineItems": [{"id": "l4", "quantity": 2}]}],
    ]
    with pytest.raises(NotPlaced, match="1 of B"):
        by_location({"B": 6}, orders)


def test_tracking_sends_a_url_only_with_a_number_and_maps_the_agent():
    carriers = {"POSTNL": "PostNL"}
    assert tracking_input(shipment(tracking="3S1", agent="postnl", url="https://t/3S1"), carriers) == {
        "company": "PostNL",
        "number": "3S1",
        "url": "https://t/3S1",
    }
    assert tracking_input(shipment(agent="EIGEN", url="https://t/"), carriers) == {"company": "EIGEN"}
    assert tracking_input(shipment(), carriers) == {}


def test_a_fulfillment_carries_tracking_when_number_company_and_given_url_match():
    made = ShopFulfillment(
        id="F1", numbers=frozenset({"3S1"}), skus=(), tracking=(("PostNL", "3s 1", "https://postnl/3S1"),)
    )
    assert made.carries({"company": "PostNL", "number": "3S1"})
    assert not made.carries({"company": "DHL Parcel", "number": "3S1"})
    assert not made.carries({"company": "PostNL", "number": "3S1", "url": "https://other/3S1"})
    assert not made.carries({})
    assert ShopFulfillment(id="F2", numbers=frozenset(), skus=()).carries({})
