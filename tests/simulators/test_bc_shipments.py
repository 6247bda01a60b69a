"""Posted sales shipments in the BC simulator: API v2.0 salesShipments / salesShipmentLines exactly as pages 30062 /
30063 serve them, Koppel's shipment page, and the BC users' posting, Undo Shipment and "Update Document"."""

from __future__ import annotations

import time
from typing import Any

import pytest

from localdev.simulators.businesscentral.odata_filter import PAGE_VARIABLE_FILTER
from localdev.simulators.businesscentral.seed import SHIPPING_ACCOUNT_NUMBER, WEBSHOP_CUSTOMER_NUMBER
from localdev.simulators.businesscentral.shipments import ALREADY_INVOICED, ALREADY_REVERSED, NOTHING_TO_REVERSE
from localdev.simulators.businesscentral.shipping_agents import ShippingAgent
from tests.simulators.conftest import BC

Row = dict[str, Any]
SHIPMENT_FIELDS = {
    "id", "number", "externalDocumentNumber", "invoiceDate", "postingDate", "dueDate",
    "customerPurchaseOrderReference", "customerId", "customerNumber", "customerName", "billToCustomerId",
    "billToName", "billToCustomerNumber", "shipToName", "shipToContact", "sellToAddressLine1", "sellToAddressLine2",
    "sellToCity", "sellToCountry", "sellToState", "sellToPostCode", "billToAddressLine1", "billToAddressLine2",
    "billToCity", "billToCountry", "billToState", "billToPostCode", "shipToAddressLine1", "shipToAddressLine2",
    "shipToCity", "shipToCountry", "shipToState", "shipToPostCode", "currencyCode", "orderNumber",
    "paymentTermsCode", "shipmentMethodCode", "salesperson", "pricesIncludeTax", "lastModifiedDateTime",
    "phoneNumber", "email",
}  # fmt: skip
LINE_FIELDS = {
    "id", "documentId", "documentNo", "sequence", "lineType", "lineObjectNumber", "description", "description2",
    "unitOfMeasureCode", "unitPrice", "quantity", "discountPercent", "taxPercent", "shipmentDate",
}  # fmt: skip
KOPPEL_PAGE = "api/koppel/shipping/v1.0"


