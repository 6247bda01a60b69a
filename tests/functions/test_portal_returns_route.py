"""The portal's return endpoints, called as the host calls them, against Azurite: a return asked for goods of the
customer's own order is kept once per Idempotency-Key and shown to that customer alone; what does not fit is refused
with a 4xx JSON error and keeps nothing."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import azure.functions as func

from domain.models import BcSalesOrder, BcSalesOrderLine, OrderStatus, WebOrderKey
from domain.records import OrderRecord
from functions.container import container
from tests.functions.conftest import trigger

CUSTOMER = "C20000"


def _order_in_bc() -> str:
    """A portal order of CUSTOMER in BC with 3 of item 1900-S; its portal id."""
    order_id = f"PO-{uuid.uuid4().hex[:8]}"
    document = BcSalesOrder(
        id=str(uuid.uuid4()),
        number="S-ORD1077",
        status="Open",
        customer_number=CUSTOMER,
        external_document_number=order_id.upper(),
        total_excluding_tax=Decimal(30),
        total_tax=Decimal("6.30"),
        total_including_tax=Decimal("36.30"),
        lines=(BcSalesOrderLine(line_type="Item", object_number="1900-S", quantity=Decimal(3)),),
    )
    key = WebOrderKey(source="portal", shop="b2b", order_id=order_id)
    container().orders.create(OrderRecord(key=key, status=OrderStatus.IN_BC, bc=document))
    return order_id


def _ask(customer: str, body: dict[str, Any] | bytes, key: str = "") -> func.HttpResponse:
    request = func.HttpRequest(
        "POST",
        f"http://localhost/api/portal/customers/{customer}/returns",
        route_params={"customerNumber": customer},
        headers={"Idempotency-Key": key} if key else {},
        body=body if isinstance(body, bytes) else json.dumps(body).encode(),
    )
    response: func.HttpResponse = trigger("ask_for_a_return")(request)
    return response


def _shown(customer: str, return_id: str) -> func.HttpResponse:
    request = func.HttpRequest(
        "GET",
        f"http://localhost/api/portal/customers/{customer}/returns/{return_id}",
        route_params={"customerNumber": customer, "returnId": return_id},
        body=b"",
    )
    response: func.HttpResponse = trigger("a_return")(request)
    return response


def _lines(quantity: str) -> list[dict[str, str]]:
    return [{"itemNumber": "1900-S", "quantity": quantity, "reasonCode": "DEFECT"}]


def _body(response: func.HttpResponse) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response.get_body())
    return body


def test_a_return_of_the_customers_goods_is_kept_once_and_shown_to_that_customer_alone(app_settings: str):
    order_id = _order_in_bc()

    first = _ask(CUSTOMER, {"orderId": order_id, "lines": _lines("2")}, key="click-1")
    again = _ask(CUSTOMER, {"orderId": order_id, "lines": _lines("2")}, key="click-1")

    assert (first.status_code, again.status_code) == (202, 202)
    return_id = _body(first)["returnId"]
    assert _body(again)["returnId"] == return_id
    shown = _body(_shown(CUSTOMER, return_id))
    assert (shown["orderId"], shown["lines"][0]["quantity"], shown["lines"][0]["reasonCode"]) == (
        order_id,
        "2",
        "DEFECT",
    )
    assert _shown("C99999", return_id).status_code == 404


def test_without_koppels_return_page_the_request_waits_for_a_person_in_the_ops_list(app_settings: str):
    order_id = _order_in_bc()

    asked = _body(_ask(CUSTOMER, {"orderId": order_id, "lines": _lines("1")}))

    assert asked["state"] == "needs_attention"
    listed = trigger("returns_for_a_person")(func.HttpRequest("GET", "http://localhost/api/ops/returns", body=b""))
    assert asked["returnId"] in {each["return_id"] for each in _body(listed)["returns"]}


def test_what_does_not_fit_is_refused_and_nothing_kept(app_settings: str):
    order_id = _order_in_bc()
    refused = [
        (_ask(CUSTOMER, b"not json"), 400, "malformed"),
        (_ask("C1'--", {"orderId": order_id, "lines": _lines("1")}), 400, "malformed"),
        (_ask(CUSTOMER, {"orderId": order_id, "lines": _lines("1")}, key="k" * 201), 400, "malformed"),
        (_ask(CUSTOMER, {"orderId": "PO-NONE", "lines": _lines("1")}), 404, "not_found"),
        (_ask("C99999", {"orderId": order_id, "lines": _lines("1")}), 404, "not_found"),
        (_ask(CUSTOMER, {"orderId": order_id, "lines": _lines("4")}), 422, "cannot_return"),
    ]

    assert [(each.status_code, _body(each)["error"]["code"]) for each, _, _ in refused] == [
        (status, code) for _, status, code in refused
    ]
    key = WebOrderKey(source="portal", shop="b2b", order_id=order_id)
    assert container().portal_returns.requests.for_order(key) == []
