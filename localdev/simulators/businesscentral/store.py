"""In-memory tables of records, each stamped with a fresh ETag and lastModifiedDateTime on every change."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from localdev.simulators.businesscentral.catalog_schema import (
    ITEM,
    ITEM_CATEGORY,
    ITEM_LEDGER_ENTRY,
    ITEM_VARIANT,
    LOCATION,
    PURCHASE_ORDER,
    PURCHASE_ORDER_LINE,
    UNIT_OF_MEASURE,
)
from localdev.simulators.businesscentral.payments_schema import (
    CUSTOMER_PAYMENT,
    CUSTOMER_PAYMENT_JOURNAL,
    CUSTOMER_REFUND,
    JOURNAL,
    KOPPEL_POSTED_SALES_CREDIT_MEMO,
    SALES_CREDIT_MEMO,
    SALES_CREDIT_MEMO_LINE,
    SALES_INVOICE,
    SALES_INVOICE_LINE,
)
from localdev.simulators.businesscentral.published_schema import (
    ITEM_SUBSTITUTION_ENTRY,
    ITEM_UNITS_OF_MEASURE,
    PRICE_LIST_LINE_REVIEW,
    VAT_POSTING_SETUP,
)
from localdev.simulators.businesscentral.return_orders_schema import (
    KOPPEL_SALES_RETURN_ORDER,
    KOPPEL_SALES_RETURN_ORDER_LINE,
    demo_return_reasons,
)
from localdev.simulators.businesscentral.schema import (
    ACCOUNT,
    COMPANY,
    CUSTOMER,
    SALES_ORDER,
    SALES_ORDER_LINE,
    EntityType,
)
from localdev.simulators.businesscentral.shipments_schema import SALES_SHIPMENT, SALES_SHIPMENT_LINE
from localdev.simulators.businesscentral.shipping_agents import ShippingAgent, demo_shipping_agents

Record = dict[str, Any]
Observer = Callable[[str, Record, str], None]
"""Told (set name, record, change type "created" | "updated" | "deleted") after a record of a table changes."""
ETAG = "@odata.etag"
_versions = itertools.count(10_000_000_001)


def utc_now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_etag() -> str:
    version = next(_versions)
    token = base64.b64encode(f"'20;{version};00;'".encode()).decode()
    return f'W/"{token}"'


class Table:
    """The records of one entity set, by id (their SystemId), in insertion order."""

    def __init__(self, entity: EntityType) -> None:
        self.entity = entity
        self.rows: dict[str, Record] = {}
        self.names = entity.stored_names
        self.modified_field = next(
            (name for name in ("lastModifiedDateTime", "SystemModifiedAt") if name in self.names), None
        )
        """BC's SystemModifiedAt, whatever the page calls it."""
        self.observer: Observer | None = None

    def add(self, record: Record, modified_at: str | None = None) -> Record:
        """Store the entity's own fields of `record`; `modified_at` stamps a bulk load with one moment."""
        row: Record = {ETAG: ""}
        row.update((name, record[name]) for name in self.names if name in record)
        self.stamp(row, modified_at)
        self.rows[row["id"]] = row
        self._tell(row, "created")
        return row

    def stamp(self, row: Record, modified_at: str | None = None) -> None:
        row[ETAG] = new_etag()
        if self.modified_field is not None:
            row[self.modified_field] = modified_at or utc_now_text()
        if row.get("id") in self.rows:
            self._tell(row, "updated")

    def get(self, key: str) -> Record | None:
        return self.rows.get(key.lower())

    def remove(self, key: str) -> None:
        row = self.rows.pop(key.lower())
        self._tell(row, "deleted")

    def _tell(self, row: Record, change: str) -> None:
        if self.observer is not None:
            self.observer(self.entity.set_name, row, change)

    def values(self) -> list[Record]:
        return list(self.rows.values())

    def find(self, name: str, value: object) -> Record | None:
        return next((row for row in self.rows.values() if row.get(name) == value), None)


@dataclass
class NumberSeries:
    prefix: str
    last: int
    step: int = 1

    def next(self) -> str:
        self.last += self.step
        return f"{self.prefix}{self.last}"


@dataclass
class LedgerEntry:
    """A customer ledger entry (table 21): `amount` positive for an invoice, negative for a payment or credit memo;
    `remaining` is what is not applied yet. API v2.0 serves none of them; customers.balanceDue sums them."""

    entry_number: int
    customer_id: str
    document_type: str
    document_number: str
    posting_date: str
    amount: Decimal
    remaining: Decimal
    external_document_number: str = ""


StockKey = tuple[str, str, str, str]
"""(location code, item number, variant code, unit of measure code) of open item ledger entries."""


