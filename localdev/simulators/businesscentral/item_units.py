"""Item units of measure (table 5404): every item has its base unit (1 per base unit) and may have more, such as a
box of 6. Quantities on document lines are in the line's unit; stock and availability are in base units."""

from __future__ import annotations

from localdev.simulators.businesscentral.errors import dialog
from localdev.simulators.businesscentral.store import Record, Store


def unit_id(item_number: str, code: str) -> str:
    """The row's key in its table (never served): its primary key, Item No. and Code, as Table.get looks keys up."""
    return f"{item_number}/{code}".lower()


def add_unit(store: Store, item_number: str, code: str, quantity: float, modified_at: str | None = None) -> Record:
    return store.item_units_of_measure.add(
        {
            "id": unit_id(item_number, code),
            "Item_No": item_number,
            "Code": code,
            "Qty_per_Unit_of_Measure": quantity,
            "Height": 0.0,
            "Width": 0.0,
            "Length": 0.0,
            "Cubage": 0.0,
            "Weight": 0.0,
            "Coupled_to_Dataverse": False,
        },
        modified_at,
    )


def qty_per_unit(store: Store, item_number: str, code: str, table: str = "Sales Line") -> float:
    """How many base units one `code` of the item holds; BC refuses a unit the item does not have (the `table`
    line's TableRelation to Item Unit of Measure)."""
    unit = store.item_units_of_measure.get(unit_id(item_number, code))
    if unit is None:
        raise dialog(
            f"The field Unit of Measure Code of table {table} contains a value ({code}) that cannot be found in "
            "the related table (Item Unit of Measure)."
        )
    return float(unit["Qty_per_Unit_of_Measure"])
