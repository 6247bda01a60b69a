"""Recorded carrier events on Azurite: the events to tell read from their own partition, settled once, and what the
shop was told kept when the event is recorded again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.models import WebOrderKey
from domain.shipments.models import RecordedCarrierEvent, ShopTelling
from integrations.storage.account import StorageAccount
from integrations.storage.carrier_events import TableCarrierEvents
from localdev.azurite import Azurite
from tests.shipment_support import delivered

HAPPENED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
ORDER = WebOrderKey(source="shopify", shop="shop-s", order_id="5001")


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """These tests run no local stack (the folder's own `no_faults` would start one)."""


@pytest.fixture
def store(azurite: Azurite) -> TableCarrierEvents:
    return TableCarrierEvents(StorageAccount(azurite.connection_string))


@pytest.fixture
def parcel() -> str:
    """A parcel of its own per test: the tests share one Azurite (and its events to tell)."""
    return uuid.uuid4().hex[:10]


def recorded(parcel: str, event_id: str, order: WebOrderKey | None = ORDER) -> RecordedCarrierEvent:
    event = delivered(parcel, HAPPENED)
    return RecordedCarrierEvent(event_id=event_id, event=event, order=order)


def to_tell(store: TableCarrierEvents, parcel: str) -> list[str]:
    return [each.event_id for each in store.to_tell() if each.event.parcel_id == parcel]


def test_a_matched_event_is_to_tell_until_it_is_settled(store: TableCarrierEvents, parcel: str):
    store.record(recorded(parcel, f"{parcel}-1"))

    assert to_tell(store, parcel) == [f"{parcel}-1"]
    store.settle(recorded(parcel, f"{parcel}-1").told())

    assert to_tell(store, parcel) == []
    [kept] = store.for_parcel("sendcloud", "main", parcel)
    assert kept.shop_telling is ShopTelling.TOLD
    assert [each.shop_telling for each in store.for_order(ORDER) if each.event.parcel_id == parcel] == [
        ShopTelling.TOLD
    ]


def test_an_event_recorded_again_keeps_what_its_shop_was_told(store: TableCarrierEvents, parcel: str):
    store.record(recorded(parcel, f"{parcel}-1"))
    store.settle(recorded(parcel, f"{parcel}-1").refused("Fulfillment does not exist."))

    store.record(recorded(parcel, f"{parcel}-1"))

    assert to_tell(store, parcel) == []
    [kept] = store.for_parcel("sendcloud", "main", parcel)
    assert (kept.shop_telling, kept.shop_words) == (ShopTelling.REFUSED, "Fulfillment does not exist.")


def test_an_unmatched_event_is_to_tell_once_matched(store: TableCarrierEvents, parcel: str):
    store.record(recorded(parcel, f"{parcel}-1", order=None))
    assert to_tell(store, parcel) == []

    store.record(recorded(parcel, f"{parcel}-1", order=None).matched(ORDER))

    assert to_tell(store, parcel) == [f"{parcel}-1"]
