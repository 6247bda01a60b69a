"""Sales price lists and their lines (table 7001 "Price List Line"), stored as page 7005 names its fields.

A line copies its list's assign-to (Source Type / Source No.), currency, dates and status, as BC does when the
list's "Allow Updating Defaults" is off; a line added to an active list stays Draft until someone verifies it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from localdev.simulators.businesscentral.enum_names import odata_enum_name
from localdev.simulators.businesscentral.schema import EMPTY_DATE
from localdev.simulators.businesscentral.store import Record, Store

LINE_STEP = 10000
_ALL_CUSTOMERS = odata_enum_name("All Customers")
_CUSTOMER = odata_enum_name("Customer")
_PRICE_GROUP = odata_enum_name("Customer Price Group")


@dataclass(frozen=True)
class PriceList:
    code: str
    description: str
    source_type: str
    """As BC names it ("All Customers", "Customer Price Group" ...); served encoded."""
    source_no: str = ""
    status: str = "Active"
    currency: str = ""
    """Blank is the local currency (EUR)."""
    starting: date | None = None
    ending: date | None = None
    amount_type: str = "Price"


def price_line(
    price_list: PriceList,
    line_no: int,
    line_id: str,
    item: Record,
    *,
    unit_price: float = 0.0,
    minimum_quantity: float = 0.0,
    variant: str = "",
    unit: str | None = None,
    discount_percent: float = 0.0,
    status: str | None = None,
    starting: date | None = None,
    ending: date | None = None,
) -> Record:
    """One line of `price_list` for an item; `status`, `starting` and `ending` override the list's."""
    return {
        "id": line_id,
        "Price_List_Code": price_list.code,
        "Line_No": line_no,
        "PriceListDescription": price_list.description,
        "Status": status or price_list.status,
        "Source_Type": odata_enum_name(price_list.source_type),
        "Source_No": price_list.source_no,
        "Asset_Type": "Item",
        "Asset_No": item["number"],
        "Description": item["displayName"],
        "Variant_Code": variant,
        "Work_Type_Code": "",
        "Unit_of_Measure_Code": unit if unit is not None else item["baseUnitOfMeasureCode"],
        "Minimum_Quantity": minimum_quantity,
        "Amount_Type": price_list.amount_type,
        "Currency_Code": price_list.currency,
        "Unit_Price": unit_price,
        "Cost_Factor": 0.0,
        "DirectUnitCost": 0.0,
        "Unit_Cost": 0.0,
        "Starting_Date": _date(starting or price_list.starting),
        "Ending_Date": _date(ending or price_list.ending),
        "Allow_Line_Disc": price_list.amount_type != "Discount",
        "Line_Discount_Percent": discount_percent,
        "PurchLineDiscountPct": discount_percent,
        "Allow_Invoice_Disc": True,
        "Price_Type": "Sale",
        "Price_Includes_VAT": False,
    }


def add_lines(store: Store, lines: list[Record], modified_at: str | None = None) -> None:
    for line in lines:
        stored = store.price_list_lines.add(line, modified_at)
        store.price_lines_by_item.setdefault(stored["Asset_No"], []).append(stored)


def find_line(store: Store, code: str, line_no: int) -> Record | None:
    return next(
        (
            row
            for row in store.price_list_lines.values()
            if row["Price_List_Code"] == code.upper() and row["Line_No"] == line_no
        ),
        None,
    )


@dataclass(frozen=True)
class SalesLinePricing:
    """What a sales line hands BC's price calculation when its item, variant, unit or quantity is validated."""

    customer: Record
    """The document's bill-to customer: its number, price group and discount group select the lines."""
    item: Record
    variant_code: str
    unit_code: str
    qty_per_unit: float
    quantity: float
    on: date
    """The header's Order Date: the work date of the session that made the order (API v2.0 `orderDate` is the
    Document Date)."""


@dataclass(frozen=True)
class SalesLinePrice:
    unit_price: Decimal | None
    """From the best price line, per the line's unit; None: no price line, the item card's unit price applies."""
    line_discount_percent: Decimal


