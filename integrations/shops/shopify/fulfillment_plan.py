"""What a BC shipment is in a Shopify order: which fulfillments already stand for it, and which fulfillment order
lines take what is left of it, per location. Pure: the answers of Shopify's order query in, plans out.

BC ships per item number; Shopify's lines carry SKUs. A SKU is the item number itself or `ITEM-CODE` for a variant
(domain/catalog/sku.py): a line belongs to the shipped item whose number the SKU is, or whose number one of the
SKU's variant readings names (capitals ignored). An item shipped on several lines (the item and its variants) fills
them in the order Shopify lists them.

A fulfillment stands for the shipment when it carries the shipment's tracking number; without a tracking number,
when fulfillments without one hold exactly the shipment's items and quantities (Shopify keeps no other mark Koppel
could set: FulfillmentInput has no custom field). Shipments of one order without tracking numbers and with the same
items and quantities are told apart by count: after `told_alike` of them, the next such fulfillment is this one's. A
tracked shipment Shopify holds only untracked is given its tracking (fulfillments.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.catalog.sku import VariantSku
from domain.shipments.models import Shipment, tracking_key

FULFILLABLE = frozenset({"OPEN", "IN_PROGRESS"})
"""Fulfillment order statuses a fulfillment can be made on (ON_HOLD, SCHEDULED, CLOSED, CANCELLED, INCOMPLETE:
not)."""
NOT_STANDING = frozenset({"CANCELLED", "ERROR", "FAILURE"})
"""Fulfillment statuses of a fulfillment that does not stand (it ships nothing)."""


class NotPlaced(Exception):
    """The shipment cannot be placed on the order as Shopify has it: the words say why (a person looks)."""


@dataclass(frozen=True)
class ShopFulfillment:
    id: str
    numbers: frozenset[str]
    """Its tracking numbers, as tracking_key compares them."""
    skus: tuple[tuple[str, int], ...]
    """(SKU, quantity) per fulfilled line."""
    tracking: tuple[tuple[str, str, str], ...] = ()
    """(company, number, url) per tracking entry, as Shopify keeps them ("" for none)."""

    def carries(self, tracking: Mapping[str, str]) -> bool:
        """Whether it has this FulfillmentTrackingInput already: the number (as tracking_key compares), and the
        company and url where they are given (Shopify makes a url of its own for a company it knows)."""
        if not tracking:
            return not self.tracking
        key = tracking_key(tracking.get("number", ""))
        return any(
            tracking_key(number) == key
            and tracking.get("company", company) == company
            and tracking.get("url", url) == url
            for company, number, url in self.tracking
        )


def item_of(sku: str | None, items: Collection[str]) -> str | None:
    """The shipped item (of `items`) a Shopify SKU belongs to; None when it belongs to none of them."""
    if not sku:
        return None
    by_upper = {item.upper(): item for item in items}
    for candidate in (sku, *(reading.item_number for reading in VariantSku.readings(sku))):
        if candidate.upper() in by_upper:
            return by_upper[candidate.upper()]
    return None


def whole_quantities(shipment: Shipment) -> dict[str, int]:
    """What the shipment ships per item, as Shopify counts (whole units); NotPlaced otherwise."""
    shipped = shipment.shipped()
    odd = {item: quantity for item, quantity in shipped.items() if quantity < 0 or quantity != int(quantity)}
    if odd:
        listed = ", ".join(f"{quantity} of {item}" for item, quantity in sorted(odd.items()))
        raise NotPlaced(f"BC shipment {shipment.number} ships {listed}: Shopify fulfils whole, positive quantities")
    return {item: int(quantity) for item, quantity in shipped.items() if quantity > Decimal(0)}


def shop_fulfillments(order: Mapping[str, Any]) -> list[ShopFulfillment]:
    """The order's fulfillments that stand (not cancelled), from Shopify's answer."""
    return [
        ShopFulfillment(
            id=fulfillment["id"],
            numbers=frozenset(tracking_key(info["number"]) for info in fulfillment["trackingInfo"] if info["number"]),
            tracking=tuple(
                (info["company"] or "", info["number"] or "", info["url"] or "") for info in fulfillment["trackingInfo"]
            ),
            skus=tuple(
                (line["lineItem"]["sku"] or "", line["quantity"] or 0)
                for line in fulfillment["fulfillmentLineItems"]["nodes"]
            ),
        )
        for fulfillment in order["fulfillments"]
        if fulfillment["status"] not in NOT_STANDING
    ]


def quantities_of(fulfillment: ShopFulfillment, items: Collection[str]) -> dict[str, int]:
    """Its quantities per shipped item; a SKU of none of them under its own name with `?` before it."""
    totals: dict[str, int] = {}
    for sku, quantity in fulfillment.skus:
        item = item_of(sku, items) or f"?{sku}"
        totals[item] = totals.get(item, 0) + quantity
    return totals


def standing_for(
    shipment: Shipment, quantities: Mapping[str, int], found: Iterable[ShopFulfillment], told_alike: int = 0
) -> list[ShopFulfillment]:
    """The fulfillments that stand for this shipment (see the module's docstring); none when none do. An untracked
    shipment after `told_alike` others with the same items needs a fulfillment of its own beyond theirs."""
    fulfillments = list(found)
    key = tracking_key(shipment.tracking_number)
    if key:
        return [fulfillment for fulfillment in fulfillments if key in fulfillment.numbers]
    untracked = [fulfillment for fulfillment in fulfillments if not fulfillment.numbers]
    if told_alike:
        alike = [f for f in untracked if quantities_of(f, list(quantities)) == dict(quantities)]
        return alike[told_alike : told_alike + 1]
    return covering(quantities, untracked) or []


def covering(quantities: Mapping[str, int], candidates: Sequence[ShopFulfillment]) -> list[ShopFulfillment] | None:
    """Fulfillments that together hold exactly these quantities: one that holds them alone first, else the first
    ones that fit within what is left; None when they do not add up."""
    items = list(quantities)
    exact = next((c for c in candidates if quantities_of(c, items) == dict(quantities)), None)
    if exact is not None:
        return [exact]
    chosen = fitting(quantities, candidates)
    return chosen if chosen and not still_to_fulfil(quantities, chosen) else None


def fitting(quantities: Mapping[str, int], candidates: Sequence[ShopFulfillment]) -> list[ShopFulfillment]:
    """The first candidates that fit, one after another, within these quantities."""
    left = dict(quantities)
    chosen: list[ShopFulfillment] = []
    for candidate in candidates:
        held = quantities_of(candidate, list(quantities))
        if all(left.get(item, 0) >= quantity for item, quantity in held.items()):
            chosen.append(candidate)
            left = {item: left[item] - held.get(item, 0) for item in left}
    return chosen


def still_to_fulfil(quantities: Mapping[str, int], standing: Iterable[ShopFulfillment]) -> dict[str, int]:
    """The shipment's quantities the standing fulfillments do not hold yet."""
    left = dict(quantities)
    for fulfillment in standing:
        for item, quantity in quantities_of(fulfillment, list(quantities)).items():
            if item in left:
                left[item] = max(0, left[item] - quantity)
    return {item: quantity for item, quantity in left.items() if quantity}


def by_location(
    quantities: Mapping[str, int], fulfillment_orders: Sequence[Mapping[str, Any]]
) -> list[list[dict[str, Any]]]:
    """`lineItemsByFulfillmentOrder` per location (one fulfillmentCreate each), only the lines and quantities
    shipped; NotPlaced when the open fulfillment orders do not hold them all."""
    left = dict(quantities)
    groups: dict[str, list[dict[str, Any]]] = {}
    for fulfillment_order in fulfillment_orders:
        if fulfillment_order["status"] not in FULFILLABLE:
            continue
        taken = _take(left, fulfillment_order["lineItems"]["nodes"])
        if taken:
            location = (fulfillment_order["assignedLocation"].get("location") or {}).get("id", "")
            group = {"fulfillmentOrderId": fulfillment_order["id"], "fulfillmentOrderLineItems": taken}
            groups.setdefault(location, []).append(group)
    missing = {item: quantity for item, quantity in left.items() if quantity}
    if missing:
        listed = ", ".join(f"{quantity} of {item}" for item, quantity in sorted(missing.items()))
        raise NotPlaced(
            f"Shopify's order has nothing open to fulfil for {listed} (already fulfilled, on hold, or the line is "
            "no longer on the order)"
        )
    return list(groups.values())


def _take(left: dict[str, int], lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    taken: list[dict[str, Any]] = []
    for line in lines:
        item = item_of(line.get("sku") or (line.get("lineItem") or {}).get("sku"), list(left))
        quantity = min(left.get(item, 0), line["remainingQuantity"]) if item else 0
        if quantity > 0 and item:
            taken.append({"id": line["id"], "quantity": quantity})
            left[item] -= quantity
    return taken
