"""In-memory tables of records, each stamped with a fresh ETag and lastModifiedDateTime on every change."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from localdev.simulators.businesscentral.schema import (
    ACCOUNT,
    COMPANY,
    CUSTOMER,
    ITEM,
    ITEM_VARIANT,
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
    """The records of one entity set, by id, in insertion order."""

    def __init__(self, entity: EntityType) -> None:
        self.entity = entity
        self.rows: dict[str, Record] = {}

    def add(self, record: Record) -> Record:
        row: Record = {ETAG: ""}
        row.update((prop.name, record[prop.name]) for prop in self.entity.props if prop.name in record)
        self.stamp(row)
        self.rows[row["id"]] = row
        return row

    def stamp(self, row: Record) -> None:
        row[ETAG] = new_etag()
        if self.entity.prop("lastModifiedDateTime"):
            row["lastModifiedDateTime"] = utc_now_text()

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


@dataclass
class Store:
    """Everything one company holds; sales order lines live in one table per order."""

    companies: Table = field(default_factory=lambda: Table(COMPANY))
    customers: Table = field(default_factory=lambda: Table(CUSTOMER))
    items: Table = field(default_factory=lambda: Table(ITEM))
    item_variants: Table = field(default_factory=lambda: Table(ITEM_VARIANT))
    accounts: Table = field(default_factory=lambda: Table(ACCOUNT))
    sales_orders: Table = field(default_factory=lambda: Table(SALES_ORDER))
    order_lines: dict[str, Table] = field(default_factory=dict)
    order_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("S-ORD", 101000))
    customer_numbers: NumberSeries = field(default_factory=lambda: NumberSeries("C", 9990, 10))

    def lines_of(self, order_id: str) -> Table:
        return self.order_lines.setdefault(order_id, Table(SALES_ORDER_LINE))