def sales_line_price(store: Store, pricing: SalesLinePricing) -> SalesLinePrice:
    """BC's "Price Calculation - V16" (codeunit 7002, via codeunit 7020 "Price Calculation Mgt.") for a sales line in
    LCY, prices excluding VAT (every seeded line is): the best
    discount first, then the lowest price net of that discount, and no discount when the chosen price line refuses
    line discounts. Campaign and contact lines are not looked for (API orders carry no campaign)."""
    lines = sorted(
        (row for row in store.price_lines_by_item.get(pricing.item["number"], ()) if _applies(row, pricing)),
        key=lambda row: (row["Price_List_Code"], row["Line_No"]),
    )
    discounts = [(Decimal(str(row["Line_Discount_Percent"])), row) for row in lines if _gives(row, "Discount")]
    discount_line = _pick_best(discounts, lambda new, best: new > best)
    discount = Decimal(str(discount_line["Line_Discount_Percent"])) if discount_line else Decimal(0)
    prices = [
        (_price(row, pricing) * (100 - (discount if row["Allow_Line_Disc"] else 0)) / 100, row)
        for row in lines
        if _gives(row, "Price")
    ]
    price_line = _pick_best(prices, lambda new, best: new < best)
    if price_line is None:
        return SalesLinePrice(None, discount)
    return SalesLinePrice(_price(price_line, pricing), discount if price_line["Allow_Line_Disc"] else Decimal(0))


def _applies(row: Record, pricing: SalesLinePricing) -> bool:
    day = pricing.on.isoformat()
    base_quantity = pricing.quantity * (1 if row["Unit_of_Measure_Code"] else pricing.qty_per_unit)
    return (
        row["Status"] == "Active"
        and row["Asset_Type"] == "Item"
        and row["Asset_No"] == pricing.item["number"]
        and row["Variant_Code"] in ("", pricing.variant_code)
        and row["Unit_of_Measure_Code"] in ("", pricing.unit_code)
        and row["Currency_Code"] == ""
        and (row["Starting_Date"] == EMPTY_DATE or row["Starting_Date"] <= day)
        and (row["Ending_Date"] == EMPTY_DATE or row["Ending_Date"] >= day)
        and row["Minimum_Quantity"] <= base_quantity
        and _is_for_customer(row, pricing.customer)
    )


def _is_for_customer(row: Record, customer: Record) -> bool:
    """All customers, the customer itself or its price group (the simulator's customers have no discount group)."""
    source = _source_type(row)
    if source == _ALL_CUSTOMERS:
        return True
    wanted = {_CUSTOMER: customer["number"], _PRICE_GROUP: customer.get("customerPriceGroup", "")}
    return bool(wanted.get(source)) and row["Source_No"] == wanted[source]


def _gives(row: Record, amount_type: str) -> bool:
    """A customer price group gives prices only (BC's IsForAmountType)."""
    if row["Amount_Type"] not in (amount_type, "Any"):
        return False
    return _source_type(row) != _PRICE_GROUP or amount_type == "Price"


def _source_type(row: Record) -> str:
    """Encoded, whether the row keeps the member or its OData name (encoding twice changes nothing)."""
    return odata_enum_name(row["Source_Type"])


def _price(row: Record, pricing: SalesLinePricing) -> Decimal:
    """Per the line's unit: a line without a unit prices one base unit."""
    price = Decimal(str(row["Unit_Price"]))
    return price if row["Unit_of_Measure_Code"] else price * Decimal(str(pricing.qty_per_unit))


def _pick_best(
    ranked: Iterable[tuple[Decimal, Record]], is_better: Callable[[Decimal, Decimal], bool]
) -> Record | None:
    """BC's PickBestLine: a line naming the variant the best so far leaves blank replaces it; one leaving blank
    what the best names is passed over; otherwise the better wins."""
    best: tuple[Decimal, Record] | None = None
    for amount, row in ranked:
        held = best[1]["Variant_Code"] if best else ""
        if held and not row["Variant_Code"]:
            continue
        if row["Variant_Code"] and not held:
            best = None
        if best is None or is_better(amount, best[0]):
            best = (amount, row)
    return best[1] if best else None


def _date(day: date | None) -> str:
    return day.isoformat() if day is not None else EMPTY_DATE
