"""BC webhooks end to end: the keeper (run through the ops endpoint of the local host) subscribes to salesInvoices in
the BC simulator, which first does the validation handshake against the host; an order Koppel put in BC is then
shipped and invoiced in BC, the simulator notifies the host and the invoice is filed on the web order's record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from localdev.stack import BC_CLIENT_ID, LocalStack
from tests.integration.support import a_catalog_order, deliver_order, dossier, settled_dossier, wait_for

RUN = "bc-subscriptions"


def _bc(stack: LocalStack) -> httpx.Client:
    """A BC user's client at the API root (`.../api/v2.0/`): subscriptions live beside the companies."""
    assert stack.bc is not None
    form = {
        "grant_type": "client_credentials",
        "client_id": BC_CLIENT_ID,
        "client_secret": stack.bc_client_secret,
        "scope": "https://api.businesscentral.dynamics.com/.default",
    }
    token = httpx.post(stack.bc.token_url, data=form, timeout=30).raise_for_status().json()["access_token"]
    return httpx.Client(base_url=f"{stack.bc.api_base}/", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _keep_now(stack: LocalStack) -> dict[str, Any]:
    response = httpx.post(f"{stack.host_url}/api/ops/sync/{RUN}/run", timeout=60)
    assert response.status_code == 200, response.text
    summary: dict[str, Any] = response.json()
    return summary


def _subscriptions(bc: httpx.Client) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = bc.get("subscriptions").raise_for_status().json()["value"]
    return rows


def _live(bc: httpx.Client) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [s for s in _subscriptions(bc) if datetime.fromisoformat(s["expirationDateTime"]) > now]


def _of_invoices(subscriptions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in subscriptions if s["resource"].endswith("/salesInvoices")]


def _invoiced_order(stack: LocalStack, bc: httpx.Client) -> tuple[int, str]:
    """A web order sent through the host into BC, then shipped and invoiced there; its id and the invoice number."""
    assert stack.bc is not None
    order = a_catalog_order(stack)
    deliver_order(stack, order)
    assert settled_dossier(stack, order.order_id)["status"] == "in_bc"
    [document] = stack.bc_probe().sales_orders(str(order.order_id))
    company = f"companies({stack.bc.company_id})"
    bc.post(f"{company}/salesOrders({document['id']})/Microsoft.NAV.shipAndInvoice").raise_for_status()
    filter_ = f"orderNumber eq '{document['number']}'"
    [invoice] = bc.get(f"{company}/salesInvoices", params={"$filter": filter_}).raise_for_status().json()["value"]
    return order.order_id, str(invoice["number"])


def _filed(stack: LocalStack, order_id: int) -> list[str] | None:
    invoices = [invoice["number"] for invoice in dossier(stack, order_id).json()["invoices"]]
    return invoices or None


def test_a_posted_invoice_reaches_its_order_through_the_subscription_the_keeper_made(stack: LocalStack):
    assert stack.bc is not None
    bc = _bc(stack)

    first = _keep_now(stack)
    again = _keep_now(stack)

    assert (first["read"], first["changed"], first["failed"], first["problems"]) == (2, 2, 0, [])
    assert (again["changed"], again["failed"]) == (0, 0), "a live subscription is kept, not made again"
    subscriptions = _subscriptions(bc)
    assert {s["notificationUrl"] for s in subscriptions} == {f"{stack.host_url}/api/webhooks/businesscentral"}
    assert sorted(s["resource"] for s in subscriptions) == [
        f"/api/v2.0/companies({stack.bc.company_id})/salesCreditMemos",
        f"/api/v2.0/companies({stack.bc.company_id})/salesInvoices",
    ]

    order_id, number = _invoiced_order(stack, bc)

    assert wait_for(lambda: _filed(stack, order_id)) == [number]
    assert wait_for(lambda: _notified_filing(stack)), "the notification itself filed the invoice"


def _notified_filing(stack: LocalStack) -> bool:
    """A notification of today was worked and filed an invoice on a web order (the booking timer's poll may have
    filed it first: filing again is no change, and still counted)."""
    today = datetime.now(UTC).date().isoformat()
    response = httpx.get(f"{stack.host_url}/api/orders/businesscentral/notifications/{today}", timeout=30)
    events = response.json().get("events", []) if response.status_code == 200 else []
    notes = [event["note"] for event in events if event["status"] == "processed"]
    return any("invoices filed on web orders: 1;" in note for note in notes)


def test_an_expired_subscription_is_replaced_and_notifications_flow_again(stack: LocalStack):
    assert stack.bc is not None
    bc = _bc(stack)
    _keep_now(stack)
    [before] = _of_invoices(_live(bc))
    httpx.post(f"{stack.bc.url}/_sim/subscriptions/{before['subscriptionId']}/expire", timeout=30).raise_for_status()

    summary = _keep_now(stack)

    assert (summary["changed"], summary["failed"]) == (1, 0)
    [after] = _of_invoices(_live(bc))
    assert after["subscriptionId"] != before["subscriptionId"]
    order_id, number = _invoiced_order(stack, bc)
    assert wait_for(lambda: _filed(stack, order_id)) == [number]
