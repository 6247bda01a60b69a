"""The CatalogSource port over BC: items and variants from API v2.0, price list lines from the page an
administrator publishes as an OData v4 web service (API v2.0 has none), each item's VAT % from
integrations.businesscentral.vat (published pages too), stock from integrations.businesscentral.stock.

Items are streamed page by page. Price list lines are kept per item as compact tuples and turned into domain
objects only when that item's listing is made, so a 50,000-item catalog is not held twice (raw and as models).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.catalog.availability import ItemKey, StockFacts
from domain.catalog.listing import CatalogItem, CatalogVariant
from domain.catalog.prices import PriceListLine
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.price_lists import PRICE_LINE_FIELDS, price_list_line
from integrations.businesscentral.stock import BusinessCentralStock
from integrations.businesscentral.vat import BusinessCentralVat

ITEM_FIELDS = (
    "number,displayName,blocked,unitPrice,priceIncludesTax,baseUnitOfMeasureCode,itemCategoryCode,lastModifiedDateTime"
)
VARIANT_FIELDS = "itemNumber,code,description,lastModifiedDateTime"
ITEM_ASSET = "Item"
"""Asset_Type of a price list line for an item (served as is: no space to encode)."""
NUMBERS_PER_FILTER = 40
"""Item numbers per `number eq .. or ..` filter: a URL of about 2 KB."""
READ_ALL_ABOVE = 2_000
"""More items than this to read by number: one full read costs fewer calls."""


class _LinesByItem(Mapping[str, Sequence[PriceListLine]]):
    """Price list lines kept as tuples of the page's fields, made into domain lines when an item's are read."""

    def __init__(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        self._rows = rows

    def __getitem__(self, number: str) -> list[PriceListLine]:
        lines = (price_list_line(dict(zip(PRICE_LINE_FIELDS, row, strict=True))) for row in self._rows[number])
        return [line for line in lines if line]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class BusinessCentralCatalog:
    def __init__(
        self,
        client: BusinessCentralClient,
        price_lines_url: str,
        stock: BusinessCentralStock,
        vat: BusinessCentralVat,
    ) -> None:
        self._client = client
        self._price_lines_url = price_lines_url
        self._stock = stock
        self._vat = vat

    def items(self, since: datetime | None = None, numbers: Collection[str] = ()) -> Iterator[CatalogItem]:
        """Every item with its variants, or after `since` the items whose card or a variant BC stamped later and
        those in `numbers` (fetched by number, or in a full read when there are many). An item's VAT % is None when
        BC gives no VAT for a domestic sale of it (no VAT Prod. Posting Group, or no usable VAT posting setup)."""
        variants, restamped = self._variants(since)
        categories = self._categories()
        rates = self._vat.rates()
        wanted = set(numbers) | restamped
        rows: Iterable[dict[str, Any]]
        if since is None or len(wanted) > READ_ALL_ABOVE:
            groups = self._vat.groups()
            rows = self._item_rows({})
            if since is not None:
                rows = (row for row in rows if row["number"] in wanted or _stamped_after(row, since))
        else:
            rows = list(self._changed_item_rows(since, wanted))
            groups = self._vat.groups([row["number"] for row in rows])
        for row in rows:
            group = groups.get(row["number"], "")
            vat = rates.get(group) if group else None
            yield self._item(row, variants.get(row["number"], ()), categories, vat)

    def _changed_item_rows(self, since: datetime, wanted: set[str]) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for row in self._item_rows({"$filter": f"lastModifiedDateTime gt {odata.moment(since)}"}):
            seen.add(row["number"])
            yield row
        rest = sorted(wanted - seen)
        for start in range(0, len(rest), NUMBERS_PER_FILTER):
            yield from self._item_rows({"$filter": odata.any_of("number", rest[start : start + NUMBERS_PER_FILTER])})

    def _item_rows(self, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        for page in self._client.pages(f"{self._client.company_url}/items", {"$select": ITEM_FIELDS, **params}):
            yield from page

    def _item(
        self,
        row: dict[str, Any],
        variants: tuple[CatalogVariant, ...],
        categories: Mapping[str, str],
        vat_percent: Decimal | None,
    ) -> CatalogItem:
        category = row.get("itemCategoryCode") or ""
        return CatalogItem(
            number=row["number"],
            name=row.get("displayName") or row["number"],
            blocked=bool(row.get("blocked")),
            unit_price=Decimal(str(row.get("unitPrice") or 0)),
            base_unit_of_measure=row.get("baseUnitOfMeasureCode") or "",
            price_includes_vat=bool(row.get("priceIncludesTax")),
            vat_percent=vat_percent,
            variants=variants,
            category=categories.get(category, category),
        )

    def _categories(self) -> dict[str, str]:
        """Each item category's name by code (its code when it has no name); few, read each run."""
        url = f"{self._client.company_url}/itemCategories"
        return {
            row["code"]: row.get("displayName") or row["code"]
            for page in self._client.pages(url, {"$select": "code,displayName"})
            for row in page
        }

    def _variants(self, since: datetime | None) -> tuple[dict[str, tuple[CatalogVariant, ...]], set[str]]:
        """Every item variant by item number, in BC's order (item, then code), and the item numbers with a
        variant stamped after `since`. Variants are few; all are read each run."""
        by_item: dict[str, list[CatalogVariant]] = defaultdict(list)
        restamped: set[str] = set()
        for page in self._client.pages(f"{self._client.company_url}/itemVariants", {"$select": VARIANT_FIELDS}):
            for row in page:
                by_item[row["itemNumber"]].append(
                    CatalogVariant(code=row["code"], description=row.get("description") or "")
                )
                if since is not None and _stamped_after(row, since):
                    restamped.add(row["itemNumber"])
        return {number: tuple(variants) for number, variants in by_item.items()}, restamped

    def price_lines(self) -> Mapping[str, Sequence[PriceListLine]]:
        """Every line of the published page for an item, by item number (lines for item discount groups, resources
        and the like are not an item's)."""
        by_item: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for page in self._client.pages(self._price_lines_url, {"$select": ",".join(PRICE_LINE_FIELDS)}):
            for row in (row for row in page if row.get("Asset_Type") == ITEM_ASSET):
                by_item[sys.intern(str(row.get("Asset_No", "")))].append(
                    tuple(_shared(row.get(field)) for field in PRICE_LINE_FIELDS)
                )
        return _LinesByItem(dict(by_item))

    def stock(self) -> Mapping[ItemKey, StockFacts]:
        """On hand, sales demand and expected receipts per item and variant (see integrations.businesscentral.stock)."""
        return self._stock.facts()


def _stamped_after(row: dict[str, Any], since: datetime) -> bool:
    stamp = row.get("lastModifiedDateTime")
    return bool(stamp) and datetime.fromisoformat(str(stamp).replace("Z", "+00:00")) > since


def _shared(value: Any) -> Any:
    """Codes repeat on every line (price list, source, status): one string object each."""
    return sys.intern(value) if isinstance(value, str) else value
