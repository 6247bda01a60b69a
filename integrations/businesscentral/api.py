"""The BusinessCentral port over the v2.0 API: sales orders, customers and SKU look-ups, with bounded caches."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from cachetools import TTLCache

from domain.catalog.sku import VariantSku
from domain.errors import BusinessCentralRejected, RetryableError
from domain.models import BcCustomer, BcSalesOrder, BcSalesOrderLine, Party, ResolvedSku
from domain.orders.mapping import business_central
from domain.orders.rules.document_changes import HEADER_FIELDS, ChangePlan
from domain.orders.vat_numbers import bc_spellings, vat_key
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.odata import reference
from integrations.telemetry.dimensions import note

SALES_ORDER_FIELDS = (
    "id,number,status,customerNumber,billToCustomerNumber,externalDocumentNumber,"
    "totalAmountExcludingTax,totalTaxAmount,totalAmountIncludingTax,pricesIncludeTax"
)
CUSTOMER_FIELDS = "id,number,blocked,taxRegistrationNumber"
CUSTOMER_CARD_FIELDS = "No,VAT_Registration_No"
"""Of page 21 "Customer Card" published as a web service: "VAT Registration No." is a table field there."""
ITEM_FIELDS = "id,number,blocked,unitPrice,inventory"
VARIANT_FIELDS = "id,itemNumber,code"
FILTER_CHUNK = 15

log = logging.getLogger(__name__)


class BusinessCentralApi:
    def __init__(
        self,
        client: BusinessCentralClient,
        release_api_url: str | None = None,
        new_customer_fields: dict[str, Any] | None = None,
        cache_size: int = 4096,
        cache_seconds: float = 300.0,
        *,
        customer_cards_url: str | None = None,
    ) -> None:
        """`release_api_url`: the company URL of the optional custom API page with a release action;
        `new_customer_fields`: the template every new customer gets (payment terms, shipment method, ...);
        `customer_cards_url`: page 21 "Customer Card" published as a web service, for the look-up by VAT number
        (None: customers are not looked up by VAT number)."""
        self._client = client
        self._release_api_url = release_api_url
        self._customer_cards_url = customer_cards_url
        self._new_customer_fields = dict(new_customer_fields or {})
        self._customers: TTLCache[str, BcCustomer] = TTLCache(cache_size, cache_seconds)
        self._skus: TTLCache[str, ResolvedSku] = TTLCache(cache_size, cache_seconds)
        self._lock = threading.Lock()

    def find_sales_orders(self, external_document_number: str) -> list[BcSalesOrder]:
        rows = self._client.get(
            "salesOrders",
            {
                "$filter": f"externalDocumentNumber eq {odata.literal(external_document_number)}",
                "$select": SALES_ORDER_FIELDS,
                "$expand": "salesOrderLines",
                "$top": "2",
            },
        ).get("value", [])
        return [sales_order_from(row) for row in rows]

    def create_sales_order(self, payload: dict[str, Any]) -> BcSalesOrder:
        return sales_order_from(self._client.post("salesOrders?$expand=salesOrderLines", payload))

    def sales_order(self, sales_order_id: str) -> BcSalesOrder | None:
        try:
            row = self._client.get(f"salesOrders({sales_order_id})", {"$expand": "salesOrderLines"})
        except BusinessCentralRejected as error:
            if error.status == 404:
                return None
            raise
        return sales_order_from(row)

    def apply_changes(self, document: BcSalesOrder, plan: ChangePlan) -> BcSalesOrder:
        lines = f"salesOrders({document.id})/salesOrderLines"
        for line in plan.remove:
            self._client.delete(f"{lines}({line.id})", self._etag(f"{lines}({line.id})"))
        for update in plan.update:
            path = f"{lines}({update.line.id})"
            self._client.patch(path, update.changes, self._etag(path))
        for body in plan.add:
            self._client.post(lines, body)
        if plan.header:
            self._client.patch(f"salesOrders({document.id})", plan.header, self._etag(f"salesOrders({document.id})"))
        changed = self.sales_order(document.id)
        if changed is None:
            raise RetryableError(f"BC order {document.number} vanished while being changed")
        return changed

    def _etag(self, path: str) -> str:
        """The record's ETag right now: a change to one line makes BC recalculate, and re-tag, the others."""
        return str(self._client.get(path, {"$select": "id"})["@odata.etag"])

    def delete_sales_order(self, document: BcSalesOrder) -> None:
        """With the ETag the document had when it was read: a change by anyone since makes BC refuse."""
        self._client.delete(f"salesOrders({document.id})", document.etag)

    def release_sales_order(self, sales_order_id: str) -> bool:
        if self._release_api_url is None:
            return False
        self._client.post_url(f"{self._release_api_url}/salesOrders({sales_order_id})/Microsoft.NAV.release", {})
        return True

    def customer_by_number(self, number: str) -> BcCustomer | None:
        with self._lock:
            cached = self._customers.get(number)
        if cached is not None:
            return cached
        return self._first_customer(f"number eq {odata.literal(number)}")

    def customer_by_email(self, email: str) -> BcCustomer | None:
        return self._first_customer(f"email eq {odata.literal(email)}")

    def customer_by_vat_number(self, vat_number: str) -> BcCustomer | None:
        """The one customer whose "VAT Registration No." is `vat_number` (compared without case, spaces, dots or
        dashes), read from page 21: API v2.0's taxRegistrationNumber is a page variable, which BC cannot filter on
        (it refuses, or ignores the filter and answers with the first customer). A row is taken only when its number
        is the one asked, so an ignored filter binds nobody; spellings longer than BC keeps are not asked. None when
        the page is not configured, nobody has the number, or several customers share it (then the next way of
        finding the customer decides)."""
        wanted = vat_key(vat_number)
        spellings = bc_spellings(vat_number)
        if self._customer_cards_url is None or wanted not in spellings:
            return None
        rows = self._client.get_all_url(
            self._customer_cards_url,
            {"$filter": odata.any_of("VAT_Registration_No", spellings), "$select": CUSTOMER_CARD_FIELDS},
        )
        numbers = sorted({row["No"] for row in rows if vat_key(row.get("VAT_Registration_No") or "") == wanted})
        if len(numbers) > 1:
            log.warning("VAT number %s is on customers %s: not used to choose one", wanted, ", ".join(numbers))
        return self.customer_by_number(numbers[0]) if len(numbers) == 1 else None

    def create_customer(self, party: Party) -> BcCustomer:
        body = {**business_central.customer(party), **self._new_customer_fields}
        return self._remember(_customer(self._client.post("customers", body)))

    def resolve_skus(self, skus: Sequence[str]) -> dict[str, ResolvedSku]:
        with self._lock:
            found = {sku: self._skus[sku] for sku in skus if sku in self._skus}
        missing = [sku for sku in skus if sku not in found]
        if missing:
            fresh = self._items_by_number(missing)
            fresh.update(self._variants(sku for sku in missing if sku not in fresh))
            with self._lock:
                self._skus.update({sku: found for sku, found in fresh.items() if not found.blocked})
            found.update(fresh)
        return found

    def _first_customer(self, condition: str) -> BcCustomer | None:
        rows = self._client.get("customers", {"$filter": condition, "$select": CUSTOMER_FIELDS, "$top": "1"})
        values = rows.get("value", [])
        return self._remember(_customer(values[0])) if values else None

    def _remember(self, customer: BcCustomer) -> BcCustomer:
        """Cache a usable customer; a blocked one is asked again, so unblocking it in BC takes effect at once."""
        if not customer.blocked:
            with self._lock:
                self._customers[customer.number] = customer
        return customer

    def _items_by_number(self, numbers: Sequence[str]) -> dict[str, ResolvedSku]:
        return {number: _resolved_sku(row) for number, row in self._item_rows(numbers).items()}

    def _item_rows(self, numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(numbers)):
            for row in self._client.get_all(
                "items", {"$filter": odata.any_of("number", chunk), "$select": ITEM_FIELDS}
            ):
                rows[row["number"]] = row
        return rows

    def _variants(self, skus: Iterable[str]) -> dict[str, ResolvedSku]:
        """A SKU `ITEM-CODE` is item ITEM's variant CODE when both exist. Item numbers and codes may hold "-", so
        each reading of the SKU (domain.catalog.sku, at most ten) is asked, and the first whose item has that variant
        is taken: the one at the last "-" before the others."""
        readings = {sku: VariantSku.readings(sku) for sku in skus}
        asked = {reading for found in readings.values() for reading in found}
        items = self._item_rows(sorted({reading.item_number for reading in asked}))
        variant_ids = self._variant_ids(sorted(reading for reading in asked if reading.item_number in items))
        resolved: dict[str, ResolvedSku] = {}
        for sku, found in readings.items():
            meant = next((reading for reading in found if variant_ids.get(reading)), None)
            if meant is not None:
                resolved[sku] = _resolved_sku(items[meant.item_number], variant_ids[meant], meant.variant_code)
        return resolved

    def _variant_ids(self, readings: list[VariantSku]) -> dict[VariantSku, str]:
        """The id of each of these variants BC has. BC's `$filter` takes `or` only between conditions on one field,
        so the variants are read by `(item numbers) and (codes)` and the pairs matched here."""
        variant_ids: dict[VariantSku, str] = {}
        for chunk in _chunks(readings):
            numbers = sorted({reading.item_number for reading in chunk})
            codes = sorted({reading.variant_code for reading in chunk})
            condition = f"({odata.any_of('itemNumber', numbers)}) and ({odata.any_of('code', codes)})"
            query = {"$filter": condition, "$select": VARIANT_FIELDS}
            variant_ids.update(
                {
                    VariantSku(row["itemNumber"], row["code"]): row["id"]
                    for row in self._client.get_all("itemVariants", query)
                }
            )
        return variant_ids


