"""What the customer is shown of an order's status (`GET /api/orders/{source}/{shop}/{orderId}/status`, for the
portal and a shop's "track my order" page): the step, the expected delivery date, and per shipment its carrier,
tracking number and link and the quantity shipped per item; whether goods came back (`returned`: BC posted a credit
memo) and money was paid back (`refunded`), and the returns asked on the portal with their state. Nothing else: no
problems, controls or carrier words meant for a person, no amounts. camelCase names and quantities as decimal
strings, as the portal's JSON has them.

    {"orderNumber": "1001", "status": "partly_shipped", "expectedDeliveryDate": "2026-12-10",
     "returned": false, "refunded": false, "returns": [{"returnId": "RET-1A2B3C4D5E6F", "state": "in_bc",
                                                        "returnOrderNumber": "S-RO1001"}],
     "shipments": [{"shipmentNumber": "S-SHPT1", "shippedOn": "2026-12-07", "status": "out_for_delivery",
                    "carrier": "postnl", "trackingNumber": "3SABC123", "trackingUrl": "https://...",
                    "lines": [{"itemNumber": "CHAIR-RED", "description": "Chair, red", "quantity": "2"}]}]}

`status` is a Progress value, or `cancelled`; a parcel the carrier has under a tracking number no BC shipment
carries is a shipment with `shipmentNumber` and `shippedOn` null and no lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.refunds.return_request import ReturnRequest
from domain.shipments.order_status import OrderStatusView, ParcelProgress, ShipmentProgress

CANCELLED = "cancelled"
"""The status shown for a cancelled order, whatever step it had reached."""


def customer_status(view: OrderStatusView) -> dict[str, Any]:
    """The customer's answer, JSON-ready."""
    expected = view.expected_delivery
    return {
        "orderNumber": view.web_number,
        "status": CANCELLED if view.cancelled else view.progress.value,
        "expectedDeliveryDate": expected.on.isoformat() if expected else None,
        "returned": view.returned,
        "refunded": view.refunded,
        "returns": [_return(asked) for asked in view.returns],
        "shipments": [_shipment(shipment) for shipment in view.shipments]
        + [_parcel(parcel) for parcel in view.other_parcels],
    }


def _return(asked: ReturnRequest) -> dict[str, Any]:
    """A return asked on the portal: its id, where it stands (requested, in_bc, needs_attention), BC's number."""
    return {"returnId": asked.return_id, "state": asked.state.value, "returnOrderNumber": asked.return_order_number}


def _shipment(shipment: ShipmentProgress) -> dict[str, Any]:
    return {
        "shipmentNumber": shipment.number,
        "shippedOn": shipment.posting_date.isoformat(),
        "status": shipment.step.value,
        "carrier": shipment.carrier,
        "trackingNumber": shipment.tracking_number,
        "trackingUrl": shipment.link,
        "lines": [
            {"itemNumber": line.item_number, "description": line.description, "quantity": _number(line.quantity)}
            for line in shipment.lines
        ],
    }


def _parcel(parcel: ParcelProgress) -> dict[str, Any]:
    return {
        "shipmentNumber": None,
        "shippedOn": None,
        "status": parcel.step.value,
        "carrier": parcel.carrier,
        "trackingNumber": parcel.tracking_number,
        "trackingUrl": parcel.tracking_url,
        "lines": [],
    }


def _number(value: Decimal) -> str:
    """Without trailing zeros or exponent: 2, 2.5."""
    return f"{value.normalize():f}"
