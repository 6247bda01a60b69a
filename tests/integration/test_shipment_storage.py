"""Recorded shipments on Azurite: per web order on ETags, found by tracking number, the pushes due, the list for a
person."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.errors import ConcurrencyConflict
from domain.models import WebOrderKey
from domain.shipments.recorded import UnmatchedShipment, first_version
from integrations.storage.account import StorageAccount
from integrations.storage.shipments import TableShipmentStore
from localdev.azurite import Azurite
from tests.shipment_support import bc_shipment

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """These tests run no local stack (the folder's own `no_faults` would start one)."""


@pytest.fixture
def store(azurite: Azurite) -> TableShipmentStore:
    return TableShipmentStore(StorageAccount(azurite.connection_string))


@pytest.fixture
def order() -> WebOrderKey:
    """A web order of its own per test: the tests share one Azurite."""
    return WebOrderKey(source="woocommerce", shop="shop-a", order_id=uuid.uuid4().hex[:8])


def test_a_shipment_is_written_once_then_only_on_its_etag(store: TableShipmentStore, order: WebOrderKey):
    recorded = first_version(
        order, bc_shipment("S-SHPT1", "S-ORD1", "WEB1", lines=[(10000 + n, f"I{n}", "2") for n in range(300)]), NOW
    )

    etag = store.write(recorded, None)

    with pytest.raises(ConcurrencyConflict):
        store.write(recorded, None)
    assert store.get(order, "S-SHPT1") == (recorded, etag)
    later = recorded.updated(bc_shipment("S-SHPT1", "S-ORD1", "WEB1", minutes=5, tracking="3SKOP1"), NOW)
    assert later is not None
    store.write(later, etag)
    with pytest.raises(ConcurrencyConflict):
        store.write(later, etag)


def test_a_shipment_being_sent_is_written_on_its_etag_and_stays_due_and_found_by_its_tracking_number(
    store: TableShipmentStore, order: WebOrderKey
):
    recorded = first_version(order, bc_shipment("S-SHPT1", "S-ORD1", "WEB1", tracking="3SKOP7"), NOW)
    etag = store.write(recorded, None)

    tried_etag = store.write_trying(recorded.trying(), etag)

    with pytest.raises(ConcurrencyConflict):
        store.write_trying(recorded.trying(), etag)
    assert store.get(order, "S-SHPT1") == (recorded.trying(), tried_etag)
    assert (order, "S-SHPT1") in {(each.key, each.shipment.number) for each, _etag in store.to_push()}
    assert store.order_for("3SKOP7") == order


def test_an_orders_shipments_are_listed_by_posting_date_and_number(store: TableShipmentStore, order: WebOrderKey):
    for number in ("S-SHPT2", "S-SHPT1"):
        store.write(first_version(order, bc_shipment(number, "S-ORD1", "WEB1"), NOW), None)

    assert [each.shipment.number for each in store.for_order(order)] == ["S-SHPT1", "S-SHPT2"]


def test_a_shipment_is_found_by_its_tracking_number_now_and_not_by_one_it_no_longer_has(
    store: TableShipmentStore, order: WebOrderKey
):
    old, new = f"3S/{order.order_id}#A", f"3S/{order.order_id}#B"
    recorded = first_version(order, bc_shipment("S-SHPT1", "S-ORD1", "WEB1", tracking=old), NOW)
    etag = store.write(recorded, None)
    assert store.order_for(old.lower()) == order
    changed = recorded.updated(bc_shipment("S-SHPT1", "S-ORD1", "WEB1", minutes=5, tracking=new), NOW)
    assert changed is not None

    store.write(changed, etag)

    assert store.order_for(old) is None
    assert store.order_for(f" {new} ") == order
    assert store.order_for("") is None


def test_a_shipment_is_to_push_until_its_shop_took_its_latest_version(store: TableShipmentStore, order: WebOrderKey):
    recorded = first_version(order, bc_shipment("S-SHPT1", "S-ORD1", "WEB1"), NOW)
    etag = store.write(recorded, None)
    assert (recorded, etag) in list(store.to_push())

    pushed_etag = store.write(recorded.pushed(1), etag)
    assert [each for each, _ in store.to_push() if each.key == order] == []

    tracked = recorded.pushed(1).updated(bc_shipment("S-SHPT1", "S-ORD1", "WEB1", minutes=5, tracking="T1"), NOW)
    assert tracked is not None
    store.write(tracked, pushed_etag)
    assert [(each.version, each.pushed_version) for each, _ in store.to_push() if each.key == order] == [(2, 1)]


def test_a_push_of_an_older_version_leaves_a_later_one_to_push(store: TableShipmentStore, order: WebOrderKey):
    recorded = first_version(order, bc_shipment("S-SHPT1", "S-ORD1", "WEB1"), NOW)
    etag = store.write(recorded, None)
    tracked = recorded.updated(bc_shipment("S-SHPT1", "S-ORD1", "WEB1", minutes=5, tracking="T1"), NOW)
    assert tracked is not None
    etag = store.write(tracked, etag)

    store.write(tracked.pushed(1), etag)

    assert [each.version for each, _ in store.to_push() if each.key == order] == [2]


def test_a_listed_shipment_is_kept_until_unlisted(store: TableShipmentStore, order: WebOrderKey):
    number = f"S-SHPT-{order.order_id}"
    shipment = bc_shipment(number, "S-ORD9", "WEB1")
    store.list_unmatched(UnmatchedShipment(shipment=shipment, reason="another BC order", listed_at=NOW))

    assert [each.shipment for each in store.unmatched() if each.shipment.number == number] == [shipment]
    store.unlist(number)
    store.unlist(number)
    assert [each for each in store.unmatched() if each.shipment.number == number] == []
