"""Koppel's shipment page `api/koppel/shipping/v1.0/companies({id})/salesShipments` (bc-extension/src/
KoppelSalesShipments.Page.al): the posted shipments with their shipping agent, service, package tracking number and
tracking link. GET of the collection ($filter on table fields, $select, $orderby, paging) and of one shipment; the
page is read-only, so every other method is refused."""

from __future__ import annotations

from localdev.simulators.businesscentral.read_only_page import ReadOnlyPage
from localdev.simulators.businesscentral.shipments_schema import KOPPEL_SALES_SHIPMENT
from localdev.simulators.businesscentral.store import ETAG, Record

_STORED = tuple(prop.name for prop in KOPPEL_SALES_SHIPMENT.props if not prop.page_variable)


class ShipmentPage(ReadOnlyPage):
    entity = KOPPEL_SALES_SHIPMENT
    key_name = "shipment"

    def records(self) -> list[Record]:
        return list(self.store.sales_shipments.values())

    def one(self, key: str) -> Record | None:
        found: Record | None = self.store.sales_shipments.get(key.lower())
        return found

    def row(self, record: Record) -> Record:
        """The page's fields of a Sales Shipment Header, trackingUrl filled as the page's OnAfterGetRecord does."""
        row: Record = {ETAG: record[ETAG], **{name: record.get(name) or "" for name in _STORED}}
        agent = self.store.shipping_agents.get(row["shippingAgentCode"])
        row["trackingUrl"] = agent.tracking_url(row["packageTrackingNumber"]) if agent is not None else ""
        return row
