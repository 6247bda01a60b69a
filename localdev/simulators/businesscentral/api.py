"""The OData API itself: resolves a resource path, then reads or changes the store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from localdev.simulators.businesscentral.credit_memo_drafts import SalesCreditMemoDrafts
from localdev.simulators.businesscentral.customers import Customers
from localdev.simulators.businesscentral.entity_sets import ENTITY_TYPES
from localdev.simulators.businesscentral.errors import (
    BCError,
    bad_request,
    dialog,
    not_found_segment,
    record_not_found,
)
from localdev.simulators.businesscentral.invoicing import NOTHING_TO_POST, ship_and_invoice
from localdev.simulators.businesscentral.paths import Segment, parse_path
from localdev.simulators.businesscentral.payments import CustomerPayments
from localdev.simulators.businesscentral.payments_schema import SUBSCRIPTION
from localdev.simulators.businesscentral.query import (
    QueryOptions,
    encode_skiptoken,
    key_order,
    page_of,
    parse_query,
    project,
    sort_records,
)
from localdev.simulators.businesscentral.sales_orders import SalesOrders
from localdev.simulators.businesscentral.schema import EntityType
from localdev.simulators.businesscentral.store import ETAG, Record, Store, Table, variants_by_item
from localdev.simulators.businesscentral.webhooks import Webhooks

ODATA_HEADERS = {"OData-Version": "4.0"}
JSON_TYPE = "application/json; odata.metadata=minimal; odata.streaming=true"
_CONCURRENCY_MESSAGE = (
    "Could not validate the client concurrency token required by the service. "
    "Please provide a valid token in the client request."
)
_NAVIGATION = {
    ("items", "itemVariants"),
    ("salesOrders", "salesOrderLines"),
    ("purchaseOrders", "purchaseOrderLines"),
    ("salesInvoices", "salesInvoiceLines"),
    ("salesCreditMemos", "salesCreditMemoLines"),
    ("salesShipments", "salesShipmentLines"),
    ("customerPaymentJournals", "customerPayments"),
}
_SUBSCRIPTIONS = re.compile(r"^/?subscriptions(?:\('([^']*)'\))?/?$")
_ACTION_PREFIX = "Microsoft.NAV."
_ACTIONS = {("salesOrders", "shipAndInvoice"), ("journals", "post"), ("salesCreditMemos", "post")}
_LINE_SETS = {
    "salesOrderLines": "salesOrders",
    "purchaseOrderLines": "purchaseOrders",
    "salesShipmentLines": "salesShipments",
}
"""Document lines addressed without their document: BC loads order lines only for a documentId or id filter."""
_EXPANDABLE_LINES = {**_LINE_SETS, "salesInvoiceLines": "salesInvoices", "salesCreditMemoLines": "salesCreditMemos"}
"""Document lines a document's $expand serves, by line set: the document's set."""
_TABLE_LINES = frozenset({"salesShipmentLines"})
"""Lines read straight from their table (APIV2 page 30063 over table 111): every line, no filter needed."""
_DOCUMENT_FILTER_FIELDS = frozenset({"documentId", "id"})
_NO_DOCUMENT_FILTER = "You must specify an Id or a Document Id to get the lines."


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    merged = {**ODATA_HEADERS, **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=merged, content_type="application/json")


def error_response(error: BCError) -> web.Response:
    return json_response(error.body(), error.status, error.headers)


@dataclass
class Resource:
    """What a path points at: a collection (rows) or one record, with its parent record if nested."""

    entity: EntityType
    context: str
    rows: Callable[[], list[Record]] | None = None
    record: Record | None = None
    parent: Record | None = None
    needs_document_filter: bool = False


class BusinessCentralApi:
    def __init__(self, store: Store, page_size: int, webhooks: Webhooks) -> None:
        self.store = store
        self.page_size = page_size
        self.webhooks = webhooks
        self.orders = SalesOrders(store)
        self.credit_memos = SalesCreditMemoDrafts(store, self.orders)
        self.customers = Customers(store)
        self.payments = CustomerPayments(store)
        self.tables: dict[str, Table] = {
            "customers": store.customers,
            "items": store.items,
            "itemVariants": store.item_variants,
            "accounts": store.accounts,
            "salesOrders": store.sales_orders,
            "itemCategories": store.item_categories,
            "unitsOfMeasure": store.units_of_measure,
            "locations": store.locations,
            "purchaseOrders": store.purchase_orders,
            "itemLedgerEntries": store.item_ledger_entries,
            "salesInvoices": store.sales_invoices,
            "salesCreditMemos": store.sales_credit_memos,
            "customerPaymentJournals": store.customer_payment_journals,
            "journals": store.journals,
            "salesShipments": store.sales_shipments,
        }
        self.document_lines: dict[str, Callable[[Record], list[Record]]] = {
            "salesOrders": self.orders.lines,
            "purchaseOrders": self._purchase_lines,
            "salesInvoices": self._invoice_lines,
            "salesCreditMemos": self.credit_memos.lines,
            "salesShipments": self._shipment_lines,
        }
        """The lines of a document, in order, by the document's set."""

    async def handle(self, request: web.Request, tail: str, api_base: str) -> web.Response:
        body = await request.read() if request.method in ("POST", "PATCH", "PUT") else b""
        try:
            subscription = _SUBSCRIPTIONS.match(tail)
            if subscription is not None:
                return await self.serve_subscriptions(request, subscription.group(1), body, api_base)
            segments = parse_path(tail)
            if segments and segments[-1].name.startswith(_ACTION_PREFIX):
                return self.run_action(request, self.resolve(segments[:-1]), segments[-1].name)
            resource = self.resolve(segments)
            query = {name: request.query[name] for name in request.query}
            return self.dispatch(request, resource, query, body, api_base)
        except BCError as error:
            return error_response(error)

    def run_action(self, request: web.Request, resource: Resource, name: str) -> web.Response:
        """A bound action: salesOrders shipAndInvoice, salesCreditMemos post, journals post; 204 as BC answers
        them."""
        action = name.removeprefix(_ACTION_PREFIX)
        set_name = resource.entity.set_name
        if resource.record is None or (set_name, action) not in _ACTIONS:
            raise not_found_segment(name)
        if request.method != "POST":
            raise _method_not_allowed(request.method, resource)
        if set_name == "salesOrders":
            ship_and_invoice(self.store, resource.record, datetime.now(UTC).date())
        elif set_name == "salesCreditMemos":
            self.credit_memos.post(resource.record)
        else:
            journal = self.store.customer_payment_journals.get(resource.record["id"])
            if journal is None:
                raise dialog(NOTHING_TO_POST)
            self.payments.post(journal)
        return web.Response(status=204, headers=ODATA_HEADERS)

    async def serve_subscriptions(
        self, request: web.Request, key: str | None, body: bytes, api_base: str
    ) -> web.Response:
        """`api/v2.0/subscriptions` (not under a company), keyed by the subscriptionId string."""
        context = f"{api_base}/$metadata#subscriptions"
        webhooks, method = self.webhooks, request.method
        if key is None and method == "GET":
            return json_response({"@odata.context": context, "value": webhooks.listed()})
        if key is None and method == "POST":
            created = await webhooks.create(body_json(body))
            location = f"{api_base}/subscriptions('{created['subscriptionId']}')"
            return json_response({"@odata.context": f"{context}/$entity", **created}, 201, {"Location": location})
        if key is not None and method in ("GET", "PATCH", "DELETE"):
            subscription = webhooks.get(key)
            if method == "GET":
                return json_response({"@odata.context": f"{context}/$entity", **subscription})
            check_if_match(request, subscription, SUBSCRIPTION)
            if method == "DELETE":
                webhooks.delete(key)
                return web.Response(status=204, headers=ODATA_HEADERS)
            updated = await webhooks.update(subscription, body_json(body))
            return json_response({"@odata.context": f"{context}/$entity", **updated})
        raise BCError(
            405,
            "BadRequest_MethodNotAllowed",
            f"'{method}' requests for 'subscriptions' are not allowed within Dynamics 365 Business Central OData "
            "web services.",
        )

    def resolve(self, segments: list[Segment]) -> Resource:
        if not segments or segments[0].name != "companies":
            raise not_found_segment(segments[0].name if segments else "")
        company_segment, *rest = segments
        companies = self.store.companies
        if company_segment.key is None:
            if rest:
                raise not_found_segment(rest[0].name)
            return Resource(ENTITY_TYPES["companies"], "companies", rows=companies.values)
        company = self._row(companies, company_segment.key, "company")
        context = f"companies({company['id']})"
        if not rest:
            return Resource(ENTITY_TYPES["companies"], "companies", record=company)
        top = rest[0]
        if top.name in _LINE_SETS and len(rest) == 1:
            return self._loose_lines(top, f"{context}/{top.name}")
        if len(rest) > 3 or top.name not in self.tables:
            raise not_found_segment(top.name)
        entity = ENTITY_TYPES[top.name]
        context = f"{context}/{top.name}"
        if top.key is None:
            if len(rest) > 1:
                raise not_found_segment(rest[1].name)
            return Resource(entity, context, rows=self.tables[top.name].values)
        record = self._top_row(top.name, top.key, entity.name)
        if len(rest) == 1:
            return Resource(entity, context, record=record)
        return self._nested(top.name, record, rest[1:], f"{context}({record['id']})")

    def _nested(self, parent_set: str, parent: Record, rest: list[Segment], context: str) -> Resource:
        child = rest[0]
        if (parent_set, child.name) not in _NAVIGATION or len(rest) > 1:
            raise not_found_segment(rest[-1].name)
        entity = ENTITY_TYPES[child.name]
        context = f"{context}/{child.name}"
        rows = self._children(parent_set, parent)
        if child.key is None:
            return Resource(entity, context, rows=rows, parent=parent)
        record = next((row for row in rows() if row["id"] == child.key), None)
        if record is None:
            raise record_not_found(entity.name, child.key)
        return Resource(entity, context, record=record, parent=parent)

    def _children(self, parent_set: str, parent: Record) -> Callable[[], list[Record]]:
        if parent_set == "items":
            variants = self.store.item_variants
            return lambda: sort_records(
                [v for v in variants.values() if v["itemId"] == parent["id"]], key_order(variants.entity)
            )
        if parent_set == "customerPaymentJournals":
            return lambda: self.payments.lines(parent)
        return lambda: self.document_lines[parent_set](parent)

    def _purchase_lines(self, order: Record) -> list[Record]:
        return sorted(self.store.purchase_lines_of(order["id"]).values(), key=lambda line: line["sequence"])

    def _loose_lines(self, segment: Segment, context: str) -> Resource:
        """salesOrderLines / purchaseOrderLines straight under the company: every document's lines."""
        document_set = _LINE_SETS[segment.name]
        documents, lines_of = self.tables[document_set], self.document_lines[document_set]

        def rows() -> list[Record]:
            ordered = sorted(documents.values(), key=lambda document: document["number"])
            return [line for document in ordered for line in lines_of(document)]

        entity = ENTITY_TYPES[segment.name]
        if segment.key is None:
            return Resource(entity, context, rows=rows, needs_document_filter=segment.name not in _TABLE_LINES)
        record = next((row for row in rows() if row["id"] == segment.key), None)
        if record is None:
            raise record_not_found(entity.name, segment.key)
        return Resource(entity, context, record=record, parent=documents.get(record["documentId"]))

    def _top_row(self, set_name: str, key: str, label: str) -> Record:
        """A record by id; `journals({id})` finds a customer payment journal too, as the page's OnFindRecord gets any
        journal batch by SystemId."""
        if set_name == "journals" and self.store.customer_payment_journals.get(key) is not None:
            return self._row(self.store.customer_payment_journals, key, label)
        return self._row(self.tables[set_name], key, label)

    def _invoice_lines(self, invoice: Record) -> list[Record]:
        return sorted(self.store.invoice_lines_of(invoice["id"]).values(), key=lambda line: line["sequence"])

    def _shipment_lines(self, shipment: Record) -> list[Record]:
        return sorted(self.store.shipment_lines_of(shipment["id"]).values(), key=lambda line: line["sequence"])

    @staticmethod
    def _row(table: Table, key: str, label: str) -> Record:
        record = table.get(key)
        if record is None:
            raise record_not_found(label, key)
        return record

    def dispatch(
        self, request: web.Request, resource: Resource, query: dict[str, str], body: bytes, api_base: str
    ) -> web.Response:
        method = request.method
        options = parse_query(query, resource.entity)
        if resource.rows is not None:
            if method == "GET":
                if resource.needs_document_filter and not options.filtered & _DOCUMENT_FILTER_FIELDS:
                    raise dialog(_NO_DOCUMENT_FILTER)
                return self._collection(request, resource, resource.rows(), options, api_base)
            if method == "POST":
                created = self._create(resource, body_json(body))
                location = f"{api_base}/{resource.context}({created['id']})"
                return json_response(self._render(resource, created, options, api_base), 201, {"Location": location})
        elif resource.record is not None:
            record = resource.record
            if method == "GET":
                return json_response(self._render(resource, record, options, api_base))
            if method in ("PATCH", "DELETE") and self._writable(resource, method):
                check_if_match(request, record, resource.entity)
                if method == "DELETE":
                    self._delete(resource, record)
                    return web.Response(status=204, headers=ODATA_HEADERS)
                updated = self._update(resource, record, body_json(body))
                return json_response(self._render(resource, updated, options, api_base))
        raise _method_not_allowed(method, resource)

    def _create(self, resource: Resource, body: object) -> Record:
        name = resource.entity.set_name
        if name == "salesOrders":
            return self.orders.create(body)
        if name == "salesOrderLines" and resource.parent is not None:
            return self.orders.add_line(resource.parent, body)
        if name == "customers":
            return self.customers.create(body)
        if name == "salesCreditMemos":
            return self.credit_memos.create(body)
        if name == "salesCreditMemoLines" and resource.parent is not None:
            return self.credit_memos.add_line(resource.parent, body)
        if name == "customerPayments" and resource.parent is not None:
            return self.payments.create(resource.parent, body)
        raise _method_not_allowed("POST", resource)

    @staticmethod
    def _writable(resource: Resource, method: str) -> bool:
        allowed = {
            "customers": ("PATCH",),
            "salesOrders": ("PATCH", "DELETE"),
            "salesOrderLines": ("PATCH", "DELETE"),
            "salesCreditMemoLines": ("PATCH", "DELETE"),
            "customerPayments": ("PATCH", "DELETE"),
        }
        return method in allowed.get(resource.entity.set_name, ())

    def _update(self, resource: Resource, record: Record, body: object) -> Record:
        name = resource.entity.set_name
        if name == "customers":
            return self.customers.update(record, body)
        if name == "salesOrders":
            return self.orders.update(record, body)
        assert resource.parent is not None
        if name == "customerPayments":
            return self.payments.update(resource.parent, record, body)
        if name == "salesCreditMemoLines":
            return self.credit_memos.update_line(resource.parent, record, body)
        return self.orders.update_line(resource.parent, record, body)

    def _delete(self, resource: Resource, record: Record) -> None:
        if resource.entity.set_name == "salesOrders":
            self.orders.delete(record)
            return
        assert resource.parent is not None
        if resource.entity.set_name == "customerPayments":
            self.payments.delete(resource.parent, record)
        elif resource.entity.set_name == "salesCreditMemoLines":
            self.credit_memos.delete_line(resource.parent, record)
        else:
            self.orders.delete_line(resource.parent, record)

    def _collection(
        self, request: web.Request, resource: Resource, rows: list[Record], options: QueryOptions, api_base: str
    ) -> web.Response:
        def shape(records: list[Record]) -> list[Record]:
            variants = None
            if "itemVariants" in options.expand:
                item_variants = self.store.item_variants
                variants = variants_by_item(sort_records(item_variants.values(), key_order(item_variants.entity)))
            return [self._shape(resource.entity, row, options, variants) for row in records]

        context = f"{api_base}/$metadata#{resource.context}"
        return collection_response(request, context, rows, options, page_size=self.page_size, shape=shape)

    def _render(self, resource: Resource, record: Record, options: QueryOptions, api_base: str) -> Record:
        return {
            "@odata.context": f"{api_base}/$metadata#{resource.context}/$entity",
            **self._shape(resource.entity, record, options),
        }

    def _shape(
        self,
        entity: EntityType,
        record: Record,
        options: QueryOptions,
        variants: dict[str, list[Record]] | None = None,
    ) -> Record:
        """The record as served, with what $expand asked for; `variants` by item id, read once per page (else the
        record's own are looked up)."""
        shaped = project(record, options.select, entity.internal, entity.enums)
        for line_set, document_set in _EXPANDABLE_LINES.items():
            if line_set in options.expand:
                lines = ENTITY_TYPES[line_set]
                shaped[line_set] = [
                    project(line, None, lines.internal, lines.enums)
                    for line in self.document_lines[document_set](record)
                ]
        if "itemVariants" in options.expand:
            own = variants.get(record["id"], []) if variants is not None else self._children("items", record)()
            shaped["itemVariants"] = [dict(v) for v in own]
        return shaped


