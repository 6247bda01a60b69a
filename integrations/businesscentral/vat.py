"""The VAT % of BC items for sales in the company's own country, from two pages an administrator publishes as
OData v4 web services: page 31 "Item List" (the item's VAT Prod. Posting Group; API v2.0 items have none, their
`taxGroupCode` is the US sales tax group, blank in a VAT country) and page 472 "VAT Posting Setup" (the VAT % of a
VAT business and product posting group pair, and its VAT Identifier: what BC serves as a document line's taxCode).
Control names: Base App Inventory/Item/ItemList.Page.al and
Finance/VAT/Setup/VATPostingSetup.Page.al (StefanMaron/MSDyn365BC.Code.History).
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from domain.refunds.shop_origin_ports import VatPostingSetup
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

ITEM_FIELDS = "No,VAT_Prod_Posting_Group"
SETUP_FIELDS = "VAT_Prod_Posting_Group,VAT_Identifier,VAT_Percent,VAT_Calculation_Type,Blocked"
NORMAL_VAT = "Normal VAT"
NUMBERS_PER_FILTER = 40
"""Item numbers per `No eq .. or ..` filter: a URL of about 2 KB."""


class BusinessCentralVat:
    def __init__(self, client: BusinessCentralClient, items_url: str, setup_url: str, business_group: str) -> None:
        """`items_url`, `setup_url`: the published pages 31 and 472, `.../ODataV4/Company('<name>')/<service>`;
        `business_group`: the VAT Bus. Posting Group of the company's domestic customers (BINNENLAND)."""
        self._client = client
        self._items_url = items_url
        self._setup_url = setup_url
        self._business_group = business_group

    def rates(self) -> dict[str, Decimal]:
        """The VAT % of each VAT Prod. Posting Group sold to a domestic customer. A blocked setup, or one whose VAT
        is not calculated as Normal VAT (reverse charge, full VAT, sales tax), gives no consumer price: left out."""
        return {
            row["VAT_Prod_Posting_Group"]: Decimal(str(row["VAT_Percent"]))
            for row in self._setup_rows()
            if row["VAT_Prod_Posting_Group"]
            and not row.get("Blocked")
            and odata.enum_value(row.get("VAT_Calculation_Type", "")) == NORMAL_VAT
        }

    def setups(self) -> tuple[VatPostingSetup, ...]:
        """Every VAT Posting Setup of the business group that is not blocked, with its VAT Identifier."""
        return tuple(
            VatPostingSetup(
                product_group=row["VAT_Prod_Posting_Group"],
                identifier=row.get("VAT_Identifier") or "",
                percent=Decimal(str(row["VAT_Percent"])),
            )
            for row in self._setup_rows()
            if not row.get("Blocked")
        )

    def _setup_rows(self) -> list[dict[str, Any]]:
        return self._client.get_all_url(
            self._setup_url,
            {"$filter": f"VAT_Bus_Posting_Group eq {odata.literal(self._business_group)}", "$select": SETUP_FIELDS},
        )

    def groups(self, numbers: Collection[str] | None = None) -> dict[str, str]:
        """Each item's VAT Prod. Posting Group ("" when blank) by item number: of every item (None), or of those
        named, a filter of NUMBERS_PER_FILTER at a time."""
        if numbers is None:
            return self._groups({})
        ordered = sorted(numbers)
        by_number: dict[str, str] = {}
        for start in range(0, len(ordered), NUMBERS_PER_FILTER):
            by_number |= self._groups({"$filter": odata.any_of("No", ordered[start : start + NUMBERS_PER_FILTER])})
        return by_number

    def _groups(self, params: dict[str, str]) -> dict[str, str]:
        return {
            row["No"]: sys.intern(row.get("VAT_Prod_Posting_Group") or "")
            for page in self._client.pages(self._items_url, {"$select": ITEM_FIELDS, **params})
            for row in page
        }
