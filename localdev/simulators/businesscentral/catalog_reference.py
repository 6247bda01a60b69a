"""The setup a catalog hangs on: item categories, units of measure, locations, tax and posting groups.

Created once per store, with ids from a fixed generator, so the demo seed and the large-catalog seed agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from localdev.simulators.businesscentral.pricing import VAT_RATES
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.seed_random import guid
from localdev.simulators.businesscentral.store import Record, Store, Table

REFERENCE_SEED = "koppel-bc-reference-20240501"
MAIN_LOCATION = "HOOFD"
SHOP_LOCATION = "WINKEL"
BASE_UNIT = "STUK"
BOX_UNIT = "DOOS"
DOMESTIC_VAT_GROUP = "BINNENLAND"
"""The VAT Bus. Posting Group of customers in the Netherlands (the EU ones have EU: reverse charge)."""
VAT_IDENTIFIERS = {"HOOG": "VAT21", "LAAG": "VAT9", "NUL": "VAT0"}
"""The domestic setups' VAT Identifiers, named apart from their VAT Prod. Posting Groups as a company may name them:
BC serves a document line's taxCode as the identifier and validates a written one as the group."""

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
_POSTING_GROUPS = ("HANDEL", "DIENSTEN")


@dataclass(frozen=True)
class Reference:
    """Ids by code of what items and documents refer to."""

    categories: dict[str, str]
    units: dict[str, str]
    locations: dict[str, str]
    posting_groups: dict[str, str]

    def item_fields(self, category: str, item_type: str, vat_group: str) -> Record:
        """The references of an item: category, base unit and posting groups; no tax group (US sales tax), as in a
        Dutch company: VAT comes from the VAT Prod. Posting Group."""
        posting = "DIENSTEN" if item_type == "Service" else "HANDEL"
        inventory_group = "HANDEL" if item_type == "Inventory" else ""
        return {
            "itemCategoryId": self.categories[category],
            "itemCategoryCode": category,
            "taxGroupId": EMPTY_GUID,
            "taxGroupCode": "",
            "vatProductPostingGroup": vat_group,
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
    posting_groups = {code: guid(rng) for code in _POSTING_GROUPS}
    _ensure_vat_posting_setup(store)
    return Reference(categories, units, locations, posting_groups)


def _ensure_vat_posting_setup(store: Store) -> None:
    """Domestic sales at the Dutch rates; sales to EU businesses reverse charged (0 %)."""
    for group, rate in VAT_RATES.items():
        for business, percent, kind in (
            (DOMESTIC_VAT_GROUP, float(rate), "Normal VAT"),
            ("EU", 0.0, "Reverse Charge VAT"),
        ):
            key = f"{business}/{group}".lower()
            if store.vat_posting_setup.get(key) is None:
                store.vat_posting_setup.add(
                    {
                        "id": key,
                        "VAT_Bus_Posting_Group": business,
                        "VAT_Prod_Posting_Group": group,
                        "Description": f"{business} {group}",
                        "Blocked": False,
                        "VAT_Identifier": VAT_IDENTIFIERS[group] if business == DOMESTIC_VAT_GROUP else f"{group}-EU",
                        "VAT_Percent": percent,
                        "VAT_Calculation_Type": kind,
                    }
                )


def vat_business_group(customer: Record) -> str:
    """The customer's VAT Bus. Posting Group: domestic in the Netherlands, EU elsewhere."""
    return DOMESTIC_VAT_GROUP if customer["country"] in ("", "NL") else "EU"


def vat_identifier(store: Store, customer: Record, product_group: str) -> str:
    """The VAT Identifier of the customer's VAT Posting Setup for the product group ("" for none), as BC serves a
    document line's taxCode."""
    if not product_group:
        return ""
    setup = store.vat_posting_setup.get(f"{vat_business_group(customer)}/{product_group}".lower())
    return str(setup["VAT_Identifier"]) if setup else ""


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