def body_json(body: bytes) -> object:
    if not body.strip():
        raise bad_request("The request body is empty; a JSON object was expected.")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request("The request body is not valid JSON.") from exc


def collection_response(
    request: web.Request,
    context: str,
    rows: list[Record],
    options: QueryOptions,
    *,
    page_size: int,
    shape: Callable[[list[Record]], list[Record]],
) -> web.Response:
    """One page of `rows` as BC serves a collection: @odata.context, @odata.count if asked, the page's records as
    `shape` serves them, and @odata.nextLink while more follow."""
    page = page_of(rows, options, _page_size(request, page_size))
    body: dict[str, Any] = {"@odata.context": context}
    if options.count:
        body["@odata.count"] = page.total
    body["value"] = shape(page.records)
    if page.next_offset is not None:
        body["@odata.nextLink"] = str(request.url.update_query({"$skiptoken": encode_skiptoken(page.next_offset)}))
    return json_response(body)


def _page_size(request: web.Request, page_size: int) -> int:
    """The server page size, or a smaller one the client asked for with `Prefer: odata.maxpagesize=N`."""
    for preference in request.headers.get("Prefer", "").split(","):
        name, _, value = preference.strip().partition("=")
        if name == "odata.maxpagesize" and value.isdigit() and int(value) > 0:
            return min(page_size, int(value))
    return page_size


def check_if_match(request: web.Request, record: Record, entity: EntityType) -> None:
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise BCError(400, "BadRequest_InvalidToken", _CONCURRENCY_MESSAGE)
    tags = [tag.strip() for tag in header.split(",")]
    current = record[ETAG]
    if "*" in tags or current in tags or current.removeprefix("W/") in tags:
        return
    raise BCError(
        409,
        "Request_EntityChanged",
        f"Another user has modified the record for this {entity.name} after you retrieved it from the "
        "database. Enter your changes again in the updated version of the record.",
    )


def _method_not_allowed(method: str, resource: Resource) -> BCError:
    kind = "Collection" if resource.rows is not None else "Entity"
    return BCError(
        405,
        "BadRequest_MethodNotAllowed",
        f"'{method}' requests for '{resource.entity.set_name}' of EdmType '{kind}' are not allowed "
        "within Dynamics 365 Business Central OData web services.",
    )
