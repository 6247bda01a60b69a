"""The WooCommerce shipment adapter against the simulator, without the rest of the stack: the order completed once
when all of it shipped, a partial shipment as a customer note, tracking in the Shipment Tracking extension or as a
note, each once however often a notice is sent again (after a lost answer too), and the shop's refusals in words."""

from __future__ import annotations

from collections.abc import Iterator
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
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.shipments import WooCommerceShipments, WooShipmentSettings
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

KEY = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
POSTED = frozenset({ShipmentChange.POSTED})
TRACKING = frozenset({ShipmentChange.TRACKING})
POSTNL = WooShipmentSettings(shipment_tracking=True, providers={"POSTNL": "PostNL"})
TRACKINGS = "/wp-json/wc-shipment-tracking/v3/orders/1001/shipment-trackings"


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator() as running:
        customer = ShopCustomer("Anna", "de Vries", "anna@example.nl", postcode="3511 AA")
        lines = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 1, Decimal("4.99")))
        running.place_order(ShopOrder(1001, customer, lines))
        yield running


def _shop(woo: WooCommerceSimulator, settings: WooShipmentSettings | None = None) -> WooCommerceShipments:
    client = WooCommerceClient(httpx.Client(timeout=10), woo.url, woo.consumer_key, woo.consumer_secret)
    return WooCommerceShipments(client, settings or WooShipmentSettings())


def _site(woo: WooCommerceSimulator) -> httpx.Client:
    return httpx.Client(base_url=woo.url, auth=(woo.consumer_key, woo.consumer_secret), timeout=10)


def _shipment(tracking_number: str = "", agent: str = "POSTNL", mugs: int = 2) -> Shipment:
    lines = (ShippedLine(sequence=10000, item_number="MUG-01", description="Mok", quantity=Decimal(mugs)),)
    return Shipment(
        number="S-SHP1001",
        order_number="S-ORD1001",
        external_document_number="1001",
        posting_date=date(2026, 12, 7),
        lines=lines,
        shipping_agent=agent,
        tracking_number=tracking_number,
        tracking_url=f"https://jouw.postnl.nl/track-and-trace/{tracking_number}" if tracking_number else "",
        changed_at=datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
    )


def _notice(shipment: Shipment, changes: frozenset[ShipmentChange] = POSTED, whole: bool = True) -> ShipmentNotice:
    return ShipmentNotice(key=KEY, shipment=shipment, version=1, changes=changes, order_fully_shipped=whole)


def _notes(woo: WooCommerceSimulator, kind: str = "any") -> list[dict[str, Any]]:
    with _site(woo) as site:
        notes: list[dict[str, Any]] = site.get("/wp-json/wc/v3/orders/1001/notes", params={"type": kind}).json()
    return notes


def _status(woo: WooCommerceSimulator) -> str:
    with _site(woo) as site:
        return str(site.get("/wp-json/wc/v3/orders/1001").json()["status"])


def _trackings(woo: WooCommerceSimulator) -> list[dict[str, Any]]:
    with _site(woo) as site:
        trackings: list[dict[str, Any]] = site.get(TRACKINGS).json()
    return trackings


def test_the_whole_order_shipped_without_tracking_is_completed_once_with_one_email(woo: WooCommerceSimulator):
    shop = _shop(woo)

    answers = [shop.tell(_notice(_shipment())) for _ in range(2)]

    assert answers == ["", ""]
    assert _status(woo) == "completed"
    assert [email.kind for email in woo.emails] == ["customer_completed_order"]
    assert _notes(woo, "customer") == []


def test_a_partial_shipment_is_a_customer_note_with_its_items_and_tracking_and_the_status_stays(
    woo: WooCommerceSimulator,
):
    shop = _shop(woo, WooShipmentSettings(providers={"POSTNL": "PostNL"}))

    shop.tell(_notice(_shipment("3SABC123"), whole=False))
    shop.tell(_notice(_shipment("3SABC123"), whole=False))

    assert _status(woo) == "processing"
    [note] = _notes(woo, "customer")
    assert note["note"].splitlines() == [
        "Part of your order has been shipped.",
        "Shipment S-SHP1001: 2 x Mok",
        "Carrier: PostNL",
        "Tracking number: 3SABC123",
        "Track your parcel: https://jouw.postnl.nl/track-and-trace/3SABC123",
    ]
    assert [email.kind for email in woo.emails] == ["customer_note"]


def test_without_the_extension_tracking_is_a_customer_note_before_the_completed_email(woo: WooCommerceSimulator):
    shop = _shop(woo)

    shop.tell(_notice(_shipment("3SABC123")))
    shop.tell(_notice(_shipment("3SABC123")))

    assert [email.kind for email in woo.emails] == ["customer_note", "customer_completed_order"]
    assert "Tracking number: 3SABC123" in woo.emails[0].note
    assert _status(woo) == "completed"


def test_a_tracking_number_bc_gets_later_is_one_more_customer_note_once(woo: WooCommerceSimulator):
    shop = _shop(woo)
    shop.tell(_notice(_shipment()))

    later = [shop.tell(_notice(_shipment("3SLATER9"), TRACKING)) for _ in range(2)]

    assert later == ["", ""]
    assert [email.kind for email in woo.emails] == ["customer_completed_order", "customer_note"]
    assert woo.emails[1].note.startswith("Tracking for your shipment.\nShipment S-SHP1001.")


