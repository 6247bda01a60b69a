"""The OData v4 web services an administrator publishes (Web Services page, no code), at
`/v2.0/{tenant}/{environment}/ODataV4/Company('{company name}')/{ServiceName}`.

Read with $filter ($filter `or` only over one field, as BC turns it into AL field filters), $select, $orderby, $top,
$skip, $count and server-driven paging (@odata.nextLink with $skiptoken, `Prefer: odata.maxpagesize`). Rows of a
page carry an @odata.etag; rows of a query do not. Koppel only reads: every write is refused, single rows by key
and $metadata are not modelled.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

from localdev.simulators.businesscentral.api import collection_response, error_response
from localdev.simulators.businesscentral.enum_names import odata_enum_name
from localdev.simulators.businesscentral.errors import BCError, not_found_segment
from localdev.simulators.businesscentral.inventory import stock_rows
from localdev.simulators.businesscentral.published_schema import (
    CUSTOMER_CARD,
    CUSTOMER_LIST,
    GROUPED_ITEM_LEDGER_ENTRIES,
    ITEM_LIST,
    ITEM_SUBSTITUTION_ENTRY,
    ITEM_UNITS_OF_MEASURE,
    PRICE_LIST_LINE_REVIEW,
    SYSTEM_MODIFIED_AT,
    VAT_POSTING_SETUP,
)
from localdev.simulators.businesscentral.query import parse_query, project
from localdev.simulators.businesscentral.schema import EntityType
from localdev.simulators.businesscentral.store import ETAG, Record, Store, Table

PRICE_LIST_LINES = "KoppelPriceListLines"
ITEM_SUBSTITUTIONS = "KoppelItemSubstitutions"
ITEM_LOCATION_STOCK = "KoppelItemLocationStock"
CUSTOMERS = "KoppelCustomers"
CUSTOMER_CARDS = "KoppelCustomerCards"
ITEM_UNITS = "KoppelItemUnitsOfMeasure"
ITEMS = "KoppelItems"
VAT_SETUP = "KoppelVatPostingSetup"
_PATH = re.compile(r"^/Company\('((?:[^']|'')*)'\)/([^/()]+)/?$")


@dataclass(frozen=True)
class PublishedService:
    """One row of the Web Services page: a service name over a page or query."""

    entity: EntityType
    rows: Callable[[], list[Record]]
    etag: bool = True

    @property
    def name(self) -> str:
        return self.entity.set_name


def service_of(tail: str) -> str | None:
    """The service a path under ODataV4/ names, for statistics."""
    match = _PATH.match(tail)
    return match.group(2) if match else None


class PublishedServices:
    def __init__(self, store: Store, company_name: str, page_size: int, price_lines_modified_at: bool) -> None:
        self.store = store
        self.company_name = company_name
        self.page_size = page_size
        price_entity = PRICE_LIST_LINE_REVIEW
        if price_lines_modified_at:
            price_entity = dataclasses.replace(price_entity, props=(*price_entity.props, SYSTEM_MODIFIED_AT))
        services = (
            PublishedService(_named(price_entity, PRICE_LIST_LINES), store.price_list_lines.values),
            PublishedService(_named(ITEM_SUBSTITUTION_ENTRY, ITEM_SUBSTITUTIONS), store.item_substitutions.values),
            PublishedService(
                _named(GROUPED_ITEM_LEDGER_ENTRIES, ITEM_LOCATION_STOCK), lambda: stock_rows(store), False
            ),
            PublishedService(_named(CUSTOMER_LIST, CUSTOMERS), lambda: customer_rows(store.customers)),
            PublishedService(_named(CUSTOMER_CARD, CUSTOMER_CARDS), lambda: customer_card_rows(store.customers)),
            PublishedService(_named(ITEM_UNITS_OF_MEASURE, ITEM_UNITS), store.item_units_of_measure.values),
            PublishedService(_named(ITEM_LIST, ITEMS), lambda: item_rows(store.items)),
            PublishedService(_named(VAT_POSTING_SETUP, VAT_SETUP), store.vat_posting_setup.values),
        )
        self.services = {service.name: service for service in services}

    def unpublish(self, name: str) -> None:
        """As deleting the service's row on the Web Services page: its URL answers 404 from then on."""
        del self.services[name]

    def handle(self, request: web.Request, tail: str, odata_base: str) -> web.Response:
        try:
            service = self._resolve(tail)
            if request.method != "GET":
                raise BCError(
                    405,
                    "BadRequest_MethodNotAllowed",
                    f"'{request.method}' requests for '{service.name}' of EdmType 'Collection' are not allowed "
                    "within Dynamics 365 Business Central OData web services.",
                )
            return self._collection(request, service, odata_base)
        except BCError as error:
            return error_response(error)

    def _resolve(self, tail: str) -> PublishedService:
        match = _PATH.match(tail)
        if match is None:
            raise not_found_segment(next((part for part in reversed(tail.split("/")) if part), ""))
        company, name = match.group(1).replace("''", "'"), match.group(2)
        if company != self.company_name:
            raise BCError(
                404, "Internal_CompanyNotFound", f"Cannot process the request because company '{company}' is not found."
            )
        service = self.services.get(name)
        if service is None:
            raise not_found_segment(name)
        return service

    def _collection(self, request: web.Request, service: PublishedService, odata_base: str) -> web.Response:
        query = {name: request.query[name] for name in request.query}
        options = parse_query(query, service.entity)
        served = tuple(prop.name for prop in service.entity.props)
        enums = service.entity.enums
        escaped = self.company_name.replace("'", "''")
        company_segment = quote(f"Company('{escaped}')", safe="()'")
        context = f"{odata_base}/$metadata#{company_segment}/{service.name}"

        def shape(records: list[Record]) -> list[Record]:
            return [project(_row(row, served, service.etag), options.select, enums=enums) for row in records]

        return collection_response(request, context, service.rows(), options, page_size=self.page_size, shape=shape)


