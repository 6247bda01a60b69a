"""The PortalSource port over two pages an administrator publishes as OData v4 web services: page 22 "Customer
List" (customers' price and discount groups and currency, which API v2.0 does not show) and page 5716 "Item
Substitution Entry". Only the fields Koppel prices with are selected: no names or addresses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from domain.catalog.availability import ItemKey, ItemSubstitution
from domain.portal.catalog import PortalCustomer
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

CUSTOMER_FIELDS = "No,Customer_Price_Group,Customer_Disc_Group,Currency_Code"
SUBSTITUTION_FIELDS = "Type,No,Variant_Code,Substitute_Type,Substitute_No,Substitute_Variant_Code,Interchangeable"
ITEM = "Item"
"""Substitution entries for nonstock items (catalog items not in the item table) are not offered."""


class BusinessCentralPortalSource:
    def __init__(self, client: BusinessCentralClient, customers_url: str, substitutions_url: str) -> None:
        """`customers_url`, `substitutions_url`: the published services, `.../ODataV4/Company('<name>')/<service>`."""
        self._client = client
        self._customers_url = customers_url
        self._substitutions_url = substitutions_url

    def customers(self) -> Iterator[PortalCustomer]:
        for page in self._client.pages(self._customers_url, {"$select": CUSTOMER_FIELDS}):
            for row in page:
                yield PortalCustomer(
                    number=row["No"],
                    customer_price_group=row.get("Customer_Price_Group") or "",
                    customer_discount_group=row.get("Customer_Disc_Group") or "",
                    currency_code=row.get("Currency_Code") or "",
                )

    def substitutions(self) -> Mapping[str, Sequence[ItemSubstitution]]:
        by_item: dict[str, list[ItemSubstitution]] = defaultdict(list)
        for page in self._client.pages(self._substitutions_url, {"$select": SUBSTITUTION_FIELDS}):
            for row in page:
                if _item_for_item(row):
                    by_item[row["No"]].append(_substitution(row))
        return dict(by_item)


def _item_for_item(row: dict[str, Any]) -> bool:
    """An item substituted by an item (not a nonstock item on either side)."""
    return odata.enum_value(row.get("Type")) == ITEM and odata.enum_value(row.get("Substitute_Type")) == ITEM


def _substitution(row: dict[str, Any]) -> ItemSubstitution:
    return ItemSubstitution(
        item=ItemKey(item_number=row["No"], variant_code=row.get("Variant_Code") or ""),
        substitute=ItemKey(item_number=row["Substitute_No"], variant_code=row.get("Substitute_Variant_Code") or ""),
        interchangeable=bool(row.get("Interchangeable")),
    )
