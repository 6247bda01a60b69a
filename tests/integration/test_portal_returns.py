"""A B2B return asked on the portal, through the stack: the portal order lands in BC; the customer asks to send part
of it back; the booking timer makes one BC sales return order through Koppel's page (KOPPEL_BC_RETURNS_API), with
the return id as its Your Reference and the order's externalDocumentNumber, so BC's credit memo from it is filed on
the web order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from localdev.demo import DEMO_SETTINGS
from localdev.stack import LocalStack
from tests.integration.conftest import running_stack
from tests.integration.support import wait_for
from tests.integration.test_portal import _portal_order, _post, _settled


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """The integration stack with Koppel's return order page; the booking timer (which makes return orders) every
    2 seconds."""
    yield from running_stack(
        KOPPEL_BC_RETURNS_API=DEMO_SETTINGS["KOPPEL_BC_RETURNS_API"], KOPPEL_BOOKING_SCHEDULE="*/2 * * * * *"
    )


def _return(stack: LocalStack, customer: str, body: dict[str, Any], key: str) -> httpx.Response:
    url = f"{stack.host_url}/api/portal/customers/{customer}/returns"
    return httpx.post(url, json=body, headers={"Idempotency-Key": key}, timeout=30)


def test_a_return_asked_on_the_portal_becomes_one_bc_return_order(stack: LocalStack):
    probe = stack.bc_probe()
    company = next(c for c in probe.all("customers") if c["type"] == "Company" and c["blocked"] == "_x0020_")
    item = next(i for i in probe.all("items", **{"$top": "30"}) if not i["blocked"])
    _post(stack, _portal_order("PO-R001", company["number"], [{"itemNumber": item["number"], "quantity": 5}]))
    assert _settled(stack, "PO-R001")["status"] == "in_bc"
    line = {"itemNumber": item["number"], "quantity": "2", "reasonCode": "DEFECT"}
    body: dict[str, Any] = {"orderId": "PO-R001", "lines": [line]}

    asked = _return(stack, company["number"], body, "click-1")
    again = _return(stack, company["number"], body, "click-1")

    assert (asked.status_code, again.status_code) == (202, 202)
    return_id = asked.json()["returnId"]
    assert again.json()["returnId"] == return_id
    shown_at = f"{stack.host_url}/api/portal/customers/{company['number']}/returns/{return_id}"

    def made() -> dict[str, Any] | None:
        shown: dict[str, Any] = httpx.get(shown_at, timeout=30).json()
        return shown if shown["state"] == "in_bc" else None

    number = wait_for(made, timeout=60)["returnOrderNumber"]
    assert stack.bc is not None
    [order] = [each for each in stack.bc.store.return_orders.values() if each["yourReference"] == return_id]
    assert (order["number"], order["customerNumber"], order["externalDocumentNumber"]) == (
        number,
        company["number"],
        "PO-R001",
    )
    [made_line] = stack.bc.store.return_order_lines_of(order["id"]).values()
    assert (made_line["lineObjectNumber"], made_line["quantity"], made_line["returnReasonCode"]) == (
        item["number"],
        2,
        "DEFECT",
    )
    status = httpx.get(f"{stack.host_url}/api/orders/portal/b2b/PO-R001/status", timeout=30).json()
    assert status["returns"] == [{"returnId": return_id, "state": "in_bc", "returnOrderNumber": number}]
    too_many = _return(stack, company["number"], body | {"lines": [line | {"quantity": "4"}]}, "click-2")
    assert (too_many.status_code, too_many.json()["error"]["code"]) == (422, "cannot_return")