def new_order(bc: BC, external: str) -> Row:
    """Lines 10000 (item KOF-1002 x 2), 20000 (item KOF-1003 x 1), 30000 (a comment), 40000 (shipping, an account)."""
    lines = [
        {"lineType": "Item", "lineObjectNumber": "KOF-1002", "quantity": 2},
        {"lineType": "Item", "lineObjectNumber": "KOF-1003", "quantity": 1},
        {"lineType": "Comment", "description": "Graag achterom"},
        {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 4.95},
    ]
    body = {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": external, "salesOrderLines": lines}
    response = bc.post("salesOrders", body)
    assert response.status_code == 201, response.text
    order: Row = response.json()
    return order


def ship(bc: BC, order: Row, lines: dict[int, float] | None = None, **tracking: str) -> Row:
    body: Row = dict(tracking)
    if lines is not None:
        body["lines"] = [{"sequence": sequence, "quantity": quantity} for sequence, quantity in lines.items()]
    response = bc.control("POST", f"salesOrders/{order['id']}/shipments", body)
    assert response.status_code == 201, response.text
    shipment: Row = bc.get(f"salesShipments({response.json()['id']})").json()
    return shipment


def lines_of(bc: BC, shipment: Row) -> list[Row]:
    rows: list[Row] = bc.get(f"salesShipments({shipment['id']})/salesShipmentLines").json()["value"]
    return rows


def koppel_page(bc: BC, shipment_id: str = "", **params: str) -> Any:
    path = f"{KOPPEL_PAGE}/companies({bc.sim.company_id})/salesShipments"
    url = f"{bc.sim.url}/v2.0/{bc.sim.config.tenant}/{bc.sim.config.environment}/{path}"
    return bc.http.get(f"{url}({shipment_id})" if shipment_id else url, params=params, headers=bc.headers)


def test_a_shipment_serves_exactly_the_fields_of_page_30062_and_every_order_line_as_a_line(bc: BC) -> None:
    order = new_order(bc, "WEB-SHP-1")

    shipment = ship(bc, order, {10000: 1})

    assert set(shipment) - {"@odata.context", "@odata.etag"} == SHIPMENT_FIELDS
    assert (shipment["orderNumber"], shipment["externalDocumentNumber"]) == (order["number"], "WEB-SHP-1")
    assert shipment["customerNumber"] == WEBSHOP_CUSTOMER_NUMBER
    lines = lines_of(bc, shipment)
    assert all(set(line) - {"@odata.etag"} == LINE_FIELDS for line in lines)
    assert [(x["sequence"], x["lineType"], x["lineObjectNumber"], x["quantity"]) for x in lines] == [
        (10000, "Item", "KOF-1002", 1),
        (20000, "Item", "KOF-1003", 0),
        (30000, "_x0020_", "", 0),
        (40000, "G_x002F_L_x0020_Account", SHIPPING_ACCOUNT_NUMBER, 0),
    ]
    assert {(x["documentId"], x["documentNo"]) for x in lines} == {(shipment["id"], shipment["number"])}


def test_lines_come_by_navigation_by_expand_and_from_the_collection_alike(bc: BC) -> None:
    shipment = ship(bc, new_order(bc, "WEB-SHP-2"))
    by_navigation = lines_of(bc, shipment)

    one = f"number eq '{shipment['number']}'"
    expanded = bc.get("salesShipments", {"$filter": one, "$expand": "salesShipmentLines"})
    loose = bc.get("salesShipmentLines", {"$filter": f"documentId eq {shipment['id']}"})

    assert [x["quantity"] for x in by_navigation] == [2, 1, 0, 1]
    assert expanded.json()["value"][0]["salesShipmentLines"] == by_navigation
    assert loose.json()["value"] == by_navigation


def test_shipments_and_their_lines_cannot_be_written(bc: BC) -> None:
    shipment = ship(bc, new_order(bc, "WEB-SHP-3"))
    line = lines_of(bc, shipment)[0]

    answers = [
        bc.post("salesShipments", {"externalDocumentNumber": "X"}),
        bc.patch(f"salesShipments({shipment['id']})", {"externalDocumentNumber": "X"}, "*"),
        bc.delete(f"salesShipments({shipment['id']})", "*"),
        bc.post(f"salesShipments({shipment['id']})/salesShipmentLines", {"quantity": 1}),
        bc.patch(f"salesShipments({shipment['id']})/salesShipmentLines({line['id']})", {"quantity": 1}, "*"),
    ]

    assert [answer.status_code for answer in answers] == [405] * 5


@pytest.mark.parametrize(
    "condition",
    [
        "orderNumber eq '{orderNumber}'",
        "externalDocumentNumber eq '{lower_external}'",
        "number eq '{number}' and postingDate eq {postingDate}",
        "customerNumber eq '{customerNumber}' and lastModifiedDateTime ge {lastModifiedDateTime}",
    ],
)
def test_table_fields_filter_the_shipments(bc: BC, condition: str) -> None:
    shipment = ship(bc, new_order(bc, f"WEB-SHP-4-{len(condition)}"))
    lower_external = shipment["externalDocumentNumber"].lower()

    found = bc.get("salesShipments", {"$filter": condition.format(**shipment, lower_external=lower_external)})

    assert found.status_code == 200, found.text
    assert [row["id"] for row in found.json()["value"]] == [shipment["id"]]


def test_currency_code_a_page_variable_cannot_be_filtered_on(bc: BC) -> None:
    response = bc.get("salesShipments", {"$filter": "currencyCode eq 'EUR'"})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == PAGE_VARIABLE_FILTER.format(name="currencyCode")


def test_tracking_comes_from_the_order_and_only_koppels_page_serves_it(bc: BC) -> None:
    order = new_order(bc, "WEB-SHP-5")
    tracking = {"shippingAgentCode": "postnl", "shippingAgentServiceCode": "avond", "packageTrackingNumber": "3S1"}
    assert bc.control("POST", f"salesOrders/{order['id']}/shipping", tracking).status_code == 200

    shipment = ship(bc, order)
    page = koppel_page(bc, shipment["id"]).json()

    assert "packageTrackingNumber" not in shipment
    assert "shippingAgentCode" not in bc.get(f"salesOrders({order['id']})").json()
    assert {name: page[name] for name in (*tracking, "trackingUrl")} == {
        "shippingAgentCode": "POSTNL",
        "shippingAgentServiceCode": "AVOND",
        "packageTrackingNumber": "3S1",
        "trackingUrl": "https://jouw.postnl.nl/track-and-trace/3S1",
    }
    assert (page["number"], page["lastModifiedDateTime"]) == (shipment["number"], shipment["lastModifiedDateTime"])


def test_tracking_given_at_posting_overrides_the_orders(bc: BC) -> None:
    order = new_order(bc, "WEB-SHP-6")
    bc.control("POST", f"salesOrders/{order['id']}/shipping", {"shippingAgentCode": "POSTNL"})

    shipment = ship(bc, order, shippingAgentCode="DHL", packageTrackingNumber="JVGL1")

    page = koppel_page(bc, shipment["id"]).json()
    assert (page["shippingAgentCode"], page["shippingAgentServiceCode"]) == ("DHL", "")
    assert page["trackingUrl"] == "https://www.dhl.com/nl-nl/home/tracking.html?tracking-id=JVGL1"


def test_a_tracking_number_added_after_posting_moves_last_modified(bc: BC) -> None:
    shipment = ship(bc, new_order(bc, "WEB-SHP-7"))
    before = koppel_page(bc, shipment["id"]).json()
    time.sleep(0.01)  # BC stamps in milliseconds

    update = {"shippingAgentCode": "DPD", "packageTrackingNumber": "0506 77"}
    assert bc.control("POST", f"salesShipments/{shipment['id']}/update", update).status_code == 200

    after = koppel_page(bc, shipment["id"]).json()
    assert (before["packageTrackingNumber"], before["trackingUrl"]) == ("", "")
    assert after["trackingUrl"] == "http://www.dpd.com/nl/nl/ontvangen/track-en-trace/?parcelNumber=0506 77"
    assert after["lastModifiedDateTime"] > before["lastModifiedDateTime"]
    changed = bc.get("salesShipments", {"$filter": f"lastModifiedDateTime gt {before['lastModifiedDateTime']}"})
    assert shipment["id"] in [row["id"] for row in changed.json()["value"]]


def test_an_update_that_changes_nothing_does_not_modify_the_shipment(bc: BC) -> None:
    shipment = ship(bc, new_order(bc, "WEB-SHP-8"), shippingAgentCode="DHL")

    bc.control("POST", f"salesShipments/{shipment['id']}/update", {"shippingAgentCode": "DHL"})

    now = bc.get(f"salesShipments({shipment['id']})").json()
    assert (now["@odata.etag"], now["lastModifiedDateTime"]) == (
        shipment["@odata.etag"],
        shipment["lastModifiedDateTime"],
    )


@pytest.mark.parametrize(
    ("tracking", "message"),
    [
        ({"shippingAgentCode": "TNT"}, "contains a value (TNT) that cannot be found in the related table"),
        ({"shippingAgentCode": "DHL", "shippingAgentServiceCode": "AVOND"}, "(AVOND) that cannot be found"),
        ({"packageTrackingNumber": "9" * 51}, "The length of the string is 51"),
    ],
)
def test_an_unknown_agent_or_service_or_a_too_long_number_is_refused(bc: BC, tracking: Row, message: str) -> None:
    order = new_order(bc, "WEB-SHP-9")

    response = bc.control("POST", f"salesOrders/{order['id']}/shipments", tracking)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert bc.get("salesShipments", {"$filter": f"orderNumber eq '{order['number']}'"}).json()["value"] == []


def test_undo_shipment_adds_a_negative_correction_line_and_leaves_the_header(bc: BC) -> None:
    order = new_order(bc, "WEB-SHP-10")
    shipment = ship(bc, order, {10000: 2, 40000: 1})

    undone = bc.control("POST", f"salesShipments/{shipment['id']}/undo", {"sequence": 10000})

    assert undone.status_code == 201
    lines = lines_of(bc, shipment)
    assert [(x["sequence"], x["lineObjectNumber"], x["quantity"]) for x in lines] == [
        (10000, "KOF-1002", 2),
        (15000, "KOF-1002", -2),
        (20000, "KOF-1003", 0),
        (30000, "", 0),
        (40000, SHIPPING_ACCOUNT_NUMBER, 1),
    ]
    now = bc.get(f"salesShipments({shipment['id']})").json()
    assert (now["@odata.etag"], now["lastModifiedDateTime"]) == (
        shipment["@odata.etag"],
        shipment["lastModifiedDateTime"],
    )
    order_lines = bc.get(f"salesOrders({order['id']})/salesOrderLines").json()["value"]
    assert (order_lines[0]["shippedQuantity"], order_lines[0]["shipQuantity"]) == (0, 2)
    last = bc.control("POST", f"salesShipments/{shipment['id']}/undo", {"sequence": 40000}).json()
    assert last["sequence"] == 50000


@pytest.mark.parametrize(("sequence", "message"), [(10000, ALREADY_REVERSED), (20000, NOTHING_TO_REVERSE)])
def test_undo_of_a_reversed_or_an_empty_line_is_refused(bc: BC, sequence: int, message: str) -> None:
    shipment = ship(bc, new_order(bc, "WEB-SHP-11"), {10000: 1})
    bc.control("POST", f"salesShipments/{shipment['id']}/undo", {"sequence": 10000})

    response = bc.control("POST", f"salesShipments/{shipment['id']}/undo", {"sequence": sequence})

    assert (response.status_code, response.json()["error"]["message"]) == (400, message)


def test_undo_of_an_invoiced_shipment_is_refused(bc: BC) -> None:
    order = new_order(bc, "WEB-SHP-15")
    assert bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", None).status_code == 204
    shipment = bc.one("salesShipments", f"orderNumber eq '{order['number']}'")

    response = bc.control("POST", f"salesShipments/{shipment['id']}/undo", {"sequence": 10000})

    assert (response.status_code, response.json()["error"]["message"]) == (400, ALREADY_INVOICED)
    assert [x["quantity"] for x in lines_of(bc, shipment)] == [2, 1, 0, 1]


def test_a_shipment_that_ships_nothing_is_refused_and_none_is_filed(bc: BC) -> None:
    order = new_order(bc, "WEB-SHP-12")

    response = bc.control("POST", f"salesOrders/{order['id']}/shipments", {"lines": []})

    assert response.status_code == 400
    assert bc.get("salesShipments", {"$filter": f"orderNumber eq '{order['number']}'"}).json()["value"] == []


def test_ship_and_invoice_files_a_shipment_too(bc: BC) -> None:
    order = new_order(bc, "WEB-SHP-13")

    assert bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", None).status_code == 204

    shipment = bc.one("salesShipments", f"orderNumber eq '{order['number']}'")
    assert [x["quantity"] for x in lines_of(bc, shipment)] == [2, 1, 0, 1]


def test_koppels_page_is_read_only_refuses_a_filter_on_the_tracking_url_and_pages(bc: BC) -> None:
    for number in ("A", "B", "C"):
        ship(bc, new_order(bc, f"WEB-SHP-14{number}"))
    url = koppel_page(bc).url

    refused = koppel_page(bc, **{"$filter": "trackingUrl eq ''"})
    written = bc.http.post(str(url), json={}, headers=bc.headers)
    first = bc.http.get(str(url), headers={**bc.headers, "Prefer": "odata.maxpagesize=2"}).json()

    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == PAGE_VARIABLE_FILTER.format(name="trackingUrl")
    assert written.status_code == 405
    assert len(first["value"]) == 2
    assert "@odata.nextLink" in first


@pytest.mark.parametrize(
    ("address", "number", "url"),
    [
        ("https://t.example/%1?x=%1", "A B", "https://t.example/A B?x=A B"),
        ("t.example/track", "123", "http://t.example/track"),
        ("t.example/?back=https://shop", "123", "t.example/?back=https://shop"),
        ("", "123", "http://"),
    ],
)
def test_the_tracking_address_is_built_as_get_tracking_internet_addr(address: str, number: str, url: str) -> None:
    assert ShippingAgent("X", "X", address).tracking_address(number) == url


def test_no_tracking_link_without_a_number_or_an_internet_address() -> None:
    assert ShippingAgent("X", "X", "https://t.example/%1").tracking_url("") == ""
    assert ShippingAgent("X", "X", "").tracking_url("123") == ""
