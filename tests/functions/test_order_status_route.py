"""GET /api/orders/{source}/{shop}/{orderId}/status: what the customer is shown of an order, from the order record,
its recorded shipments and its carrier events; and the same status, internal view, in the dossier."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import azure.functions as func

from domain.models import OrderStatus, WebOrderKey
from domain.orders.release_gate import RELEASED
from domain.records import OrderRecord
from domain.shipments.models import CarrierEvent, CarrierPhase, RecordedCarrierEvent, Shipment, ShippedLine
from domain.shipments.recorded import first_version
from functions.container import container
from tests.functions.conftest import answer_body, trigger
from tests.shipment_support import chairs_and_table

AT = datetime(2026, 12, 7, 9, tzinfo=UTC)
WORDS_FOR_A_PERSON = "Sorted at hub Nieuwegein, bay 7"
"""The carrier's own words on the latest event: for a person in the dossier, never for the customer."""


def _key(shop: str, order_id: str = "2001") -> WebOrderKey:
    return WebOrderKey(source="woocommerce", shop=shop, order_id=order_id)


def _order_in_bc(key: WebOrderKey) -> None:
    """Released in BC as S-ORD2001: 2 chairs and 1 table; the shop's total 484.00."""
    document = chairs_and_table("2001", requested="2026-12-11")
    record = OrderRecord(
        key=key,
        status=OrderStatus.IN_BC,
        web_number="2001",
        web_total=Decimal("484.00"),
        web_currency="EUR",
        bc=document,
        release=RELEASED,
        problem="internal: checked by hand",
    )
    container().orders.create(record)


def _shipped(key: WebOrderKey, number: str, item: str, quantity: int, tracking: str) -> None:
    shipment = Shipment(
        number=number,
        order_number="S-ORD2001",
        external_document_number="WEB2001",
        posting_date=date(2026, 12, 7),
        lines=(ShippedLine(sequence=10000, item_number=item, description=item.title(), quantity=Decimal(quantity)),),
        shipping_agent="POSTNL",
        tracking_number=tracking,
        tracking_url=f"https://jouw.postnl.nl/track-and-trace/{tracking}",
        changed_at=AT,
    )
    container().shipments.write(first_version(key, shipment, AT), None)


def _carrier_says(key: WebOrderKey, parcel: int, tracking: str, phase: CarrierPhase, minutes: int) -> None:
    """An event on the order's parcel `parcel` (its id names the test's shop: parcels are shared by the tests)."""
    parcel_id = f"{key.shop}-{parcel}"
    event = CarrierEvent(
        platform="sendcloud",
        account="main",
        parcel_id=parcel_id,
        status_id=11 if phase is CarrierPhase.DELIVERED else 5,
        status_message=WORDS_FOR_A_PERSON,
        phase=phase,
        happened_at=AT + timedelta(minutes=minutes),
        tracking_number=tracking,
        carrier="postnl",
        expected_delivery=date(2026, 12, 9),
    )
    container().carrier_events.record(RecordedCarrierEvent(event_id=f"{parcel_id}-{minutes}", event=event, order=key))


def _get(key: WebOrderKey, route: str = "customer_order_status", order_id: str | None = None) -> func.HttpResponse:
    params = {"source": key.source, "shop": key.shop, "orderId": order_id or key.order_id}
    url = f"http://localhost/api/orders/{key}/status"
    return trigger(route)(func.HttpRequest("GET", url, route_params=params, body=b""))


def _status(key: WebOrderKey) -> dict[str, Any]:
    response = _get(key)
    assert response.status_code == 200
    return answer_body(response)


def test_an_order_released_in_bc_is_shown_released_with_bcs_delivery_date(app_settings: str) -> None:
    key = _key(app_settings)
    _order_in_bc(key)

    answer = _status(key)

    assert answer == {
        "orderNumber": "2001",
        "status": "released",
        "expectedDeliveryDate": "2026-12-11",
        "returned": False,
        "refunded": False,
        "returns": [],
        "shipments": [],
    }


