"""`inventorySetQuantities`: absolute quantities per inventory item and location, all or nothing.

Compare-and-set follows the API version: before 2026-04 each quantity needs `compareQuantity` unless
`ignoreCompareQuantity` is true; from 2026-01 an explicit `changeFromQuantity` (null: no check) takes precedence
over both. Setting `available` or `on_hand` moves the other by the same delta (nothing is committed here).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from localdev.simulators.shopify.catalog import Catalog, InventoryItem, Location, now_stamp
from localdev.simulators.shopify.gql_errors import UserError

QUANTITY_NAMES = ("available", "on_hand")
MAX_QUANTITY = 1_000_000_000
REASONS = frozenset(
    {
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_created",
        "movement_updated",
        "movement_received",
        "movement_canceled",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    }
)

Input = Mapping[str, Any]


@dataclass(frozen=True)
class QuantityChange:
    """One entry of `InventoryAdjustmentGroup.changes`."""

    name: str
    delta: int
    quantity_after_change: int
    item: InventoryItem
    location: Location


@dataclass(frozen=True)
class AdjustmentGroup:
    id: str
    created_at: str
    reason: str
    reference_document_uri: str | None
    changes: list[QuantityChange]


@dataclass(frozen=True)
class SetQuantitiesOutcome:
    group: AdjustmentGroup | None
    errors: list[UserError]


def set_quantities(catalog: Catalog, quantities_input: Input) -> SetQuantitiesOutcome:
    errors = list(_errors(catalog, quantities_input))
    if errors:
        return SetQuantitiesOutcome(None, errors)
    name = quantities_input["name"]
    changes = [change for q in quantities_input["quantities"] for change in _apply(catalog, name, q)]
    group_id = catalog.ids.next("InventoryAdjustmentGroup")
    reference = quantities_input.get("referenceDocumentUri")
    return SetQuantitiesOutcome(
        AdjustmentGroup(group_id, now_stamp(), quantities_input["reason"], reference, changes), []
    )


def _errors(catalog: Catalog, quantities_input: Input) -> Iterator[UserError]:
    if quantities_input["name"] not in QUANTITY_NAMES:
        message = "The quantity name must be either 'available' or 'on_hand'."
        yield UserError(("input", "name"), message, "INVALID_NAME")
    if quantities_input["reason"] not in REASONS:
        yield UserError(("input", "reason"), "The specified reason is invalid.", "INVALID_REASON")
    ignore_compare = bool(quantities_input.get("ignoreCompareQuantity"))
    pairs: set[tuple[str, str]] = set()
    for index, quantity in enumerate(quantities_input["quantities"]):
        where = ("input", "quantities", str(index))
        pair = (quantity["inventoryItemId"], quantity["locationId"])
        if pair in pairs:
            message = "The combination of inventoryItemId and locationId must be unique."
            yield UserError(where, message, "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR")
        pairs.add(pair)
        yield from _quantity_errors(catalog, quantities_input["name"], quantity, ignore_compare, where)


def _quantity_errors(
    catalog: Catalog, name: str, quantity: Input, ignore_compare: bool, where: tuple[str, ...]
) -> Iterator[UserError]:
    item = catalog.inventory_items.get(quantity["inventoryItemId"])
    if item is None:
        message = "The specified inventory item could not be found."
        yield UserError((*where, "inventoryItemId"), message, "INVALID_INVENTORY_ITEM")
    if quantity["locationId"] not in catalog.locations:
        yield UserError((*where, "locationId"), "The specified location could not be found.", "INVALID_LOCATION")
    elif item is not None and quantity["locationId"] not in item.levels:
        message = "The specified inventory item is not stocked at the location."
        yield UserError((*where, "locationId"), message, "ITEM_NOT_STOCKED_AT_LOCATION")
    yield from _range_errors(name, quantity["quantity"], where)
    if item is not None and quantity["locationId"] in item.levels:
        yield from _compare_errors(quantity, item.levels[quantity["locationId"]], ignore_compare, where)


def _range_errors(name: str, value: int, where: tuple[str, ...]) -> Iterator[UserError]:
    if name == "on_hand" and value < 0:
        yield UserError((*where, "quantity"), "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE")
    elif value > MAX_QUANTITY:
        message = "The total quantity can't be higher than 1,000,000,000."
        yield UserError((*where, "quantity"), message, "INVALID_QUANTITY_TOO_HIGH")
    elif value < -MAX_QUANTITY:
        message = "The total quantity can't be lower than -1,000,000,000."
        yield UserError((*where, "quantity"), message, "INVALID_QUANTITY_TOO_LOW")


def _compare_errors(quantity: Input, current: int, ignore_compare: bool, where: tuple[str, ...]) -> Iterator[UserError]:
    if "changeFromQuantity" in quantity:
        expected = quantity["changeFromQuantity"]
        if expected is not None and expected != current:
            message = "The changeFromQuantity value does not match persisted value."
            yield UserError((*where, "changeFromQuantity"), message, "CHANGE_FROM_QUANTITY_STALE")
    elif ignore_compare:
        return
    elif quantity.get("compareQuantity") is None:
        message = "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity."
        yield UserError((*where, "compareQuantity"), message, "COMPARE_QUANTITY_REQUIRED")
    elif quantity["compareQuantity"] != current:
        message = "The compareQuantity value does not match persisted value."
        yield UserError((*where, "compareQuantity"), message, "COMPARE_QUANTITY_STALE")


def _apply(catalog: Catalog, name: str, quantity: Input) -> list[QuantityChange]:
    """Set one level; the changes for the named quantity and its twin, none when nothing moved."""
    item = catalog.inventory_items[quantity["inventoryItemId"]]
    location = catalog.locations[quantity["locationId"]]
    delta = quantity["quantity"] - item.levels[location.id]
    item.levels[location.id] = quantity["quantity"]
    if delta == 0:
        return []
    names = (name, *(other for other in QUANTITY_NAMES if other != name))
    return [QuantityChange(n, delta, quantity["quantity"], item, location) for n in names]
