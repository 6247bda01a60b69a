"""Koppel's page salesReturnOrders (koppel/returns/v1.0) in the BC simulator: a return order and its item lines made
in one deep insert, found by its external document number, read with its lines; what the page refuses (an unknown
customer, item, variant or Return Reason, a line of another type, a read-only field, an empty body) leaves nothing
behind and takes no number."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from localdev.simulators.businesscentral.return_orders import CUSTOMER_NOT_PROVIDED, ITEM_LINES_ONLY
from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from tests.simulators.conftest import BC


def page_url(bc: BC) -> str:
    base = bc.sim.api_base.replace("/api/v2.0", "/api/koppel/returns/v1.0")
    return f"{base}/companies({bc.sim.company_id})/salesReturnOrders"


def create(bc: BC, body: Any) -> httpx.Response:
    return bc.http.post(page_url(bc), json=body, headers=bc.headers)


def listed(bc: BC, external: str, condition: str = "") -> list[dict[str, Any]]:
    """The return orders of this externalDocumentNumber (and `condition`)."""
    filter_ = f"externalDocumentNumber eq '{external}'" + (f" and {condition}" if condition else "")
    response = bc.http.get(page_url(bc), params={"$filter": filter_}, headers=bc.headers)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["value"]
    return rows


def item_with_variants(bc: BC) -> tuple[dict[str, Any], list[str]]:
    response = bc.get("items", {"$expand": "itemVariants"})
    item = next(row for row in response.json()["value"] if row["itemVariants"])
    return item, [variant["code"] for variant in item["itemVariants"]]


def other_item(bc: BC, than: dict[str, Any]) -> dict[str, Any]:
    response = bc.get("items", {"$expand": "itemVariants"})
    found: dict[str, Any] = next(row for row in response.json()["value"] if row["number"] != than["number"])
    return found


def return_body(external: str, lines: list[dict[str, Any]], **header: Any) -> dict[str, Any]:
    return {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": external, **header, LINES: lines}


LINES = "salesReturnOrderLines"


def test_a_return_order_is_made_with_its_lines_in_one_request_and_read_back_with_them(bc: BC) -> None:
    item, variants = item_with_variants(bc)
    plain = other_item(bc, item)
    lines = [
        {"lineType": "Item", "lineObjectNumber": item["number"], "variantCode": variants[0].lower(), "quantity": 2,
         "returnReasonCode": "defect"},
        {"lineObjectNumber": plain["number"], "quantity": 1.5, "description": "Te veel besteld"},
    ]  # fmt: skip

    response = create(bc, return_body("RET-rq-1", lines, yourReference="S-ORD101001"))
    made = response.json()
    one = bc.http.get(f"{page_url(bc)}({made['id']})", params={"$expand": LINES}, headers=bc.headers).json()

    assert response.status_code == 201, response.text
    assert response.headers["Location"].endswith(f"/salesReturnOrders({made['id']})")
    assert made["number"].startswith("S-RO")
    assert made["status"] == "Open"
    assert (made["customerNumber"], made["externalDocumentNumber"], made["yourReference"]) == (
        WEBSHOP_CUSTOMER_NUMBER,
        "RET-RQ-1",
        "S-ORD101001",
    )
    assert [
        (x["documentId"], x["sequence"], x["lineType"], x["lineObjectNumber"], x["variantCode"], x["quantity"])
        for x in one[LINES]
    ] == [
        (made["id"], 10000, "Item", item["number"], variants[0], 2.0),
        (made["id"], 20000, "Item", plain["number"], "", 1.5),
    ]
    assert [(x["returnReasonCode"], x["description"]) for x in one[LINES]] == [
        ("DEFECT", item["displayName"]),
        ("", "Te veel besteld"),
    ]


def test_a_return_order_is_found_by_its_external_document_number_in_any_case_and_its_reference(bc: BC) -> None:
    item, _ = item_with_variants(bc)
    line = {"lineObjectNumber": item["number"], "quantity": 1}
    made = create(bc, return_body("WEB-RQ-2", [line], yourReference="ret-a")).json()
    other = create(bc, return_body("WEB-RQ-2", [line], yourReference="ret-b")).json()
    create(bc, return_body("WEB-RQ-3", [line], yourReference="ret-a"))

    assert [row["id"] for row in listed(bc, "web-rq-2")] == [made["id"], other["id"]]
    assert [row["id"] for row in listed(bc, "web-rq-2", "yourReference eq 'ret-a'")] == [made["id"]]
    assert listed(bc, "WEB-RQ-404") == []


def test_return_orders_take_the_next_numbers_of_their_series(bc: BC) -> None:
    item, _ = item_with_variants(bc)
    first = create(bc, return_body("RET-RQ-4", [{"lineObjectNumber": item["number"], "quantity": 1}])).json()
    second = create(bc, return_body("RET-RQ-5", [{"lineObjectNumber": item["number"], "quantity": 1}])).json()

    assert int(second["number"].removeprefix("S-RO")) == int(first["number"].removeprefix("S-RO")) + 1


def refusals(item: dict[str, Any], other: dict[str, Any], variant: str) -> dict[str, tuple[Any, str]]:
    """Case -> (body, the message BC answers)."""
    line = {"lineObjectNumber": item["number"], "quantity": 1}
    cases = [
        ("no customer", {"externalDocumentNumber": "RET-X", LINES: [line]}, CUSTOMER_NOT_PROVIDED),
        (
            "unknown customer",
            return_body("RET-X", [line], customerNumber="C404"),
            "The field Sell-to Customer No. of table Sales Header contains a value (C404) that cannot be found in "
            "the related table (Customer).",
        ),
        (
            "unknown item",
            return_body("RET-X", [line, {"lineObjectNumber": "NOPE-1", "quantity": 1}]),
            "The Item does not exist. Identification fields and values: No.='NOPE-1'",
        ),
        (
            "variant of another item",
            return_body("RET-X", [{**line, "lineObjectNumber": other["number"], "variantCode": variant}]),
            f"The field Variant Code of table Sales Line contains a value ({variant}) that cannot be found in the "
            "related table (Item Variant).",
        ),
        (
            "unknown return reason",
            return_body("RET-X", [{**line, "returnReasonCode": "BROKEN"}]),
            "The field Return Reason Code of table Sales Line contains a value (BROKEN) that cannot be found in the "
            "related table (Return Reason).",
        ),
        ("not an item line", return_body("RET-X", [{**line, "lineType": "Resource"}]), ITEM_LINES_ONLY),
        ("a read-only field", return_body("RET-X", [line], number="S-RO1"), "The property 'number' is read-only"),
        ("read-only status", return_body("RET-X", [line], status="Released"), "The property 'status' is read-only"),
        ("unknown field", return_body("RET-X", [{**line, "unitPrice": 3}]), "The property 'unitPrice' does not exist"),
        (
            "a sequence twice",
            return_body("RET-X", [{**line, "sequence": 10000}, {**line, "sequence": 10000}]),
            "The Sales Line already exists.",
        ),
    ]
    return {name: (body, message) for name, body, message in cases}


REFUSED = (
    "no customer",
    "unknown customer",
    "unknown item",
    "variant of another item",
    "unknown return reason",
    "not an item line",
    "a read-only field",
    "read-only status",
    "unknown field",
    "a sequence twice",
)


@pytest.mark.parametrize("case", REFUSED)
def test_what_the_page_refuses_is_refused_whole_and_takes_no_number(bc: BC, case: str) -> None:
    item, variants = item_with_variants(bc)
    other = next(
        row
        for row in bc.get("items", {"$expand": "itemVariants"}).json()["value"]
        if variants[0] not in [v["code"] for v in row["itemVariants"]]
    )
    body, message = refusals(item, other, variants[0])[case]
    before = create(bc, return_body("RET-RQ-N", [{"lineObjectNumber": item["number"], "quantity": 1}])).json()

    refused = create(bc, body)
    after = create(bc, return_body("RET-RQ-N", [{"lineObjectNumber": item["number"], "quantity": 1}])).json()

    assert refused.status_code == 400
    assert refused.json()["error"]["message"].startswith(message), refused.text
    assert listed(bc, "RET-X") == []
    assert int(after["number"].removeprefix("S-RO")) == int(before["number"].removeprefix("S-RO")) + 1


@pytest.mark.parametrize("body", [b"", b"  "])
def test_an_empty_body_is_refused(bc: BC, body: bytes) -> None:
    response = bc.http.post(page_url(bc), content=body, headers={**bc.headers, "Content-Type": "application/json"})

    assert response.status_code == 400
    assert "empty" in response.json()["error"]["message"]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_return_order_cannot_be_changed_or_deleted_through_the_page(bc: BC, method: str) -> None:
    item, _ = item_with_variants(bc)
    made = create(bc, return_body("RET-RQ-6", [{"lineObjectNumber": item["number"], "quantity": 1}])).json()

    response = bc.http.request(
        method, f"{page_url(bc)}({made['id']})", json={"yourReference": "X"}, headers={**bc.headers, "If-Match": "*"}
    )

    assert response.status_code == 405
    assert listed(bc, "RET-RQ-6")[0]["yourReference"] == ""


def test_an_unknown_return_order_is_not_found(bc: BC) -> None:
    response = bc.http.get(f"{page_url(bc)}(00000000-0000-0000-0000-00000000abcd)", headers=bc.headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "Internal_RecordNotFound"
