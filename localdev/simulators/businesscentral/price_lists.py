"""Sales price lists and their lines (table 7001 "Price List Line"), stored as page 7005 names its fields.

A line copies its list's assign-to (Source Type / Source No.), currency, dates and status, as BC does when the
list's "Allow Updating Defaults" is off; a line added to an active list stays Draft until someone verifies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from localdev.simulators.businesscentral.enum_names import odata_enum_name
from localdev.simulators.businesscentral.schema import EMPTY_DATE
from localdev.simulators.businesscentral.store import Record, Store

LINE_STEP = 10000


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
        store.price_list_lines.add(line, modified_at)


def find_line(store: Store, code: str, line_no: int) -> Record | None:
    return next(
        (
            row
            for row in store.price_list_lines.values()
            if row["Price_List_Code"] == code.upper() and row["Line_No"] == line_no
        ),
        None,
    )


def _date(day: date | None) -> str:
    return day.isoformat() if day is not None else EMPTY_DATE