def test_with_the_extension_tracking_goes_there_first_and_the_completed_email_carries_it(woo: WooCommerceSimulator):
    woo.install_shipment_tracking()
    shop = _shop(woo, POSTNL)

    shop.tell(_notice(_shipment("3SABC123")))
    shop.tell(_notice(_shipment("3SABC123")))

    [tracking] = _trackings(woo)
    assert tracking["tracking_provider"] == "PostNL"
    assert tracking["tracking_link"] == "https://postnl.nl/tracktrace/?B=3SABC123&P=3511AA&D=NL&T=C"
    assert tracking["date_shipped"] == "2026-12-07"
    assert [(email.kind, email.tracking_numbers) for email in woo.emails] == [
        ("customer_completed_order", ("3SABC123",))
    ]
    assert _notes(woo, "customer") == []
    assert [note["note"].splitlines()[-1] for note in _notes(woo, "internal")].count("Tracking number: 3SABC123") == 1


def test_with_the_extension_a_changed_number_replaces_the_one_koppel_added_and_keeps_the_shops_own(
    woo: WooCommerceSimulator,
):
    woo.install_shipment_tracking()
    shop = _shop(woo, WooShipmentSettings(shipment_tracking=True))
    shop.tell(_notice(_shipment("3SOLD1", agent="KOERIER")))
    with _site(woo) as site:
        site.post(TRACKINGS, json={"tracking_number": "HAND-1", "custom_tracking_provider": "Shop"})

    shop.tell(_notice(_shipment("3SNEW2", agent="KOERIER"), TRACKING))
    shop.tell(_notice(_shipment("3SNEW2", agent="KOERIER"), TRACKING))

    trackings = _trackings(woo)
    assert sorted(entry["tracking_number"] for entry in trackings) == ["3SNEW2", "HAND-1"]
    new = next(entry for entry in trackings if entry["tracking_number"] == "3SNEW2")
    assert (new["tracking_provider"], new["tracking_link"]) == (
        "KOERIER",
        "https://jouw.postnl.nl/track-and-trace/3SNEW2",
    )
    assert [email.kind for email in woo.emails] == ["customer_completed_order"]


def test_a_lost_answer_then_the_same_notice_again_adds_no_second_note_or_email(woo: WooCommerceSimulator):
    shop = _shop(woo)
    with _site(woo) as site:
        site.post("/_sim/faults/fulfilment", json={"faults": [{"route": "notes", "status": 500, "after_commit": True}]})
        site.post(
            "/_sim/faults/fulfilment", json={"faults": [{"route": "status", "status": 500, "after_commit": True}]}
        )

    with pytest.raises(RetryableError):
        shop.tell(_notice(_shipment("3SABC123")))
    with pytest.raises(RetryableError):
        shop.tell(_notice(_shipment("3SABC123")))
    answer = shop.tell(_notice(_shipment("3SABC123")))

    assert answer == ""
    assert [email.kind for email in woo.emails] == ["customer_note", "customer_completed_order"]
    assert len(_notes(woo, "customer")) == 1


def test_the_shops_refusals_come_back_in_its_words_and_change_nothing(woo: WooCommerceSimulator):
    unknown = ShipmentNotice(
        key=KEY.model_copy(update={"order_id": "9999"}),
        shipment=_shipment(),
        version=1,
        changes=POSTED,
        order_fully_shipped=True,
    )
    not_installed = _shop(woo, POSTNL).tell(_notice(_shipment("3SABC123")))

    assert "woocommerce_rest_shop_order_invalid_id" in _shop(woo).tell(unknown)
    assert "rest_no_route" in not_installed
    assert woo.emails == []


def test_a_cancelled_order_is_not_completed_and_an_empty_status_setting_leaves_it(woo: WooCommerceSimulator):
    woo.update_order(1001, status="cancelled")

    words = _shop(woo).tell(_notice(_shipment()))
    left = _shop(woo, WooShipmentSettings(shipped_status="")).tell(_notice(_shipment()))

    assert words == "WooCommerce order 1001 is cancelled: Koppel did not set it to completed"
    assert left == ""
    assert _status(woo) == "cancelled"
    assert woo.emails == []


@pytest.mark.parametrize("unpaid", ["pending", "on-hold"])
def test_an_unpaid_order_is_not_completed_since_completing_it_would_mark_it_paid(
    woo: WooCommerceSimulator, unpaid: str
):
    woo.update_order(1001, status=unpaid)

    words = _shop(woo).tell(_notice(_shipment()))

    assert words == f"WooCommerce order 1001 is {unpaid} (not paid): Koppel did not set it to completed"
    assert _status(woo) == unpaid
    assert woo.emails == []


def test_telling_a_whole_shipment_without_tracking_reads_the_status_and_sets_it_nothing_else(
    woo: WooCommerceSimulator,
):
    woo.site.stats.reset()

    _shop(woo).tell(_notice(_shipment()))

    assert dict(woo.site.stats.by_route) == {"GET /orders/{order_id}": 1, "PUT /orders/{order_id}": 1}


def test_a_tracking_whose_answer_was_lost_is_not_added_twice(woo: WooCommerceSimulator):
    woo.install_shipment_tracking()
    shop = _shop(woo, POSTNL)
    lost = {"route": "tracking", "method": "POST", "status": 500, "after_commit": True}
    with _site(woo) as site:
        site.post("/_sim/faults/fulfilment", json={"faults": [lost]})

    with pytest.raises(RetryableError):
        shop.tell(_notice(_shipment("3SABC123"), whole=False))
    answer = shop.tell(_notice(_shipment("3SABC123"), whole=False))

    assert answer == ""
    assert [entry["tracking_number"] for entry in _trackings(woo)] == ["3SABC123"]
    assert [email.kind for email in woo.emails] == ["customer_note"]
    assert _status(woo) == "processing"
