"""What a warehouse worker does in BC, through the BC simulator's /_sim/ shipment controls
(localdev/simulators/businesscentral/shipment_controls.py): post a shipment of a sales order, or put a tracking
number on a posted one ("Update Document"). Used by `make demo`, `bench shipments` and the chaos run."""

from __future__ import annotations

from typing import Any

import httpx


def post_shipment(http: httpx.Client, bc_url: str, sales_order_id: str, body: dict[str, Any]) -> str:
    """The posted shipment's id; `body` as the control takes it (lines, agent, service, tracking number)."""
    url = f"{bc_url}/_sim/salesOrders/{sales_order_id}/shipments"
    shipment_id: str = http.post(url, json=body).raise_for_status().json()["id"]
    return shipment_id


def update_shipment(http: httpx.Client, bc_url: str, shipment_id: str, tracking: dict[str, Any]) -> None:
    """The posted shipment's agent, service or tracking number changed after posting."""
    http.post(f"{bc_url}/_sim/salesShipments/{shipment_id}/update", json=tracking).raise_for_status()