def _resolved_sku(item: dict[str, Any], variant_id: str | None = None, variant_code: str | None = None) -> ResolvedSku:
    """An item row of BC's, as the SKU of the item itself or of its variant."""
    return ResolvedSku(
        item_id=item["id"],
        item_number=item["number"],
        variant_id=variant_id,
        variant_code=variant_code,
        blocked=bool(item.get("blocked")),
        unit_price=_decimal(item.get("unitPrice")),
        inventory=_decimal(item.get("inventory")),
    )


def _chunks(values: list[Any]) -> list[list[Any]]:
    """Keep filters short enough for any URL limit."""
    return [values[i : i + FILTER_CHUNK] for i in range(0, len(values), FILTER_CHUNK)]


def _customer(row: dict[str, Any]) -> BcCustomer:
    return BcCustomer(
        id=row["id"],
        number=row["number"],
        blocked=odata.enum_value(row.get("blocked")),
        tax_registration_number=str(row.get("taxRegistrationNumber") or ""),
    )


def sales_order_from(row: dict[str, Any]) -> BcSalesOrder:
    """The sales order BC answered with (a salesOrders row, its salesOrderLines expanded); from here on the current
    work's `koppel.bc_document` in telemetry."""
    note(bc_document=row["number"])
    return BcSalesOrder(
        id=row["id"],
        number=row["number"],
        status=odata.enum_value(row.get("status")),
        customer_number=row.get("customerNumber", ""),
        bill_to_customer_number=row.get("billToCustomerNumber") or "",
        external_document_number=row.get("externalDocumentNumber", ""),
        total_excluding_tax=Decimal(str(row.get("totalAmountExcludingTax", 0))),
        total_tax=Decimal(str(row.get("totalTaxAmount", 0))),
        total_including_tax=Decimal(str(row.get("totalAmountIncludingTax", 0))),
        prices_include_tax=bool(row.get("pricesIncludeTax")),
        lines=tuple(
            _line(line) for line in sorted(row.get("salesOrderLines", []), key=lambda line: line.get("sequence", 0))
        ),
        etag=str(row.get("@odata.etag", "")),
        header={name: str(row[name]) for name in HEADER_FIELDS if row.get(name) is not None},
    )


def _line(row: dict[str, Any]) -> BcSalesOrderLine:
    return BcSalesOrderLine(
        line_type=odata.enum_value(row.get("lineType")),
        id=row.get("id", ""),
        etag=str(row.get("@odata.etag", "")),
        item_id=row.get("itemId") or "",
        variant_id=reference(row.get("itemVariantId")),
        object_number=row.get("lineObjectNumber") or "",
        unit_of_measure=row.get("unitOfMeasureCode") or "",
        description=row.get("description") or "",
        quantity=Decimal(str(row.get("quantity", 0))),
        unit_price=Decimal(str(row.get("unitPrice", 0))),
        discount_amount=Decimal(str(row.get("discountAmount", 0))),
        tax_percent=Decimal(str(row.get("taxPercent", 0))),
        shipped_quantity=Decimal(str(row.get("shippedQuantity", 0))),
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
