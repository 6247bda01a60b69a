"""The B2B portal's signed orders (Standard Webhooks) through the stack into BC, priced by BC."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from standardwebhooks import Webhook

from localdev.stack import LocalStack
from tests.integration.conftest import PORTAL_SECRET
from tests.integration.support import wait_for


def _post(stack: LocalStack, order: dict[str, Any], sent_at: datetime | None = None) -> httpx.Response:
    body = json.dumps(order)
    message_id = f"msg_{order['orderId']}_{time.monotonic_ns()}"
    sent = sent_at or datetime.now(UTC)
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": Webhook(PORTAL_SECRET).sign(message_id, sent, body),
        "Content-Type": "application/json",
    }
    return httpx.post(f"{stack.host_url}/api/webhooks/portal", content=body, headers=headers)


def _settled(stack: LocalStack, order_id: str) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        response = httpx.get(f"{stack.host_url}/api/orders/portal/b2b/{order_id}")
        body: dict[str, Any] = response.json() if response.status_code == 200 else {}
        return body if body.get("status") in ("in_bc", "needs_attention", "failed") else None

    return wait_for(check)


def _portal_order(order_id: str, customer_number: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "orderId": order_id,
        "customerNumber": customer_number,
        "purchaseOrderReference": "Inkoop 4711",
        "requestedDeliveryDate": (datetime.now(UTC) + timedelta(days=5)).date().isoformat(),
        "lines": lines,
        "placedAt": datetime.now(UTC).isoformat(),
    }


def test_a_portal_order_lands_in_bc_for_its_customer_at_bc_prices(stack: LocalStack):
    probe = stack.bc_probe()
    company = next(c for c in probe.all("customers") if c["type"] == "Company" and c["blocked"] == "_x0020_")
    variant = probe.all("itemVariants", **{"$top": "1"})[0]
    item = next(i for i in probe.all("items", **{"$top": "30"}) if not i["blocked"] and i["id"] != variant["itemId"])
    lines = [
        {"itemNumber": item["number"], "quantity": 12},
        {"itemNumber": variant["itemNumber"], "variantCode": variant["code"], "quantity": 2},
    ]

    accepted = _post(stack, _portal_order("PO-0001", company["number"], lines))

    assert accepted.status_code == 202
    found = _settled(stack, "PO-0001")
    assert found["status"] == "in_bc"
    assert found["bc_customer_number"] == company["number"]
    [document] = probe.sales_orders("PO-0001")
    assert document["customerNumber"] == company["number"]
    comment, first, second = document["salesOrderLines"]
    assert comment["lineType"] == "Comment"
    assert comment["description"] == "Customer reference: Inkoop 4711"
    assert first["unitPrice"] == item["unitPrice"]
    assert first["quantity"] == 12
    assert second["itemVariantId"] == variant["id"]


def test_an_unknown_customer_number_parks_the_order(stack: LocalStack):
    item = stack.bc_probe().all("items", **{"$top": "1"})[0]
    _post(stack, _portal_order("PO-0002", "C99999", [{"itemNumber": item["number"], "quantity": 1}]))
    found = _settled(stack, "PO-0002")
    assert found["status"] == "needs_attention"
    assert found["problem"] == "Customer C99999 named by the order does not exist in BC"


def test_a_replayed_old_request_and_a_wrong_signature_are_refused(stack: LocalStack):
    order = _portal_order("PO-0003", "C10000", [{"itemNumber": "KOF-1001", "quantity": 1}])
    replayed = _post(stack, order, sent_at=datetime.now(UTC) - timedelta(minutes=6))
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "unauthenticated"
    assert httpx.get(f"{stack.host_url}/api/orders/portal/b2b/PO-0003").status_code == 404
    forged = httpx.post(
        f"{stack.host_url}/api/webhooks/portal",
        content=json.dumps(order),
        headers={"webhook-id": "msg_x", "webhook-timestamp": str(int(time.time())), "webhook-signature": "v1,AAAA"},
    )
    assert forged.status_code == 401
