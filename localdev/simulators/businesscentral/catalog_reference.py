"""The setup a catalog hangs on: item categories, units of measure, locations, tax and posting groups.

Created once per store, with ids from a fixed generator, so the demo seed and the large-catalog seed agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.seed_random import guid
from localdev.simulators.businesscentral.store import Record, Store, Table

REFERENCE_SEED = "koppel-bc-reference-20240501"
MAIN_LOCATION = "HOOFD"
SHOP_LOCATION = "WINKEL"
BASE_UNIT = "STUK"
BOX_UNIT = "DOOS"

_PARENT_CATEGORIES = (("DRANK", "Koffie en thee"), ("NONFOOD", "Non-food"), ("OVERIG", "Overig"))
_CATEGORIES = (
    ("KOF", "Koffie", "DRANK"),
    ("THE", "Thee", "DRANK"),
    ("MOK", "Servies en glas", "NONFOOD"),
    ("APP", "Apparatuur", "NONFOOD"),
    ("ACC", "Accessoires", "NONFOOD"),
    ("TEX", "Textiel", "NONFOOD"),
    ("FLS", "Bekers en flessen", "NONFOOD"),
    ("CHO", "Zoetwaren", "OVERIG"),
    ("SRV", "Diensten", "OVERIG"),
    ("BON", "Cadeaubonnen", "OVERIG"),
)
_UNITS = (
    (BASE_UNIT, "Stuk", "H87", "st"),
    (BOX_UNIT, "Doos", "XBX", ""),
    ("PAK", "Pak", "XPK", ""),
    ("KG", "Kilogram", "KGM", "kg"),
    ("UUR", "Uur", "HUR", "u"),
)
_LOCATIONS = (
    (MAIN_LOCATION, "Hoofdmagazijn", "Industrieweg 12", "Utrecht", "3542 AD", "+31 30 2001000"),
    (SHOP_LOCATION, "Winkel Amsterdam", "Haarlemmerstraat 88", "Amsterdam", "1013 EW", "+31 20 6203040"),
)
ITEM_CATEGORIES: dict[str, str] = {code: name for code, name, _parent in _CATEGORIES}
"""The categories items belong to (their parents hold no items), by code."""
_TAX_GROUPS = ("HOOG", "LAAG", "NUL")
_POSTING_GROUPS = ("HANDEL", "DIENSTEN")


@dataclass(frozen=True)
class Reference:
    """Ids by code of what items and documents refer to."""

    categories: dict[str, str]
    units: dict[str, str]
    locations: dict[str, str]
    tax_groups: dict[str, str]
    posting_groups: dict[str, str]

    def item_fields(self, category: str, item_type: str, tax_group: str) -> Record:
        """The references of an item: category, base unit, tax group and posting groups."""
        posting = "DIENSTEN" if item_type == "Service" else "HANDEL"
        inventory_group = "HANDEL" if item_type == "Inventory" else ""
        return {
            "itemCategoryId": self.categories[category],
            "itemCategoryCode": category,
            "taxGroupId": self.tax_groups[tax_group],
            "baseUnitOfMeasureId": self.units[BASE_UNIT],
            "baseUnitOfMeasureCode": BASE_UNIT,
            "generalProductPostingGroupId": self.posting_groups[posting],
            "generalProductPostingGroupCode": posting,
            "inventoryPostingGroupId": self.posting_groups[inventory_group] if inventory_group else EMPTY_GUID,
            "inventoryPostingGroupCode": inventory_group,
        }


def ensure_reference_data(store: Store) -> Reference:
    """Add the categories, units and locations unless there already; the same ids either way."""
    rng = random.Random(REFERENCE_SEED)
    categories = {
        code: _ensure(store.item_categories, rng, code, {"displayName": name, "parentCategory": ""})
        for code, name in _PARENT_CATEGORIES
    }
    categories |= {
        code: _ensure(store.item_categories, rng, code, {"displayName": name, "parentCategory": parent})
        for code, name, parent in _CATEGORIES
    }
    units = {
        code: _ensure(
            store.units_of_measure,
            rng,
            code,
            {"displayName": name, "internationalStandardCode": standard, "symbol": symbol},
        )
        for code, name, standard, symbol in _UNITS
    }
    locations = {
        code: _ensure(store.locations, rng, code, _location(name, street, city, postcode, phone))
        for code, name, street, city, postcode, phone in _LOCATIONS
    }
    tax_groups = {code: guid(rng) for code in _TAX_GROUPS}
    posting_groups = {code: guid(rng) for code in _POSTING_GROUPS}
    return Reference(categories, units, locations, tax_groups, posting_groups)


def _ensure(table: Table, rng: random.Random, code: str, values: Record) -> str:
    record_id = guid(rng)
    existing = table.find("code", code)
    if existing is not None:
        return str(existing["id"])
    return str(table.add({"id": record_id, "code": code, **values})["id"])


def _location(name: str, street: str, city: str, postcode: str, phone: str) -> Record:
    return {
        "displayName": name,
        "contact": "",
        "addressLine1": street,
        "addressLine2": "",
        "city": city,
        "state": "",
        "country": "NL",
        "postalCode": postcode,
        "phoneNumber": phone,
        "email": "",
        "website": "",
    }
