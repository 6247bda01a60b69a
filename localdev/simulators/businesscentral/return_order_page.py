"""Koppel's page `api/koppel/returns/v1.0/companies({id})/salesReturnOrders` (bc-extension/src/
KoppelSalesReturnOrders.Page.al): POST of a return order with its salesReturnOrderLines (a deep insert,
return_orders.py), GET of the collection ($filter, $select, $orderby, $expand=salesReturnOrderLines, paging) and of
one by its id. The page allows no PATCH or DELETE: refused as BC refuses them."""

from __future__ import annotations

import uuid

from aiohttp import web

from localdev.simulators.businesscentral.api import body_json, collection_response, json_response
from localdev.simulators.businesscentral.errors import BCError, bad_request, record_not_found
from localdev.simulators.businesscentral.query import QueryOptions, parse_query, project
from localdev.simulators.businesscentral.return_orders import LINES, ReturnOrders
from localdev.simulators.businesscentral.return_orders_schema import (
    KOPPEL_SALES_RETURN_ORDER,
    KOPPEL_SALES_RETURN_ORDER_LINE,
)
from localdev.simulators.businesscentral.store import Record, Store
from localdev.simulators.businesscentral.validation import GUID_PATTERN

SET_NAME = KOPPEL_SALES_RETURN_ORDER.set_name


class ReturnOrderPage:
    def __init__(self, store: Store, page_size: int) -> None:
        self.store = store
        self.page_size = page_size
        self.orders = ReturnOrders(store, lambda: str(uuid.uuid4()))

    async def handle(self, request: web.Request) -> web.Response:
        try:
            return await self._handle(request)
        except BCError as error:
            return json_response(error.body(), error.status, error.headers)

    async def _handle(self, request: web.Request) -> web.Response:
        company = request.match_info["company"].lower()
        if self.store.companies.get(company) is None:
            raise record_not_found("company", company)
        key = request.match_info.get("order")
        if key is not None and not GUID_PATTERN.match(key):
            raise bad_request(f"Bad Request - Error in query syntax. The key value '{key}' is not a valid Guid.")
        base = str(request.url.with_query(None)).split(f"/{SET_NAME}", 1)[0]
        context = f"{base}/$metadata#companies({company})/{SET_NAME}"
        options = parse_query(dict(request.query), KOPPEL_SALES_RETURN_ORDER)
        if key is None and request.method == "POST":
            created = self.orders.create(body_json(await request.read()))
            location = f"{base}/{SET_NAME}({created['id']})"
            return json_response(self._render(context, created, options), 201, {"Location": location})
        if request.method != "GET":
            kind = "Collection" if key is None else "Entity"
            raise BCError(
                405,
                "BadRequest_MethodNotAllowed",
                f"'{request.method}' requests for '{SET_NAME}' of EdmType '{kind}' are not allowed within Dynamics "
                "365 Business Central OData web services.",
            )
        if key is None:

            def shape(records: list[Record]) -> list[Record]:
                return [self._shape(record, options) for record in records]

            rows = self.store.return_orders.values()
            return collection_response(request, context, rows, options, page_size=self.page_size, shape=shape)
        found = self.store.return_orders.get(key)
        if found is None:
            raise record_not_found(KOPPEL_SALES_RETURN_ORDER.name, key)
        return json_response(self._render(context, found, options))

    def _render(self, context: str, order: Record, options: QueryOptions) -> Record:
        return {"@odata.context": f"{context}/$entity", **self._shape(order, options)}

    def _shape(self, order: Record, options: QueryOptions) -> Record:
        shaped = project(order, options.select, enums=KOPPEL_SALES_RETURN_ORDER.enums)
        if LINES in options.expand:
            enums = KOPPEL_SALES_RETURN_ORDER_LINE.enums
            shaped[LINES] = [project(line, None, enums=enums) for line in self.orders.lines(order)]
        return shaped
