"""In-memory tables of records, each stamped with a fresh ETag and lastModifiedDateTime on every change."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
from localdev.simulators.businesscentral.published_schema import (
    ITEM_SUBSTITUTION_ENTRY,
    ITEM_UNITS_OF_MEASURE,
    PRICE_LIST_LINE_REVIEW,
)
from localdev.simulators.businesscentral.schema import (
    ACCOUNT,
    COMPANY,
    CUSTOMER,
    SALES_ORDER,
    SALES_ORDER_LINE,
    EntityType,
)

Record = dict[str, Any]
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

    def add(self, record: Record, modified_at: str | None = None) -> Record:
        """Store the entity's own fields of `record`; `modified_at` stamps a bulk load with one moment."""
        row: Record = {ETAG: ""}
        row.update((name, record[name]) for name in self.names if name in record)
        self.stamp(row, modified_at)
        self.rows[row["id"]] = row
        return row

    def stamp(self, row: Record, modified_at: str | None = None) -> None:
        row[ETAG] = new_etag()
        if self.modified_field is not None:
            row[self.modified_field] = modified_at or utc_now_text()

    def get(self, key: str) -> Record | None:
        return self.rows.get(key.lower())

    def remove(self, key: str) -> None:
        del self.rows[key.lower()]

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
    order_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("S-ORD", 101000))
    purchase_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("P-ORD", 104000))
    customer_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("C", 9990, 10))

    def lines_of(self, order_id: str) -> Table:
        return self.order_lines.setdefault(order_id, Table(SALES_ORDER_LINE))

    def purchase_lines_of(self, order_id: str) -> Table:
        return self.purchase_lines.setdefault(order_id, Table(PURCHASE_ORDER_LINE))


def variants_by_item(variants: Iterable[Record]) -> dict[str, list[Record]]:
    """Item variants by their item's id, each item's in the order given."""
    grouped: dict[str, list[Record]] = {}
    for variant in variants:
        grouped.setdefault(variant["itemId"], []).append(variant)
    return grouped
