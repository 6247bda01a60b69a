"""The CatalogSource port over BC: items from API v2.0, price list lines and stock per location from the pages
and the query an administrator publishes as OData v4 web services (API v2.0 has neither)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from domain.catalog.availability import ItemKey, StockFacts
from domain.catalog.listing import CatalogItem
from domain.catalog.prices import PriceListLine
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.price_lists import price_list_line

ITEM_FIELDS = "number,displayName,blocked,unitPrice,priceIncludesTax,taxGroupCode,baseUnitOfMeasureCode"


class BusinessCentralCatalog:
    def __init__(
        self,
        client: BusinessCentralClient,
        price_lines_url: str,
        stock_url: str,
        vat_percent_by_group: Mapping[str, Decimal],
    ) -> None:
        """`vat_percent_by_group`: the VAT % of each item tax group code (HOOG 21, LAAG 9, ...)."""
        self._client = client
        self._price_lines_url = price_lines_url
        self._stock_url = stock_url
        self._vat = dict(vat_percent_by_group)

    def items(self) -> list[CatalogItem]:
        return [
            CatalogItem(
                number=row["number"],
                name=row.get("displayName") or row["number"],
                blocked=bool(row.get("blocked")),
                unit_price=Decimal(str(row.get("unitPrice") or 0)),
                base_unit_of_measure=row.get("baseUnitOfMeasureCode") or "",
                price_includes_vat=bool(row.get("priceIncludesTax")),
                vat_percent=self._vat.get(row.get("taxGroupCode") or "", Decimal(0)),
            )
            for row in self._client.get_all("items", {"$select": ITEM_FIELDS})
        ]

    def price_lines(self) -> list[PriceListLine]:
        return [line for line in map(price_list_line, self._client.get_all_url(self._price_lines_url)) if line]

    def stock(self) -> dict[ItemKey, StockFacts]:
        """On hand per item, variant and location; sales demand and expected receipts are not read yet."""
        on_hand: dict[ItemKey, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in self._client.get_all_url(self._stock_url):
            key = ItemKey(item_number=row["Item_No"], variant_code=row.get("Variant_Code") or "")
            on_hand[key][row.get("Location_Code") or ""] += Decimal(str(row.get("Remaining_Quantity") or 0))
        return {key: StockFacts(item=key, on_hand=dict(locations)) for key, locations in on_hand.items()}
