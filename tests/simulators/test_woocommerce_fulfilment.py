"""The WooCommerce simulator after the sale: status changes with the Completed e-mail, order notes with the
Customer note e-mail, the Shipment Tracking extension's routes (404 without it), and faults on those routes."""

from decimal import Decimal

import httpx
import pytest

from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

KEY, SECRET = "ck_test", "cs_test"
TRACKING = "/wp-json/wc-shipment-tracking/v3/orders/1001/shipment-trackings"


@pytest.fixture
def sim():
    with WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET) as running:
        customer = ShopCustomer("Anna", "de Vries", "anna@example.nl", postcode="3511 aa")
        running.place_order(ShopOrder(1001, customer, (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")),)))
        yield running


@pytest.fixture
def site(sim):
    with httpx.Client(base_url=sim.url, auth=(KEY, SECRET), timeout=10) as client:
        yield client


def test_a_change_to_completed_sends_the_completed_email_once_and_notes_the_transition(sim, site):
    first = site.put("/wp-json/wc/v3/orders/1001", json={"status": "completed"})
    again = site.put("/wp-json/wc/v3/orders/1001", json={"status": "completed"})

    assert [first.status_code, again.status_code] == [200, 200]
    assert first.json()["status"] == again.json()["status"] == "completed"
    assert [email.kind for email in sim.emails] == ["customer_completed_order"]
    notes = site.get("/wp-json/wc/v3/orders/1001/notes").json()
    assert [(note["note"], note["customer_note"]) for note in notes] == [
        ("Order status changed from Processing to Completed.", False)
    ]


def test_a_status_woocommerce_does_not_know_is_refused_like_wordpress(sim, site):
    answer = site.put("/wp-json/wc/v3/orders/1001", json={"status": "shipped"})
    unknown = site.put("/wp-json/wc/v3/orders/9999", json={"status": "completed"})

    assert answer.status_code == 400
    assert answer.json()["code"] == "rest_invalid_param"
    assert answer.json()["data"]["params"]["status"].startswith("status is not one of pending, processing")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "woocommerce_rest_shop_order_invalid_id")
    assert sim.emails == []


def test_every_customer_note_is_a_new_note_and_a_new_email_internal_notes_send_none(sim, site):
    url = "/wp-json/wc/v3/orders/1001/notes"
    created = [site.post(url, json={"note": "Shipped", "customer_note": True}) for _ in range(2)]
    internal = site.post(url, json={"note": "For us", "customer_note": "false"})

    assert [answer.status_code for answer in (*created, internal)] == [201, 201, 201]
    assert created[0].headers["Location"].endswith(f"{url}/{created[0].json()['id']}")
    assert set(created[0].json()) == {"id", "author", "date_created", "date_created_gmt", "note", "customer_note"}
    assert [email.kind for email in sim.emails] == ["customer_note", "customer_note"]
    assert [note["note"] for note in site.get(url, params={"type": "customer"}).json()] == ["Shipped", "Shipped"]
    assert [note["note"] for note in site.get(url, params={"type": "internal"}).json()] == ["For us"]
    assert next(note["id"] for note in site.get(url).json()) == internal.json()["id"]


def test_a_note_needs_its_text_a_boolean_flag_and_a_known_order(site):
    url = "/wp-json/wc/v3/orders/1001/notes"
    missing = site.post(url, json={"customer_note": True})
    not_boolean = site.post(url, json={"note": "x", "customer_note": "maybe"})
    unknown = site.post("/wp-json/wc/v3/orders/9999/notes", json={"note": "x"})
    anonymous = httpx.post(f"{site.base_url}{url}", json={"note": "x"})

    assert (missing.status_code, missing.json()["code"]) == (400, "rest_missing_callback_param")
    assert missing.json()["data"]["params"] == ["note"]
    assert (not_boolean.status_code, not_boolean.json()["code"]) == (400, "rest_invalid_param")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "woocommerce_rest_order_invalid_id")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "woocommerce_rest_cannot_create")


def test_shipment_tracking_routes_are_not_there_until_the_extension_is_installed(sim, site):
    before = site.get(TRACKING)
    sim.install_shipment_tracking()
    after = site.get(TRACKING)

    assert (before.status_code, before.json()["code"]) == (404, "rest_no_route")
    assert (after.status_code, after.json()) == (200, [])


def test_a_tracking_is_added_listed_and_deleted_never_updated(sim, site):
    sim.install_shipment_tracking()
    known = site.post(
        TRACKING, json={"tracking_provider": "PostNL", "tracking_number": "3SABC1", "date_shipped": "2026-12-07"}
    )
    custom = site.post(
        TRACKING,
        json={
            "custom_tracking_provider": "Koerier",
            "custom_tracking_link": "https://k.example/1",
            "tracking_number": "K1",
        },
    )
    unknown_provider = site.post(TRACKING, json={"tracking_provider": "Nobody", "tracking_number": "N1"})
    deleted = site.delete(f"{TRACKING}/{known.json()['tracking_id']}")

    assert known.status_code == 201
    assert known.json() == {
        "tracking_id": known.json()["tracking_id"],
        "tracking_provider": "PostNL",
        "tracking_link": "https://postnl.nl/tracktrace/?B=3SABC1&P=3511AA&D=NL&T=C",
        "tracking_number": "3SABC1",
        "date_shipped": "2026-12-07",
    }
    assert (custom.json()["tracking_provider"], custom.json()["tracking_link"]) == ("Koerier", "https://k.example/1")
    assert (unknown_provider.json()["tracking_provider"], unknown_provider.json()["tracking_link"]) == ("", "")
    assert deleted.status_code == 200
    assert [entry["tracking_number"] for entry in site.get(TRACKING).json()] == ["K1", "N1"]
    assert site.put(f"{TRACKING}/{custom.json()['tracking_id']}", json={"tracking_number": "K2"}).status_code == 404


def test_a_tracking_needs_a_number_and_a_known_order_and_the_completed_email_lists_the_trackings(sim, site):
    sim.install_shipment_tracking()
    missing = site.post(TRACKING, json={"tracking_provider": "PostNL"})
    unknown = site.post(TRACKING.replace("1001", "9999"), json={"tracking_number": "X"})
    gone = site.delete(f"{TRACKING}/abcdef")
    site.post(TRACKING, json={"tracking_provider": "DPD.NL", "tracking_number": "05123"})
    site.put("/wp-json/wc/v3/orders/1001", json={"status": "completed"})

    assert (missing.status_code, missing.json()["code"]) == (400, "rest_missing_callback_param")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "woocommerce_rest_order_invalid_id")
    assert (gone.status_code, gone.json()["code"]) == (404, "woocommerce_rest_order_shipment_tracking_invalid_id")
    assert sim.emails[-1].tracking_numbers == ("05123",)


def test_a_fault_after_commit_loses_only_the_answer(sim, site):
    site.post("/_sim/faults/fulfilment", json={"faults": [{"route": "notes", "status": 500, "after_commit": True}]})
    lost = site.post("/wp-json/wc/v3/orders/1001/notes", json={"note": "Shipped", "customer_note": True})
    site.post("/_sim/faults/fulfilment", json={"faults": [{"route": "status", "status": 503}]})
    refused = site.put("/wp-json/wc/v3/orders/1001", json={"status": "completed"})

    assert lost.status_code == 500
    assert [note["note"] for note in site.get("/wp-json/wc/v3/orders/1001/notes").json()] == ["Shipped"]
    assert refused.status_code == 503
    assert site.get("/wp-json/wc/v3/orders/1001").json()["status"] == "processing"
    assert [email.kind for email in sim.emails] == ["customer_note"]
