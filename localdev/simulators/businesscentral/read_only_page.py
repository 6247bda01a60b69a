"""What Koppel's read-only API pages over posted documents share (bc-extension/: salesShipments,
postedSalesCreditMemos): GET of the collection ($filter, $select, $orderby, paging, on the page's fields) and of one
record by its key; the company must exist; every other method refused as BC refuses it."""

from __future__ import annotations

from aiohttp import web

from localdev.simulators.businesscentral.api import collection_response, json_response
from localdev.simulators.businesscentral.errors import BCError, bad_request, record_not_found
from localdev.simulators.businesscentral.query import parse_query, project
from localdev.simulators.businesscentral.schema import EntityType
from localdev.simulators.businesscentral.store import Record, Store
from localdev.simulators.businesscentral.validation import GUID_PATTERN


class ReadOnlyPage:
    """A page over `records()`; `row` makes a stored record the page's (page variables filled)."""

    entity: EntityType
    key_name: str
    """The route's name for the record key."""

    def __init__(self, store: Store, page_size: int) -> None:
        self.store = store
        self.page_size = page_size

    def records(self) -> list[Record]:
        raise NotImplementedError

    def one(self, key: str) -> Record | None:
        raise NotImplementedError

    def row(self, record: Record) -> Record:
        return record

    def handle(self, request: web.Request) -> web.Response:
        try:
            return self._handle(request)
        except BCError as error:
            return json_response(error.body(), error.status, error.headers)

    def _handle(self, request: web.Request) -> web.Response:
        set_name = self.entity.set_name
        company = request.match_info["company"].lower()
        if self.store.companies.get(company) is None:
            raise record_not_found("company", company)
        key = request.match_info.get(self.key_name)
        if key is not None and not GUID_PATTERN.match(key):
            raise bad_request(f"Bad Request - Error in query syntax. The key value '{key}' is not a valid Guid.")
        if request.method != "GET":
            raise BCError(
                405,
                "BadRequest_MethodNotAllowed",
                f"'{request.method}' requests for '{set_name}' are not allowed within Dynamics 365 Business "
                "Central OData web services.",
            )
        base = str(request.url.with_query(None)).split(f"/{set_name}", 1)[0]
        context = f"{base}/$metadata#companies({company})/{set_name}"
        options = parse_query(dict(request.query), self.entity)
        if key is None:

            def shape(records: list[Record]) -> list[Record]:
                return [project(self.row(record), options.select) for record in records]

            rows = sorted(self.records(), key=lambda row: str(row["number"]))
            return collection_response(request, context, rows, options, page_size=self.page_size, shape=shape)
        found = self.one(key)
        if found is None:
            raise record_not_found(self.entity.name, key)
        return json_response({"@odata.context": f"{context}/$entity", **project(self.row(found), options.select)})
