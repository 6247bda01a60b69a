"""The PriceLists port over BC's published OData v4 web services: price list lines (page 7005 "Price List Line
Review") and customers' price and discount groups (page 22 "Customer List"), which API v2.0 does not offer.

An administrator publishes both pages on BC's Web Services page (README, Deployment). Rows are cached per item and
per customer for a few minutes, so an order for known items and a known customer costs no request.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from cachetools import TTLCache
from pydantic import ValidationError

from domain.catalog.prices import (
    CustomerPricing,
    PriceAmountType,
    PriceAssetType,
    PriceListLine,
    PriceSourceType,
    PriceStatus,
    PriceType,
)
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

FILTER_CHUNK = 15
PRICE_LINE_FIELDS = (
    "Price_List_Code",
    "Line_No",
    "Status",
    "Source_Type",
    "Source_No",
    "Asset_Type",
    "Asset_No",
    "Variant_Code",
    "Unit_of_Measure_Code",
    "Currency_Code",
    "Starting_Date",
    "Ending_Date",
    "Minimum_Quantity",
    "Amount_Type",
    "Unit_Price",
    "Line_Discount_Percent",
    "Allow_Line_Disc",
)
"""The fields of page 7005 that `price_list_line` reads."""
BLANK_DATE = "0001-01-01"


class BusinessCentralPriceLists:
    def __init__(
        self,
        client: BusinessCentralClient,
        price_lines_url: str,
        customers_url: str,
        cache_size: int = 4096,
        cache_seconds: float = 300.0,
    ) -> None:
        """`price_lines_url`, `customers_url`: the two published services, `.../ODataV4/Company('<name>')/<service>`."""
        self._client = client
        self._price_lines_url = price_lines_url
        self._customers_url = customers_url
        self._lines: TTLCache[str, tuple[PriceListLine, ...]] = TTLCache(cache_size, cache_seconds)
        self._groups: TTLCache[str, tuple[str, str]] = TTLCache(cache_size, cache_seconds)
        self._lock = threading.Lock()

    def customer_pricing(self, customer_number: str, item_numbers: Sequence[str]) -> CustomerPricing:
        price_group, discount_group = self._customer_groups(customer_number)
        lines = self._item_lines(item_numbers)
        return CustomerPricing(
            customer_price_group=price_group,
            customer_discount_group=discount_group,
            lines=tuple(line for item in item_numbers for line in lines.get(item, ())),
        )

    def _customer_groups(self, customer_number: str) -> tuple[str, str]:
        with self._lock:
            cached = self._groups.get(customer_number)
        if cached is not None:
            return cached
        rows = self._client.get_all_url(
            self._customers_url,
            {
                "$filter": f"No eq {odata.literal(customer_number)}",
                "$select": "No,Customer_Price_Group,Customer_Disc_Group",
            },
        )
        groups = (
            (str(rows[0].get("Customer_Price_Group") or ""), str(rows[0].get("Customer_Disc_Group") or ""))
            if rows
            else ("", "")
        )
        with self._lock:
            self._groups[customer_number] = groups
        return groups

    def _item_lines(self, item_numbers: Sequence[str]) -> dict[str, tuple[PriceListLine, ...]]:
        with self._lock:
            found = {item: self._lines[item] for item in item_numbers if item in self._lines}
        missing = sorted({item for item in item_numbers if item not in found})
        for chunk in [missing[i : i + FILTER_CHUNK] for i in range(0, len(missing), FILTER_CHUNK)]:
            rows = self._client.get_all_url(self._price_lines_url, {"$filter": odata.any_of("Asset_No", chunk)})
            fresh: dict[str, list[PriceListLine]] = {item: [] for item in chunk}
            for line in filter(None, map(price_list_line, rows)):
                if line.asset_type is PriceAssetType.ITEM and line.asset_number in fresh:
                    fresh[line.asset_number].append(line)
            with self._lock:
                self._lines.update({item: tuple(lines) for item, lines in fresh.items()})
            found.update({item: tuple(lines) for item, lines in fresh.items()})
        return found


def price_list_line(row: dict[str, Any]) -> PriceListLine | None:
    """A row of page 7005 as the domain's price list line; None for a row Koppel cannot price with (a source or
    product type it does not know). The page shows neither Price Type nor Price Includes VAT: its lines for
    customer sources are sales lines, and Koppel takes their prices to exclude VAT (README, Deployment)."""
    try:
        return PriceListLine(
            price_list_code=row["Price_List_Code"],
            line_number=int(row["Line_No"]),
            price_type=PriceType.SALE,
            status=PriceStatus(odata.enum_value(row["Status"])),
            source_type=PriceSourceType(odata.enum_value(row["Source_Type"])),
            source_number=row.get("Source_No") or "",
            asset_type=PriceAssetType(odata.enum_value(row["Asset_Type"])),
            asset_number=row["Asset_No"],
            variant_code=row.get("Variant_Code") or "",
            unit_of_measure_code=row.get("Unit_of_Measure_Code") or "",
            currency_code=row.get("Currency_Code") or "",
            starting_date=_date(row.get("Starting_Date")),
            ending_date=_date(row.get("Ending_Date")),
            minimum_quantity=Decimal(str(row.get("Minimum_Quantity") or 0)),
            amount_type=PriceAmountType(odata.enum_value(row["Amount_Type"])),
            unit_price=Decimal(str(row.get("Unit_Price") or 0)),
            line_discount_percent=Decimal(str(row.get("Line_Discount_Percent") or 0)),
            allow_line_discount=bool(row.get("Allow_Line_Disc", True)),
            price_includes_vat=False,
        )
    except (KeyError, ValueError, ValidationError):
        return None


def _date(value: str | None) -> date | None:
    """BC serves a blank date as 0001-01-01."""
    return None if not value or value == BLANK_DATE else date.fromisoformat(value)
