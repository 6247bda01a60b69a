"""Koppel's release API page `api/koppel/sales/v1.0/companies({id})/salesOrders` (bc-extension/src/
KoppelSalesOrderRelease.Page.al) read as a collection ($select, $top, paging): what Koppel's preflight reads. Its
`status` field (the Sales Header's Status, not API v2.0's) is not modelled, so a $select of it is refused."""

from __future__ import annotations

from aiohttp import web

from localdev.simulators.businesscentral.api import collection_response, error_response
from localdev.simulators.businesscentral.errors import BCError, record_not_found
from localdev.simulators.businesscentral.query import parse_query, project
from localdev.simulators.businesscentral.schema import EntityType, Kind, ro
from localdev.simulators.businesscentral.store import Record, Store

RELEASE_SALES_ORDER = EntityType(
    "salesOrder",
    "salesOrders",
    (
        ro("id", Kind.GUID),
        ro("number"),
        ro("externalDocumentNumber"),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    namespace="koppel.sales",
)


def release_orders(request: web.Request, store: Store, page_size: int) -> web.Response:
    """GET of the page's collection: the sales orders, each with the page's fields only."""
    try:
        company = request.match_info["company"].lower()
        if store.companies.get(company) is None:
            raise record_not_found("company", company)
        options = parse_query(dict(request.query), RELEASE_SALES_ORDER)
        fields = tuple(prop.name for prop in RELEASE_SALES_ORDER.props)
        context = f"{str(request.url.with_query(None)).rsplit('/companies(', 1)[0]}/$metadata#salesOrders"

        def shape(records: list[Record]) -> list[Record]:
            return [project({name: row.get(name) for name in fields}, options.select) for row in records]

        rows = sorted(store.sales_orders.values(), key=lambda row: str(row["number"]))
        return collection_response(request, context, rows, options, page_size=page_size, shape=shape)
    except BCError as error:
        return error_response(error)
