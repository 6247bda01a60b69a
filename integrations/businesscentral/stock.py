"""What BC knows of each item's and variant's stock, per location: on hand (the published query "Grouped Item Ledger
Entries"), sales order lines still to ship and purchase order lines still to receive (API v2.0 salesOrders and
purchaseOrders with their lines expanded).

As BC's "Qty. on Sales Order" and "Qty. on Purch. Order" (Item Availability) count them: every order line of type
Item with an outstanding quantity, whatever the order's status (API "Draft" = BC Open, "Open" = Released, "In
Review" = Pending Approval); in base units. API v2.0 lines give the quantity in the line's unit of measure and only
that unit's code, so the factor comes from page 5404 "Item Units of Measure", published as a web service like the
query. A line with nothing left, or a negative quantity (a return entered on an order), is left out.

The catalog has some 50,000 items: everything is kept as strings and tuples per (item, variant), made into StockFacts
only when an item's are read.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import Any

from domain.catalog.availability import ExpectedReceipt, ItemKey, SalesDemand, StockFacts
from domain.errors import RetryableError
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.price_lists import BLANK_DATE

UNIT_FIELDS = "Item_No,Code,Qty_per_Unit_of_Measure"
BASE_PLACES = Decimal("0.00001")
"""BC rounds quantities in base units to 5 decimals."""

_Key = tuple[str, str]
"""(item number, variant code)."""
_Line = tuple[str, str, str]
"""(location code, quantity in base units, date) of one outstanding line."""


@dataclass(frozen=True)
class _Documents:
    """An API v2.0 document set, its lines' navigation, and the names of the quantities and date that matter."""

    set_name: str
    lines: str
    done: str
    """The quantity already shipped or received."""
    date: str


SALES = _Documents("salesOrders", "salesOrderLines", "shippedQuantity", "shipmentDate")
PURCHASES = _Documents("purchaseOrders", "purchaseOrderLines", "receivedQuantity", "expectedReceiptDate")


@dataclass(frozen=True)
class _OpenLine:
    """An outstanding Item line as read, before its variant and unit are resolved."""

    item: str
    variant_id: str
    location_id: str
    unit: str
    quantity: Decimal
    """In the line's unit of measure."""
    date: str


class _FactsByItem(Mapping[ItemKey, StockFacts]):
    """On hand as {location: quantity text} and outstanding lines as tuples per (item, variant), made into StockFacts
    when read. Keys: every item and variant with stock, demand or receipts."""

    def __init__(
        self, on_hand: dict[_Key, dict[str, str]], demand: dict[_Key, list[_Line]], receipts: dict[_Key, list[_Line]]
    ) -> None:
        self._on_hand = on_hand
        self._demand = demand
        self._receipts = receipts
        self._more = [key for key in {**demand, **receipts} if key not in on_hand]
        """Keys with lines but nothing on hand."""

    def __getitem__(self, item: ItemKey) -> StockFacts:
        key = (item.item_number, item.variant_code)
        if key not in self._on_hand and key not in self._demand and key not in self._receipts:
            raise KeyError(item)
        return StockFacts(
            item=item,
            on_hand={location: Decimal(quantity) for location, quantity in self._on_hand.get(key, {}).items()},
            demand=tuple(
                SalesDemand(location_code=location, quantity=Decimal(quantity), shipment_date=date.fromisoformat(day))
                for location, quantity, day in self._demand.get(key, ())
            ),
            receipts=tuple(
                ExpectedReceipt(
                    location_code=location, quantity=Decimal(quantity), expected_date=date.fromisoformat(day)
                )
                for location, quantity, day in self._receipts.get(key, ())
            ),
        )

    def __iter__(self) -> Iterator[ItemKey]:
        for item, variant in chain(self._on_hand, self._more):
            yield ItemKey(item_number=item, variant_code=variant)

    def __len__(self) -> int:
        return len(self._on_hand) + len(self._more)


