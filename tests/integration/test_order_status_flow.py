"""The order status anyone can read, through the real endpoints: a web order taken into BC, shipped there in two
parts (the shipment poll run now), its parcels followed by Sendcloud's webhooks to delivery."""

from __future__ import annotations

from typing import Any

import httpx

from localdev.stack import LocalStack
from tests.integration.support import a_catalog_order, deliver_order, settled_dossier, wait_for


def _status(stack: LocalStack, order_id: int) -> dict[str, Any]:
    response = httpx.get(f"{stack.host_url}/api/orders/woocommerce/shop-a/{order_id}/status", timeout=30)
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def _ship(stack: LocalStack, sales_order_id: str, tracking: str, lines: list[dict[str, Any]] | None = None) -> None:
    """A shipment posted in BC by PostNL with `tracking`: the `lines` given, else all that is left to ship; then the
    shipment poll run now."""
    assert stack.bc is not None
    body: dict[str, Any] = {"shippingAgentCode": "POSTNL", "packageTrackingNumber": tracking}
    if lines is not None:
        body["lines"] = lines
    url = f"{stack.bc.url}/_sim/salesOrders/{sales_order_id}/shipments"
    httpx.post(url, json=body, timeout=30).raise_for_status()
    httpx.post(f"{stack.host_url}/api/ops/sync/bc-shipments/run", timeout=60).raise_for_status()


def _delivered_by_sendcloud(stack: LocalStack, tracking: str) -> None:
    """Sendcloud's parcel with the tracking number: in transit, then delivered (webhooks to Koppel)."""
    assert stack.sendcloud is not None
    parcels = f"{stack.sendcloud.url}/_sim/parcels"
    parcel = httpx.post(parcels, json={"tracking_number": tracking}, timeout=30).raise_for_status().json()
    for status_id in (91, 11):
        httpx.post(f"{parcels}/{parcel['id']}/status", json={"id": status_id}, timeout=30).raise_for_status()


def _when(stack: LocalStack, order_id: int, status: str) -> dict[str, Any]:
    return wait_for(lambda: answer if (answer := _status(stack, order_id))["status"] == status else None)


def test_a_web_order_shipped_in_two_parts_is_shown_partly_shipped_shipped_then_delivered(stack: LocalStack):
    order = a_catalog_order(stack)
    deliver_order(stack, order)
    assert settled_dossier(stack, order.order_id)["status"] == "in_bc"
    [sales_order] = stack.bc_probe().sales_orders(str(order.order_id))
    items = [line for line in sales_order["salesOrderLines"] if line["lineType"] == "Item"]
    first, second = f"3SKOPA{order.order_id}", f"3SKOPB{order.order_id}"

    _ship(stack, sales_order["id"], first, [{"sequence": items[0]["sequence"], "quantity": items[0]["quantity"]}])
    partly = _when(stack, order.order_id, "partly_shipped")
    _ship(stack, sales_order["id"], second)
    shipped = _when(stack, order.order_id, "shipped")
    _delivered_by_sendcloud(stack, first)
    _delivered_by_sendcloud(stack, second)
    delivered = _when(stack, order.order_id, "delivered")

    [part] = partly["shipments"]
    assert (part["trackingNumber"], part["carrier"]) == (first, "POSTNL")
    assert first in part["trackingUrl"]
    assert [line["itemNumber"] for line in part["lines"]] == [items[0]["lineObjectNumber"]]
    assert [each["trackingNumber"] for each in shipped["shipments"]] == [first, second]
    assert [each["status"] for each in delivered["shipments"]] == ["delivered", "delivered"]
    assert (delivered["orderNumber"], delivered["expectedDeliveryDate"]) == (str(order.order_id), None)