def test_a_partly_shipped_order_shows_its_shipment_with_carrier_tracking_and_quantities(app_settings: str) -> None:
    key = _key(app_settings)
    _order_in_bc(key)
    _shipped(key, "S-SHPT1", "CHAIR", 2, "3SKOP1")
    _carrier_says(key, 1, "3SKOP1", CarrierPhase.IN_TRANSIT, 10)

    answer = _status(key)

    assert (answer["status"], answer["expectedDeliveryDate"]) == ("partly_shipped", "2026-12-09")
    assert answer["shipments"] == [
        {
            "shipmentNumber": "S-SHPT1",
            "shippedOn": "2026-12-07",
            "status": "shipped",
            "carrier": "postnl",
            "trackingNumber": "3SKOP1",
            "trackingUrl": "https://jouw.postnl.nl/track-and-trace/3SKOP1",
            "lines": [{"itemNumber": "CHAIR", "description": "Chair", "quantity": "2"}],
        }
    ]


def test_an_order_whose_parcels_are_all_delivered_is_delivered_without_an_expected_date(app_settings: str) -> None:
    key = _key(app_settings)
    _order_in_bc(key)
    _shipped(key, "S-SHPT1", "CHAIR", 2, "3SKOP1")
    _shipped(key, "S-SHPT2", "TABLE", 1, "3SKOP2")
    _carrier_says(key, 1, "3SKOP1", CarrierPhase.DELIVERED, 30)
    _carrier_says(key, 2, "3SKOP2", CarrierPhase.DELIVERED, 40)
    _carrier_says(key, 2, "3SKOP2", CarrierPhase.IN_TRANSIT, 20)

    answer = _status(key)

    assert (answer["status"], answer["expectedDeliveryDate"]) == ("delivered", None)
    assert [(each["shipmentNumber"], each["status"]) for each in answer["shipments"]] == [
        ("S-SHPT1", "delivered"),
        ("S-SHPT2", "delivered"),
    ]


def test_the_answer_holds_the_customers_fields_only(app_settings: str) -> None:
    key = _key(app_settings)
    _order_in_bc(key)
    _shipped(key, "S-SHPT1", "CHAIR", 2, "3SKOP1")
    _carrier_says(key, 1, "3SKOP1", CarrierPhase.IN_TRANSIT, 10)

    answer = _status(key)
    text = json.dumps(answer)

    assert set(answer) == {
        "orderNumber",
        "status",
        "expectedDeliveryDate",
        "returned",
        "refunded",
        "returns",
        "shipments",
    }
    [shipment] = answer["shipments"]
    assert set(shipment) == {
        "shipmentNumber",
        "shippedOn",
        "status",
        "carrier",
        "trackingNumber",
        "trackingUrl",
        "lines",
    }
    assert set(shipment["lines"][0]) == {"itemNumber", "description", "quantity"}
    for internal in (WORDS_FOR_A_PERSON, "internal", "484", "S-ORD2001", app_settings):
        assert internal not in text


def test_an_order_koppel_never_heard_of_is_404(app_settings: str) -> None:
    response = _get(_key(app_settings, "404404"))

    assert response.status_code == 404
    assert answer_body(response)["error"]["code"] == "not_found"


def test_a_key_storage_cannot_hold_is_400(app_settings: str) -> None:
    response = _get(_key(app_settings), order_id="a?b")

    assert response.status_code == 400
    assert answer_body(response)["error"]["message"] == "not a web order key: order_id"


def test_the_dossier_shows_the_carrier_events_and_the_derived_status(app_settings: str) -> None:
    key = _key(app_settings)
    _order_in_bc(key)
    _shipped(key, "S-SHPT1", "CHAIR", 2, "3SKOP1")
    _carrier_says(key, 1, "3SKOP1", CarrierPhase.IN_TRANSIT, 10)
    _carrier_says(key, 1, "3SKOP1", CarrierPhase.ANNOUNCED, 5)

    dossier = answer_body(_get(key, route="dossier"))

    assert [each["event"]["phase"] for each in dossier["carrier_events"]] == ["announced", "in_transit"]
    assert dossier["order_status"]["progress"] == "partly_shipped"
    [shipment] = dossier["order_status"]["shipments"]
    assert shipment["parcels"][0]["status_message"] == WORDS_FOR_A_PERSON
