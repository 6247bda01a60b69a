"""The WooCommerce shipment adapter with `prepare` and first-told notices, against the simulator over HTTP: the
orders' statuses read in one list call per hundred orders and used once, the notes not read for a shipment the shop
never heard of, and a notice sent again after a lost answer still adding nothing twice. Calls are counted by the
simulator's route statistics."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from domain.errors import RetryableError
from domain.shipments.models import Shipment
from domain.shipments.ports import ShipmentNotice
from domain.shipments.recorded import ShipmentChange
from integrations.shops.woocommerce.shipments import WooCommerceShipments, WooShipmentSettings
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.integration.test_woocommerce_shipments import KEY, POSTED, POSTNL, TRACKING, _notes, _shipment, _shop, _site
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

NOTES = "POST /orders/{order_id}/notes"
STATUS = "PUT /orders/{order_id}"
LIST = "GET /orders"
TRACKINGS_ROUTE = "/wp-json/wc-shipment-tracking/v3/orders/{order_id}/shipment-trackings"


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator() as running:
        running.place_order(_order(1001))
        yield running


def _order(order_id: int) -> ShopOrder:
    customer = ShopCustomer("Anna", "de Vries", "anna@example.nl", postcode="3511 AA")
    return ShopOrder(order_id, customer, (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")),))


def _first(
    shipment: Shipment, changes: frozenset[ShipmentChange] = POSTED, whole: bool = True, order_id: str = "1001"
) -> ShipmentNotice:
    """A notice Koppel knows it never sent."""
    key = KEY.model_copy(update={"order_id": order_id})
    return ShipmentNotice(
        key=key, shipment=shipment, version=1, changes=changes, order_fully_shipped=whole, may_be_told=False
    )


def _calls(woo: WooCommerceSimulator) -> dict[str, int]:
    return dict(woo.site.stats.by_route)


def _told(woo: WooCommerceSimulator, shop: WooCommerceShipments, notice: ShipmentNotice) -> dict[str, int]:
    """The shop's calls for `notice`, prepared first."""
    woo.site.stats.reset()
    shop.prepare([notice.key])
    assert shop.tell(notice) == ""
    return _calls(woo)


def test_a_whole_order_shipped_with_tracking_prepared_and_first_told_is_one_note_and_one_status_write(
    woo: WooCommerceSimulator,
):
    calls = _told(woo, _shop(woo), _first(_shipment("3SABC123")))

    assert calls == {LIST: 1, NOTES: 1, STATUS: 1}
    assert [email.kind for email in woo.emails] == ["customer_note", "customer_completed_order"]


def test_a_partial_shipment_first_told_is_its_customer_note_alone(woo: WooCommerceSimulator):
    calls = _told(woo, _shop(woo), _first(_shipment("3SABC123"), whole=False))

    assert calls == {LIST: 1, NOTES: 1}
    assert len(_notes(woo, "customer")) == 1


def test_a_whole_order_without_tracking_prepared_is_one_status_write(woo: WooCommerceSimulator):
    calls = _told(woo, _shop(woo), _first(_shipment()))

    assert calls == {LIST: 1, STATUS: 1}
    assert [email.kind for email in woo.emails] == ["customer_completed_order"]


def test_with_the_extension_a_first_told_shipment_reads_the_trackings_but_not_the_notes(woo: WooCommerceSimulator):
    woo.install_shipment_tracking()

    calls = _told(woo, _shop(woo, POSTNL), _first(_shipment("3SABC123")))

    assert calls == {LIST: 1, f"GET {TRACKINGS_ROUTE}": 1, f"POST {TRACKINGS_ROUTE}": 1, NOTES: 1, STATUS: 1}
    assert [(email.kind, email.tracking_numbers) for email in woo.emails] == [
        ("customer_completed_order", ("3SABC123",))
    ]


def test_a_later_change_of_carrier_with_the_same_number_still_reads_the_notes_and_adds_no_second_note(
    woo: WooCommerceSimulator,
):
    shop = _shop(woo)
    shop.tell(_first(_shipment("3SABC123")))

    calls = _told(woo, shop, _first(_shipment("3SABC123", agent="DHL"), TRACKING))

    assert calls == {LIST: 1, "GET /orders/{order_id}/notes": 1}
    assert len(_notes(woo, "customer")) == 1


def test_a_notice_sent_again_after_its_answer_was_lost_adds_no_second_note(woo: WooCommerceSimulator):
    shop = _shop(woo)
    with _site(woo) as site:
        site.post("/_sim/faults/fulfilment", json={"faults": [{"route": "notes", "status": 500, "after_commit": True}]})
    shop.prepare([KEY])
    with pytest.raises(RetryableError):
        shop.tell(_first(_shipment("3SABC123")))

    shop.prepare([KEY])
    again = shop.tell(_first(_shipment("3SABC123")).model_copy(update={"may_be_told": True}))

    assert again == ""
    assert len(_notes(woo, "customer")) == 1
    assert [email.kind for email in woo.emails] == ["customer_note", "customer_completed_order"]


def test_a_prepared_cancelled_order_is_refused_in_words_without_reading_it_again(woo: WooCommerceSimulator):
    woo.update_order(1001, status="cancelled")
    shop = _shop(woo)
    shop.prepare([KEY])
    woo.site.stats.reset()

    words = shop.tell(_first(_shipment()))

    assert words == "WooCommerce order 1001 is cancelled: Koppel did not set it to completed"
    assert _calls(woo) == {}
    assert woo.emails == []


def test_a_prepared_status_is_used_once_and_the_orders_next_notice_reads_it_again(woo: WooCommerceSimulator):
    shop = _shop(woo)
    shop.prepare([KEY])
    shop.tell(_first(_shipment()))
    woo.site.stats.reset()

    answer = shop.tell(_first(_shipment().model_copy(update={"number": "S-SHP1002"})))

    assert answer == ""
    assert _calls(woo) == {"GET /orders/{order_id}": 1}
    assert [email.kind for email in woo.emails] == ["customer_completed_order"]


def test_an_order_the_list_leaves_out_is_read_when_told_and_answered_as_without_prepare(woo: WooCommerceSimulator):
    shop = _shop(woo)
    shop.prepare([KEY, KEY.model_copy(update={"order_id": "9999"})])
    woo.site.stats.reset()

    words = shop.tell(_first(_shipment(), order_id="9999"))

    assert "woocommerce_rest_shop_order_invalid_id" in words
    assert _calls(woo) == {"GET /orders/{order_id}": 1}


def test_preparing_150_orders_takes_two_list_calls_and_prepares_each(woo: WooCommerceSimulator):
    ids = range(2000, 2150)
    for order_id in ids:
        woo.place_order(_order(order_id))
    shop = _shop(woo)
    woo.site.stats.reset()

    shop.prepare([KEY.model_copy(update={"order_id": str(order_id)}) for order_id in ids])
    listed = _calls(woo)
    woo.site.stats.reset()
    answers = [shop.tell(_first(_shipment(), order_id=order_id)) for order_id in ("2000", "2149")]

    assert listed == {LIST: 2}
    assert answers == ["", ""]
    assert _calls(woo) == {STATUS: 2}


def test_nothing_is_prepared_when_the_shop_leaves_the_status_alone(woo: WooCommerceSimulator):
    woo.site.stats.reset()

    _shop(woo, WooShipmentSettings(shipped_status="")).prepare([KEY])

    assert _calls(woo) == {}
