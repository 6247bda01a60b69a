"""Koppel's shipment page `api/koppel/shipping/v1.0/companies({id})/salesShipments` (bc-extension/src/
KoppelSalesShipments.Page.al): the posted shipments with their shipping agent, service, package tracking number and
tracking link. GET of the collection ($filter on table fields, $select, $orderby, paging) and of one shipment; the
page is read-only, so every other method is refused."""

from __future__ import annotations

from aiohttp import web

from localdev.simulators.businesscentral.api import collection_response, json_response
from localdev.simulators.businesscentral.errors import BCError, bad_request, record_not_found
from localdev.simulators.businesscentral.query import parse_query, project
from localdev.simulators.businesscentral.shipments_schema import KOPPEL_SALES_SHIPMENT
from localdev.simulators.businesscentral.store import ETAG, Record, Store
from localdev.simulators.businesscentral.validation import GUID_PATTERN

_STORED = tuple(prop.name for prop in KOPPEL_SALES_SHIPMENT.props if not prop.page_variable)


class ShipmentPage:
    def __init__(self, store: Store, page_size: int) -> None:
        self.store = store
        self.page_size = page_size

    def handle(self, request: web.Request) -> web.Response:
        try:
            return self._handle(request)
        except BCError as error:
            return json_response(error.body(), error.status, error.headers)

    def _handle(self, request: web.Request) -> web.Response:
        company = request.match_info["company"].lower()
        if self.store.companies.get(company) is None:
            raise record_not_found("company", company)
        key = request.match_info.get("shipment")
        if key is not None and not GUID_PATTERN.match(key):
            raise bad_request(f"Bad Request - Error in query syntax. The key value '{key}' is not a valid Guid.")
        if request.method != "GET":
            raise BCError(
                405,
                "BadRequest_MethodNotAllowed",
                f"'{request.method}' requests for 'salesShipments' are not allowed within Dynamics 365 Business "
                "Central OData web services.",
            )
        base = str(request.url.with_query(None)).split("/salesShipments", 1)[0]
        context = f"{base}/$metadata#companies({company})/salesShipments"
        options = parse_query(dict(request.query), KOPPEL_SALES_SHIPMENT)
        if key is None:

            def shape(records: list[Record]) -> list[Record]:
                return [project(self._row(record), options.select) for record in records]

            rows = sorted(self.store.sales_shipments.values(), key=lambda row: str(row["number"]))
            return collection_response(request, context, rows, options, page_size=self.page_size, shape=shape)
        shipment = self.store.sales_shipments.get(key.lower())
        if shipment is None:
            raise record_not_found(KOPPEL_SALES_SHIPMENT.name, key)
        return json_response({"@odata.context": f"{context}/$entity", **project(self._row(shipment), options.select)})

    def _row(self, shipment: Record) -> Record:
        """The page's fields of a Sales Shipment Header, trackingUrl filled as the page's OnAfterGetRecord does."""
        row: Record = {ETAG: shipment[ETAG], **{name: shipment.get(name) or "" for name in _STORED}}
        agent = self.store.shipping_agents.get(row["shippingAgentCode"])
        row["trackingUrl"] = agent.tracking_url(row["packageTrackingNumber"]) if agent is not None else ""
        return row