def customer_rows(customers: Table) -> list[Record]:
    """Page 22 "Customer List" over the same records API v2.0 serves as customers (so the same ETags)."""
    return [
        {
            ETAG: customer[ETAG],
            "No": customer["number"],
            "Name": customer["displayName"],
            "Location_Code": customer.get("locationCode", ""),
            "Post_Code": customer["postalCode"],
            "Country_Region_Code": customer["country"],
            "Phone_No": customer["phoneNumber"],
            "Contact": "",
            "Salesperson_Code": customer["salespersonCode"],
            "Customer_Posting_Group": _posting_group(customer),
            "Gen_Bus_Posting_Group": _posting_group(customer),
            "VAT_Bus_Posting_Group": _posting_group(customer),
            "Customer_Price_Group": customer.get("customerPriceGroup", ""),
            "Customer_Disc_Group": "",
            "Payment_Terms_Code": "",
            "Currency_Code": customer["currencyCode"],
            "Language_Code": "",
            "Credit_Limit_LCY": customer["creditLimit"],
            "Blocked": odata_enum_name(customer["blocked"]),
            "Last_Date_Modified": customer["lastModifiedDateTime"][:10],
            "Balance_LCY": customer["balanceDue"],
        }
        for customer in customers.values()
    ]


def item_rows(items: Table) -> list[Record]:
    """Page 31 "Item List" over the same records API v2.0 serves as items (so the same ETags)."""
    return [
        {
            ETAG: item[ETAG],
            "No": item["number"],
            "Description": item["displayName"],
            "Base_Unit_of_Measure": item["baseUnitOfMeasureCode"],
            "Unit_Price": item["unitPrice"],
            "Gen_Prod_Posting_Group": item["generalProductPostingGroupCode"],
            "VAT_Prod_Posting_Group": item["vatProductPostingGroup"],
            "Blocked": item["blocked"],
            "Last_Date_Modified": item["lastModifiedDateTime"][:10],
        }
        for item in items.values()
    ]


def customer_card_rows(customers: Table) -> list[Record]:
    """Page 21 "Customer Card" over the same records API v2.0 serves as customers: the customer's own
    "VAT Registration No." (API v2.0 shows it as taxRegistrationNumber)."""
    return [
        {
            ETAG: customer[ETAG],
            "No": customer["number"],
            "Name": customer["displayName"],
            "Blocked": odata_enum_name(customer["blocked"]),
            "Country_Region_Code": customer["country"],
            "E_Mail": customer["email"],
            "Bill_to_Customer_No": customer.get("billToCustomerNumber", ""),
            "VAT_Registration_No": customer["taxRegistrationNumber"],
            "Currency_Code": customer["currencyCode"],
            "Customer_Price_Group": customer.get("customerPriceGroup", ""),
            "Customer_Disc_Group": "",
        }
        for customer in customers.values()
    ]


def _posting_group(customer: Record) -> str:
    return "BINNENLAND" if customer["country"] in ("", "NL") else "EU"


def _named(entity: EntityType, service: str) -> EntityType:
    """BC names the entity set and its type after the service: NAV.{ServiceName}."""
    return dataclasses.replace(entity, name=service, set_name=service)


def _row(record: Record, served: tuple[str, ...], etag: bool) -> Record:
    row: Record = {ETAG: record[ETAG]} if etag else {}
    row.update((name, record[name]) for name in served)
    return row
