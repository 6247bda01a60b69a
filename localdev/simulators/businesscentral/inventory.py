"""Stock as BC keeps it: every movement is an item ledger entry; items.inventory and the stock per location follow.

Item.Inventory is a FlowField (the sum of the entries' quantities), not a stored field: posting an entry does not
modify the item record, so the item's lastModifiedDateTime and ETag stay as they are. A stock change shows up as a
new itemLedgerEntries row (its lastModifiedDateTime is when it was posted) and in the published query's sums.
Entries are not applied to one another here: each stays open with its whole quantity remaining, which gives the
same sums per location, item, variant and unit of measure as BC's application would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from localdev.simulators.businesscentral.enum_names import odata_enum_name
from localdev.simulators.businesscentral.errors import dialog, missing_reference
from localdev.simulators.businesscentral.published_schema import BLANK_OPTION
from localdev.simulators.businesscentral.store import Record, StockKey, Store

QUANTITY_PLACES = 5
"""BC keeps quantities to 5 decimals."""
POSITIVE_ADJUSTMENT = odata_enum_name("Positive Adjmt.")
NEGATIVE_ADJUSTMENT = odata_enum_name("Negative Adjmt.")
SALE = "Sale"


@dataclass(frozen=True)
class Movement:
    """What an item journal line posts: `quantity` in the item's base unit, negative takes stock out."""

    location_code: str
    quantity: float
    posting_date: date
    variant_code: str = ""
    unit_of_measure_code: str = ""
    """The unit the movement was entered in (blank: the base unit); the quantity is in base units regardless."""
    entry_type: str = ""
    """Blank: a positive or negative adjustment, by the sign of the quantity."""
    document_number: str = ""


def post(store: Store, item: Record, movement: Movement) -> Record:
    """Check the movement as BC does before it posts, then book it."""
    check_target(store, item, movement.location_code, movement.variant_code)
    return book(store, item, movement)


def book(
    store: Store, item: Record, movement: Movement, entry_id: str | None = None, modified_at: str | None = None
) -> Record:
    """Add the item ledger entry and update the sums, unchecked: for seeds that know their references exist."""
    quantity = movement.quantity
    entry_type = movement.entry_type or (POSITIVE_ADJUSTMENT if quantity >= 0 else NEGATIVE_ADJUSTMENT)
    unit = movement.unit_of_measure_code or item["baseUnitOfMeasureCode"]
    entry = store.item_ledger_entries.add(
        {
            "id": entry_id or str(uuid.uuid4()),
            "entryNumber": len(store.item_ledger_entries.rows) + 1,
            "itemNumber": item["number"],
            "postingDate": movement.posting_date.isoformat(),
            "entryType": entry_type,
            "sourceNumber": "",
            "sourceType": BLANK_OPTION,
            "documentNumber": movement.document_number,
            "documentType": BLANK_OPTION,
            "description": "",
            "quantity": quantity,
            "salesAmountActual": 0.0,
            "costAmountActual": round(quantity * item["unitCost"], 2),
            "locationCode": movement.location_code,
            "variantCode": movement.variant_code,
            "unitOfMeasureCode": unit,
            "remainingQuantity": quantity,
            "open": quantity != 0,
        },
        modified_at,
    )
    key: StockKey = (movement.location_code, item["number"], movement.variant_code, unit)
    remaining = round(store.stock.get(key, 0.0) + quantity, QUANTITY_PLACES)
    if remaining:
        store.stock[key] = remaining
    else:
        store.stock.pop(key, None)
    item["inventory"] = round(item["inventory"] + quantity, QUANTITY_PLACES)
    return entry


def check_target(store: Store, item: Record, location_code: str, variant_code: str) -> None:
    """BC's checks before an item journal line posts: an inventory item, a known location and variant."""
    if item["type"] != "Inventory":
        raise dialog(
            f"Type must be equal to 'Inventory'  in Item: No.={item['number']}. Current value is '{item['type']}'."
        )
    if location_code and store.locations.find("code", location_code) is None:
        raise missing_reference("Location", "Code", location_code)
    if variant_code and not any(
        v["itemId"] == item["id"] and v["code"] == variant_code for v in store.item_variants.values()
    ):
        raise missing_reference("Item Variant", "Code", variant_code)


def stock_rows(store: Store) -> list[Record]:
    """The rows query 5756 "Grouped Item Ledger Entries" returns: one per group with open entries."""
    return [
        {
            "Location_Code": location,
            "Item_No": item_number,
            "Variant_Code": variant,
            "Unit_of_Measure_Code": unit,
            "Serial_No_": "",
            "Lot_No_": "",
            "Package_No_": "",
            "Remaining_Quantity": quantity,
        }
        for (location, item_number, variant, unit), quantity in store.stock.items()
    ]
