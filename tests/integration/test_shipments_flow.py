"""Shipments through the real endpoints: a web order taken into BC and shipped there shows its shipment in its
dossier, and a tracking number added in BC after posting as the shipment's second version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from localdev.stack import LocalStack
from tests.integration.conftest import running_stack
from tests.integration.support import a_catalog_order, deliver_order, dossier, settled_dossier, wait_for


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """A stack that reads the tracking fields from Koppel's shipment page."""
    yield from running_stack(KOPPEL_BC_SHIPPING_API="koppel/shipping/v1.0")


def _run_now(stack: LocalStack) -> dict[str, Any]:
    response = httpx.post(f"{stack.host_url}/api/ops/sync/bc-shipments/run", timeout=60)
    response.raise_for_status()
    summary: dict[str, Any] = response.json()
    return summary


def _shipments(stack: LocalStack, order_id: int) -> list[dict[str, Any]]:
    shipments: list[dict[str, Any]] = dossier(stack, order_id).json()["shipments"]
    return shipments


def test_a_shipment_posted_in_bc_and_its_later_tracking_number_reach_the_dossier(stack: LocalStack):
    order = a_catalog_order(stack)
    deliver_order(stack, order)
    assert settled_dossier(stack, order.order_id)["status"] == "in_bc"
    [sales_order] = stack.bc_probe().sales_orders(str(order.order_id))
    assert stack.bc is not None
    posted = httpx.post(f"{stack.bc.url}/_sim/salesOrders/{sales_order['id']}/shipments", json={}, timeout=30)
    shipment = posted.raise_for_status().json()

    assert _run_now(stack)["completed"] is True
    [first] = wait_for(lambda: _shipments(stack, order.order_id))
    tracking = {"packageTrackingNumber": f"3SKOP{order.order_id}"}
    update = f"{stack.bc.url}/_sim/salesShipments/{shipment['id']}/update"
    httpx.post(update, json=tracking, timeout=30).raise_for_status()
    _run_now(stack)
    [latest] = wait_for(lambda: [each for each in _shipments(stack, order.order_id) if each["version"] == 2])

    assert (first["shipment"]["number"], first["shipment"]["order_number"]) == (
        shipment["number"],
        sales_order["number"],
    )
    assert latest["shipment"]["tracking_number"] == tracking["packageTrackingNumber"]
    assert [revision["changes"] for revision in latest["history"]] == [["posted"], ["tracking"]]
    runs = httpx.get(f"{stack.host_url}/api/ops/sync/bc-shipments", timeout=30).json()["runs"]
    assert sum(run["counts"]["new shipments"] for run in runs) >= 1
