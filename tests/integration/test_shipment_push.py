"""The shipment push on Azurite's `shipments` table, with in-memory shops: each shipment told once, a later tracking
number once more, a refusal kept with the shop's words and no longer due."""

from __future__ import annotations

import uuid

import pytest

from domain.models import WebOrderKey
from domain.shipments.push_shipments import ShipmentPush, push_shipments
from domain.shipments.recorded import RecordedShipment, ShipmentChange, first_version
from integrations.storage.account import StorageAccount
from integrations.storage.shipments import TableShipmentStore
from localdev.azurite import Azurite
from tests.fakes import FixedClock, MemoryAttention, MemoryOrders, MemorySyncRuns, order_in_bc
from tests.shipment_support import bc_shipment
from tests.shop_shipment_support import RecordingShop


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """These tests run no local stack (the folder's own `no_faults` would start one)."""


@pytest.fixture
def order() -> WebOrderKey:
    """A web order of a shop of its own per test: the tests share one Azurite (shipments of other shops are left to
    the push as having no shop to tell)."""
    return WebOrderKey(source="shopify", shop=f"shop-{uuid.uuid4().hex[:8]}", order_id="5001")


def pushing(azurite: Azurite, order: WebOrderKey, shop: RecordingShop) -> ShipmentPush:
    orders = MemoryOrders()
    order_in_bc(orders, order, "WEB5001")
    return ShipmentPush(
        shipments=TableShipmentStore(StorageAccount(azurite.connection_string)),
        shops={(order.source, order.shop): shop},
        orders=orders,
        attention=MemoryAttention(),
        runs=MemorySyncRuns(),
        clock=FixedClock(),
    )


def stored(push: ShipmentPush, order: WebOrderKey) -> RecordedShipment:
    found = push.shipments.get(order, "S-SHPT1")
    assert found is not None
    return found[0]


def due(push: ShipmentPush, order: WebOrderKey) -> list[int]:
    return [recorded.version for recorded, _ in push.shipments.to_push() if recorded.key == order]


def test_a_shipment_and_its_later_tracking_number_are_told_once_each(azurite: Azurite, order: WebOrderKey):
    shop = RecordingShop()
    push = pushing(azurite, order, shop)
    recorded = first_version(order, bc_shipment("S-SHPT1", "S-ORD5001", "WEB5001"), push.clock.now())
    push.shipments.write(recorded, None)

    push_shipments(push)
    push_shipments(push)
    assert (due(push, order), stored(push, order).pushed_version) == ([], 1)
    found = push.shipments.get(order, "S-SHPT1")
    assert found is not None
    tracked = found[0].updated(
        bc_shipment("S-SHPT1", "S-ORD5001", "WEB5001", minutes=30, tracking="3SKOP5001"), push.clock.now()
    )
    assert tracked is not None
    push.shipments.write(tracked, found[1])
    push_shipments(push)
    push_shipments(push)

    assert [(notice.version, notice.changes) for notice in shop.notices] == [
        (1, frozenset({ShipmentChange.POSTED})),
        (2, frozenset({ShipmentChange.TRACKING})),
    ]
    assert (due(push, order), stored(push, order).pushed_version) == ([], 2)


def test_a_refusal_is_stored_with_the_shops_words_and_is_no_longer_due(azurite: Azurite, order: WebOrderKey):
    words = "Invalid fulfillment order line item quantity requested."
    shop = RecordingShop(refusal=words)
    push = pushing(azurite, order, shop)
    push.shipments.write(first_version(order, bc_shipment("S-SHPT1", "S-ORD5001", "WEB5001"), push.clock.now()), None)

    push_shipments(push)
    push_shipments(push)

    assert len(shop.notices) == 1
    assert (stored(push, order).refusal, stored(push, order).refused_version) == (words, 1)
    assert due(push, order) == []
    assert [item.key for item in push.attention.all()] == [order]


def test_a_shop_that_is_down_leaves_its_shipment_due_in_the_table(azurite: Azurite, order: WebOrderKey):
    shop = RecordingShop()
    shop.down = True
    push = pushing(azurite, order, shop)
    push.shipments.write(first_version(order, bc_shipment("S-SHPT1", "S-ORD5001", "WEB5001"), push.clock.now()), None)

    run = push_shipments(push)

    assert due(push, order) == [1]
    assert not run.completed
    shop.down = False
    push_shipments(push)
    assert (due(push, order), len(shop.notices)) == ([], 1)
