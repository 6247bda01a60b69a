"""Open orders for the large generated catalog, so stock reads meet outstanding lines as a busy company has them:
sales orders not (fully) shipped and purchase orders not (fully) received, a few lines each, some for a variant,
some in boxes, some partly done, released or not."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from localdev.simulators.businesscentral.catalog_reference import MAIN_LOCATION, SHOP_LOCATION, Reference
from localdev.simulators.businesscentral.customers import CUSTOMER_DEFAULTS
from localdev.simulators.businesscentral.purchase_orders import VENDORS, PurchaseLine, add_purchase_order
from localdev.simulators.businesscentral.sales_orders import SalesOrders
from localdev.simulators.businesscentral.seed_random import guid
from localdev.simulators.businesscentral.store import Record, Store

LINES_PER_ORDER = 3
PARTLY_DONE_EVERY = 4
"""Every fourth line is half shipped or a third received."""
BULK_CUSTOMER = "Catalogus Groothandel B.V."


@dataclass(frozen=True)
class OrderedItem:
    """An item a line is for: its variant (EMPTY_GUID for none) and the unit the line is in."""

    item: Record
    variant_id: str
    unit: str


def seed_open_orders(
    store: Store,
    reference: Reference,
    *,
    sold: Sequence[OrderedItem],
    bought: Sequence[OrderedItem],
    rng: random.Random,
    today: date,
) -> None:
    locations = (reference.locations[MAIN_LOCATION], reference.locations[SHOP_LOCATION])
    _sales_orders(store, _bulk_customer(store, rng), sold=sold, locations=locations, rng=rng, today=today)
    _purchase_orders(store, bought, locations, rng, today)


def _bulk_customer(store: Store, rng: random.Random) -> Record:
    return store.customers.add(
        {
            **CUSTOMER_DEFAULTS,
            "id": guid(rng),
            "number": store.customer_numbers.next(),
            "displayName": BULK_CUSTOMER,
            "country": "NL",
            "email": "inkoop@catalogusgroothandel.example.nl",
        }
    )


def _sales_orders(
    store: Store,
    customer: Record,
    *,
    sold: Sequence[OrderedItem],
    locations: tuple[str, str],
    rng: random.Random,
    today: date,
) -> None:
    orders = SalesOrders(store, new_id=lambda: guid(rng))
    for start in range(0, len(sold), LINES_PER_ORDER):
        lines = [
            {
                "lineType": "Item",
                "itemId": entry.item["id"],
                "itemVariantId": entry.variant_id,
                "unitOfMeasureCode": entry.unit,
                "quantity": float(rng.randint(1, 12)),
                "locationId": locations[index % 2],
                "shipmentDate": (today + timedelta(days=rng.randint(0, 14))).isoformat(),
            }
            for index, entry in enumerate(sold[start : start + LINES_PER_ORDER], start=start)
        ]
        order = orders.create({"customerId": customer["id"], "orderDate": today.isoformat(), "salesOrderLines": lines})
        order["status"] = "Open" if start % 2 else "Draft"
        for index, line in enumerate(orders.lines(order), start=start):
            if index % PARTLY_DONE_EVERY == 0:
                line["shippedQuantity"] = float(int(line["quantity"]) // 2)
                line["shipQuantity"] = line["quantity"] - line["shippedQuantity"]


def _purchase_orders(
    store: Store, bought: Sequence[OrderedItem], locations: tuple[str, str], rng: random.Random, today: date
) -> None:
    vendors = list(VENDORS.values())
    for start in range(0, len(bought), LINES_PER_ORDER):
        lines = []
        for index, entry in enumerate(bought[start : start + LINES_PER_ORDER], start=start):
            quantity = float(rng.randint(6, 60))
            lines.append(
                PurchaseLine(
                    guid(rng),
                    entry.item,
                    quantity,
                    today + timedelta(days=rng.randint(-3, 30)),
                    locations[index % 2],
                    float(int(quantity) // 3) if index % PARTLY_DONE_EVERY == 0 else 0.0,
                    entry.variant_id,
                    entry.unit,
                )
            )
        vendor = vendors[start // LINES_PER_ORDER % len(vendors)]
        status = "Open" if start % 2 else "Draft"
        add_purchase_order(store, guid(rng), vendor, order_date=today, status=status, lines=lines)