class BusinessCentralStock:
    def __init__(self, client: BusinessCentralClient, stock_url: str, units_url: str) -> None:
        """`stock_url`: query 5756 "Grouped Item Ledger Entries" published as a web service (KoppelItemLocationStock);
        `units_url`: page 5404 "Item Units of Measure" published likewise (KoppelItemUnitsOfMeasure)."""
        self._client = client
        self._stock_url = stock_url
        self._units_url = units_url

    def facts(self) -> Mapping[ItemKey, StockFacts]:
        """Sales lines before stock, stock before purchase lines: a shipment or receipt posted while this reads is
        counted twice as demand or not at all as supply, never the other way round. What the lines name (location,
        variant, unit) is read last, so that it is there."""
        sales = self._open_lines(SALES)
        on_hand = self._on_hand()
        purchases = self._open_lines(PURCHASES)
        lines = (*sales, *purchases)
        locations = self._codes("locations", {line.location_id for line in lines})
        variants = self._codes("itemVariants", {line.variant_id for line in lines})
        factors = self._factors({(line.item, line.unit) for line in lines})
        resolve = _Resolver(locations, variants, factors)
        return _FactsByItem(on_hand, resolve.per_item(sales), resolve.per_item(purchases))

    def _open_lines(self, documents: _Documents) -> list[_OpenLine]:
        url = f"{self._client.company_url}/{documents.set_name}"
        open_lines: list[_OpenLine] = []
        for page in self._client.pages(url, {"$select": "id,orderDate", "$expand": documents.lines}):
            for order in page:
                open_lines += (
                    line
                    for row in order.get(documents.lines, [])
                    if (line := _open_line(row, documents, order.get("orderDate") or BLANK_DATE)) is not None
                )
        return open_lines

    def _codes(self, set_name: str, wanted: set[str]) -> dict[str, str]:
        """Code by id of the records of `set_name` the lines name (none read if they name none); the blank reference
        is the blank code."""
        codes = {"": ""}
        if not wanted - {""}:
            return codes
        for page in self._client.pages(f"{self._client.company_url}/{set_name}", {"$select": "id,code"}):
            codes.update((row["id"], sys.intern(row["code"])) for row in page if row["id"] in wanted)
        return codes

    def _factors(self, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Decimal]:
        """Base units per unit, for the (item, unit) pairs the lines are in; only units other than 1 are read (the
        base unit is 1), so a pair not found is 1."""
        factors: dict[tuple[str, str], Decimal] = {}
        if not wanted:
            return factors
        params = {"$select": UNIT_FIELDS, "$filter": "Qty_per_Unit_of_Measure ne 1"}
        for page in self._client.pages(self._units_url, params):
            for row in page:
                if (pair := (row["Item_No"], row["Code"])) in wanted:
                    factors[pair] = Decimal(str(row["Qty_per_Unit_of_Measure"]))
        return factors

    def _on_hand(self) -> dict[_Key, dict[str, str]]:
        on_hand: dict[_Key, dict[str, str]] = defaultdict(dict)
        for page in self._client.pages(self._stock_url):
            for row in page:
                locations = on_hand[(sys.intern(row["Item_No"]), sys.intern(row.get("Variant_Code") or ""))]
                location = sys.intern(row.get("Location_Code") or "")
                total = Decimal(locations.get(location, "0")) + Decimal(str(row.get("Remaining_Quantity") or 0))
                locations[location] = str(total)
        return dict(on_hand)


@dataclass(frozen=True)
class _Resolver:
    """Turns lines as read into per-item tuples: codes for ids, quantities in base units."""

    locations: dict[str, str]
    variants: dict[str, str]
    factors: dict[tuple[str, str], Decimal]

    def per_item(self, lines: list[_OpenLine]) -> dict[_Key, list[_Line]]:
        by_item: dict[_Key, list[_Line]] = defaultdict(list)
        for line in lines:
            base = line.quantity * self.factors.get((line.item, line.unit), Decimal(1))
            location = _known(self.locations, line.location_id, "location")
            by_item[(line.item, _known(self.variants, line.variant_id, "item variant"))].append(
                (location, str(base.quantize(BASE_PLACES)), line.date)
            )
        return dict(by_item)


def _open_line(row: dict[str, Any], documents: _Documents, order_date: str) -> _OpenLine | None:
    """The line if it is an Item line with something left to ship or receive; its own date, else the order's."""
    if odata.enum_value(row.get("lineType")) != "Item":
        return None
    outstanding = Decimal(str(row.get("quantity") or 0)) - Decimal(str(row.get(documents.done) or 0))
    if outstanding <= 0:
        return None
    day = row.get(documents.date) or BLANK_DATE
    return _OpenLine(
        item=sys.intern(row.get("lineObjectNumber") or ""),
        variant_id=_reference(row.get("itemVariantId")),
        location_id=_reference(row.get("locationId")),
        unit=sys.intern(row.get("unitOfMeasureCode") or ""),
        quantity=outstanding,
        date=sys.intern(order_date if day == BLANK_DATE else day),
    )


def _reference(value: Any) -> str:
    """A GUID reference; BC answers an empty one as the all-zero GUID, kept here as ""."""
    text = str(value or "")
    return "" if set(text) <= {"0", "-"} else text


def _known(codes: dict[str, str], record_id: str, what: str) -> str:
    code = codes.get(record_id)
    if code is None:
        raise RetryableError(f"a BC order line refers to {what} {record_id}, which BC did not list")
    return code