@dataclass
class Store:
    """Everything one company holds; the lines of a sales or purchase order live in one table per order."""

    companies: Table = field(default_factory=lambda: Table(COMPANY))
    customers: Table = field(default_factory=lambda: Table(CUSTOMER))
    items: Table = field(default_factory=lambda: Table(ITEM))
    item_variants: Table = field(default_factory=lambda: Table(ITEM_VARIANT))
    item_units_of_measure: Table = field(default_factory=lambda: Table(ITEM_UNITS_OF_MEASURE))
    """Keyed by `item_units.unit_id(item number, code)`, so a line's unit is found without a scan."""
    item_categories: Table = field(default_factory=lambda: Table(ITEM_CATEGORY))
    units_of_measure: Table = field(default_factory=lambda: Table(UNIT_OF_MEASURE))
    locations: Table = field(default_factory=lambda: Table(LOCATION))
    accounts: Table = field(default_factory=lambda: Table(ACCOUNT))
    sales_orders: Table = field(default_factory=lambda: Table(SALES_ORDER))
    order_lines: dict[str, Table] = field(default_factory=dict)
    purchase_orders: Table = field(default_factory=lambda: Table(PURCHASE_ORDER))
    purchase_lines: dict[str, Table] = field(default_factory=dict)
    item_ledger_entries: Table = field(default_factory=lambda: Table(ITEM_LEDGER_ENTRY))
    stock: dict[StockKey, float] = field(default_factory=dict)
    """Sum of the remaining quantity of open item ledger entries, kept up to date by `inventory.book`."""
    price_list_lines: Table = field(default_factory=lambda: Table(PRICE_LIST_LINE_REVIEW))
    item_substitutions: Table = field(default_factory=lambda: Table(ITEM_SUBSTITUTION_ENTRY))
    vat_posting_setup: Table = field(default_factory=lambda: Table(VAT_POSTING_SETUP))
    price_lines_by_item: dict[str, list[Record]] = field(default_factory=dict)
    """The rows of price_list_lines by Asset_No, kept by price_lists.add_lines: lines priced without a scan."""
    order_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("S-ORD", 101000))
    purchase_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("P-ORD", 104000))
    customer_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("C", 9990, 10))
    sales_invoices: Table = field(default_factory=lambda: Table(SALES_INVOICE))
    invoice_lines: dict[str, Table] = field(default_factory=dict)
    sales_credit_memos: Table = field(default_factory=lambda: Table(SALES_CREDIT_MEMO))
    """As salesCreditMemos lists them: posted, and unposted ones (Sales Header of type Credit Memo)."""
    credit_memo_lines: dict[str, Table] = field(default_factory=dict)
    """The salesCreditMemoLines of each credit memo, by its id (made through the API; kept once posted)."""
    posted_credit_memos: Table = field(default_factory=lambda: Table(KOPPEL_POSTED_SALES_CREDIT_MEMO))
    """Table 114 "Sales Cr.Memo Header" by its own SystemId: one row per posted credit memo (Koppel's page)."""
    customer_payment_journals: Table = field(default_factory=lambda: Table(CUSTOMER_PAYMENT_JOURNAL))
    journals: Table = field(default_factory=lambda: Table(JOURNAL))
    """General journal batches (template ALGEMEEN); `journals({id})` also finds a customer payment journal."""
    payment_lines: dict[str, Table] = field(default_factory=dict)
    """The customerPayments (Gen. Journal Lines) of each customer payment journal, by journal id."""
    refund_lines: dict[str, Table] = field(default_factory=dict)
    """The refund lines (Koppel's customerRefunds page) of each customer payment journal, by journal id."""
    customer_ledger: list[LedgerEntry] = field(default_factory=list)
    invoice_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("S-INV", 102000))
    draft_invoice_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("D-INV", 102000))
    """Unposted sales invoices (Sales Header of type Invoice) have their own series."""
    credit_memo_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("S-CR", 104000))
    draft_credit_memo_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("D-CR", 104000))
    payment_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("G0", 2000))
    sales_shipments: Table = field(default_factory=lambda: Table(SALES_SHIPMENT))
    shipment_lines: dict[str, Table] = field(default_factory=dict)
    shipment_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("S-SHPT", 102000))
    shipping_agents: dict[str, ShippingAgent] = field(default_factory=demo_shipping_agents)
    """Table 291 by Code: not served by API v2.0; Koppel's shipment page links tracking numbers with them."""
    return_orders: Table = field(default_factory=lambda: Table(KOPPEL_SALES_RETURN_ORDER))
    """Sales Headers of type Return Order, made through Koppel's page salesReturnOrders (koppel/returns/v1.0)."""
    return_order_lines: dict[str, Table] = field(default_factory=dict)
    return_order_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("S-RO", 1000))
    return_reasons: dict[str, str] = field(default_factory=demo_return_reasons)
    """Table 6635 "Return Reason" by Code (not served by any API)."""

    def lines_of(self, order_id: str) -> Table:
        return self.order_lines.setdefault(order_id, Table(SALES_ORDER_LINE))

    def purchase_lines_of(self, order_id: str) -> Table:
        return self.purchase_lines.setdefault(order_id, Table(PURCHASE_ORDER_LINE))

    def invoice_lines_of(self, invoice_id: str) -> Table:
        return self.invoice_lines.setdefault(invoice_id, Table(SALES_INVOICE_LINE))

    def credit_memo_lines_of(self, memo_id: str) -> Table:
        return self.credit_memo_lines.setdefault(memo_id, Table(SALES_CREDIT_MEMO_LINE))

    def payment_lines_of(self, journal_id: str) -> Table:
        return self.payment_lines.setdefault(journal_id, Table(CUSTOMER_PAYMENT))

    def refund_lines_of(self, journal_id: str) -> Table:
        return self.refund_lines.setdefault(journal_id, Table(CUSTOMER_REFUND))

    def shipment_lines_of(self, shipment_id: str) -> Table:
        return self.shipment_lines.setdefault(shipment_id, Table(SALES_SHIPMENT_LINE))

    def return_order_lines_of(self, order_id: str) -> Table:
        return self.return_order_lines.setdefault(order_id, Table(KOPPEL_SALES_RETURN_ORDER_LINE))


def variants_by_item(variants: Iterable[Record]) -> dict[str, list[Record]]:
    """Item variants by their item's id, each item's in the order given."""
    grouped: dict[str, list[Record]] = {}
    for variant in variants:
        grouped.setdefault(variant["itemId"], []).append(variant)
    return grouped
