"""The PostedShipments port over BC's posted sales shipments.

API v2.0 `salesShipments` (read-only, page 30062) changed since the watermark, oldest change first, each with its
`salesShipmentLines` in the same pages (`$expand`); then, when Koppel's own page is published (KOPPEL_BC_SHIPPING_API,
bc-extension/src/KoppelSalesShipments.Page.al), the shipping agent, its service, the package tracking number and the
tracking link of the same shipments, read with the same filter. API v2.0 has none of these four: without the page,
shipments come without them. Requests per run: one per page of changed shipments on each of the two entity sets.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.shipments.models import Shipment, ShippedLine
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

SHIPMENT_FIELDS = "id,number,orderNumber,externalDocumentNumber,postingDate,lastModifiedDateTime"
TRACKING_FIELDS = "id,shippingAgentCode,shippingAgentServiceCode,packageTrackingNumber,trackingUrl"
LINES = "salesShipmentLines"
ITEM_LINE = "Item"


class BusinessCentralShipments:
    def __init__(self, client: BusinessCentralClient, shipping_api_url: str | None = None) -> None:
        """`shipping_api_url`: the company URL of Koppel's shipment page (Settings.bc_shipping_url); None when it is
        not published."""
        self._client = client
        self._tracking_url = f"{shipping_api_url.rstrip('/')}/salesShipments" if shipping_api_url else None

    def changed_since(self, since: datetime | None) -> Iterator[Shipment]:
        changed = {"$filter": f"lastModifiedDateTime gt {odata.moment(since)}"} if since is not None else {}
        params = {"$select": SHIPMENT_FIELDS, "$expand": LINES, "$orderby": "lastModifiedDateTime", **changed}
        rows = self._client.get_all("salesShipments", params)
        tracking = self._tracking(changed) if rows else {}
        for row in rows:
            yield _shipment(row, tracking.get(str(row["id"]).lower(), {}))

    def _tracking(self, changed: dict[str, str]) -> dict[str, dict[str, Any]]:
        """Koppel's page rows by shipment id, read after API v2.0's: a shipment changed in between is read here as
        it stands now (newer), and found again by the next run, since its lastModifiedDateTime moved."""
        if self._tracking_url is None:
            return {}
        rows = self._client.get_all_url(self._tracking_url, {"$select": TRACKING_FIELDS, **changed})
        return {str(row["id"]).lower(): row for row in rows}


def _shipment(row: dict[str, Any], tracking: dict[str, Any]) -> Shipment:
    return Shipment(
        number=row["number"],
        order_number=row.get("orderNumber") or "",
        external_document_number=row.get("externalDocumentNumber") or "",
        posting_date=date.fromisoformat(row["postingDate"]),
        lines=shipped_lines(row.get(LINES) or []),
        shipping_agent=tracking.get("shippingAgentCode") or "",
        shipping_agent_service=tracking.get("shippingAgentServiceCode") or "",
        tracking_number=tracking.get("packageTrackingNumber") or "",
        tracking_url=tracking.get("trackingUrl") or "",
        changed_at=datetime.fromisoformat(row["lastModifiedDateTime"]),
    )


def shipped_lines(rows: list[dict[str, Any]]) -> tuple[ShippedLine, ...]:
    """The Item lines as BC has them (quantity 0 and Undo Shipment's negative corrections included), in Line No.
    order. BC ships every line type (the shipping charge's G/L Account line too: SalesLine InitQtyToShip), but only
    items are fulfilled in a shop (Microsoft's Shopify connector keeps `Type = Item`, ShpfyExportShipments)."""
    items = [row for row in rows if odata.enum_value(row.get("lineType")) == ITEM_LINE]
    ordered = sorted(items, key=lambda line: int(line["sequence"]))
    return tuple(
        ShippedLine(
            sequence=int(row["sequence"]),
            item_number=row.get("lineObjectNumber") or "",
            description=row.get("description") or "",
            quantity=Decimal(str(row.get("quantity") or 0)),
        )
        for row in ordered
    )
