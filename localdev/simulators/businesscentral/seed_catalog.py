"""The demo company's catalog around the seeded items: references, stock per location, customer price groups,
price lists of every kind, item substitutions, open purchase orders and sales orders still to ship.

Only adds: the items, variants, customers and accounts of `seed.py` keep their numbers and ids. Ids come from a
generator of their own; dates are relative to `today`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from localdev.simulators.businesscentral.catalog_reference import BOX_UNIT, MAIN_LOCATION, SHOP_LOCATION, Reference
from localdev.simulators.businesscentral.inventory import SALE, Movement, book
from localdev.simulators.businesscentral.price_lists import LINE_STEP, PriceList, add_lines, price_line
from localdev.simulators.businesscentral.purchase_orders import VENDORS, PurchaseLine, add_purchase_order
from localdev.simulators.businesscentral.sales_orders import SalesOrders
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.seed_random import guid
from localdev.simulators.businesscentral.store import Record, Store, variants_by_item

CATALOG_SEED = "koppel-bc-catalog-20240501"
CAMPAIGN = "CP1001"
SPECIAL_PRICE_CUSTOMER = "Koffiehuis De Zwaan"
PRICE_GROUPS = {
    "HORECA": (
        "Koffiehuis De Zwaan",
        "Lunchroom Het Pleintje",
        "Brasserie Oost",
        "Hotel De Gouden Leeuw",
        "Cafe Mokka",
        "Bistro Jansen V.O.F.",
        "Restaurant Zee & Zo",
        "Espressobar Noord",
    ),
    "RETAIL": ("Kantoorservice Bakker B.V.", "Roasters Collectief B.V.", "De Koffiekamer", "Vergadercentrum Zuid B.V."),
}
SHOP_SHARES = (0, 0, 1, 2, 3)
"""Tenths of a variant's stock kept in the shop."""


def seed_catalog(store: Store, reference: Reference, today: date) -> None:
    rng = random.Random(CATALOG_SEED)
    _seed_stock(store, rng, today)
    for group, names in PRICE_GROUPS.items():
        for name in names:
            customer = store.customers.find("displayName", name)
            if customer is not None:
                customer["customerPriceGroup"] = group
    _seed_price_lists(store, rng, today)
    _seed_substitutions(store, rng)
    _seed_purchase_orders(store, reference, rng, today)
    _seed_sales_orders(store, reference, rng, today)


def campaign_list(code: str, description: str, today: date) -> PriceList:
    """A price list for campaign CP1001, running from a week ago for three weeks."""
    return PriceList(
        code, description, "Campaign", CAMPAIGN, starting=today - timedelta(days=7), ending=today + timedelta(days=21)
    )


def split_stock(
    store: Store,
    item: Record,
    variant_codes: list[str],
    *,
    draw: Callable[[], int],
    posting_date: date,
    new_id: Callable[[], str],
    modified_at: str | None = None,
) -> None:
    """Post the item's inventory again as opening entries: spread over its variants, each mostly in the main
    warehouse and `draw()` tenths in the shop. items.inventory ends where it started."""
    total = int(item["inventory"])
    item["inventory"] = 0.0
    codes = variant_codes or [""]
    for code, share in zip(codes, _spread(total, len(codes)), strict=True):
        shop = share * draw() // 10
        for location, quantity in ((MAIN_LOCATION, share - shop), (SHOP_LOCATION, shop)):
            if quantity:
                movement = Movement(location, float(quantity), posting_date, variant_code=code)
                book(store, item, movement, new_id(), modified_at)


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def _seed_stock(store: Store, rng: random.Random, today: date) -> None:
    """Opening stock a month ago; one item posted partly in boxes (a second row in the query), one sold in the
    shop before its stock arrived (negative there)."""
    opening = today - timedelta(days=30)
    variants = variants_by_item(store.item_variants.values())
    stocked = [i for i in store.items.values() if i["type"] == "Inventory"]
    for item in stocked:
        split_stock(
            store,
            item,
            [v["code"] for v in variants.get(item["id"], [])],
            draw=lambda: rng.choice(SHOP_SHARES),
            posting_date=opening,
            new_id=lambda: guid(rng),
        )
    plain = [i for i in stocked if i["id"] not in variants and not i["blocked"]]
    boxed = next(i for i in plain if i["itemCategoryCode"] == "KOF" and i["inventory"] >= 12)
    book(store, boxed, Movement(MAIN_LOCATION, -6.0, opening), guid(rng))
    book(store, boxed, Movement(MAIN_LOCATION, 6.0, opening, unit_of_measure_code=BOX_UNIT), guid(rng))
    short = next(
        i
        for i in plain
        if i["itemCategoryCode"] == "ACC"
        and i["inventory"] >= 5
        and (SHOP_LOCATION, i["number"], "", i["baseUnitOfMeasureCode"]) not in store.stock
    )
    book(store, short, Movement(MAIN_LOCATION, 2.0, today - timedelta(days=2)), guid(rng))
    book(store, short, Movement(SHOP_LOCATION, -2.0, today - timedelta(days=1), entry_type=SALE), guid(rng))


def _seed_price_lists(store: Store, rng: random.Random, today: date) -> None:
    items = {item["number"]: item for item in store.items.values()}
    special = store.customers.find("displayName", SPECIAL_PRICE_CUSTOMER)
    next_year = date(today.year + 1, 1, 1)
    lists: list[tuple[PriceList, list[tuple[str, dict[str, Any]]]]] = [
        (
            PriceList("S00001", "Verkoopprijzen", "All Customers", starting=date(2024, 1, 1)),
            [
                *((n, {"factor": 1}) for n in ("KOF-1001", "KOF-1002", "KOF-1003", "KOF-1004")),
                ("KOF-1001", {"factor": 6 * 0.92, "unit": BOX_UNIT}),
                ("KOF-1002", {"factor": 0.95, "minimum_quantity": 10}),
                ("KOF-1002", {"factor": 0.90, "minimum_quantity": 50}),
                ("THE-1001", {"factor": 1}),
                ("THE-1002", {"factor": 0.9, "ending": today - timedelta(days=1)}),
                ("THE-1002", {"factor": 1, "starting": today}),
                *((n, {"factor": 1}) for n in ("MOK-1001", "APP-1001", "TEX-1001", "FLS-1001", "CHO-1001")),
                ("TEX-1001", {"factor": 1, "add": 2.0, "variant": "XL"}),
                ("KOF-1005", {"factor": 0.97, "status": "Draft"}),
            ],
        ),
        (
            PriceList("S00002", "HORECA-prijzen", "Customer Price Group", "HORECA"),
            [
                *((n, {"factor": 0.85}) for n in ("KOF-1001", "KOF-1002", "KOF-1003", "KOF-1004")),
                ("KOF-1003", {"factor": 0.80, "minimum_quantity": 10}),
                ("APP-1001", {"factor": 0.90}),
            ],
        ),
        (
            PriceList("S00003", "Winkelprijzen", "Customer Price Group", "RETAIL"),
            [(n, {"factor": 0.92}) for n in ("THE-1001", "THE-1002", "THE-1003")],
        ),
        (
            PriceList(
                "S00004", f"Prijsafspraak {SPECIAL_PRICE_CUSTOMER}", "Customer", special["number"] if special else ""
            ),
            [("KOF-1001", {"factor": 0.80})],
        ),
        (
            campaign_list("S00005", "Najaarsactie", today),
            [(n, {"factor": 0.75}) for n in ("CHO-1001", "CHO-1002", "CHO-1003")],
        ),
        (
            PriceList("S00006", "Exportprijzen USD", "All Customers", currency="USD"),
            [(n, {"factor": 1.08}) for n in ("KOF-1001", "KOF-1002", "KOF-1003", "KOF-1004")],
        ),
        (
            PriceList("S00007", "Staffelkortingen", "All Customers", amount_type="Discount"),
            [
                ("ACC-1001", {"discount_percent": 10.0, "minimum_quantity": 20}),
                ("APP-1002", {"discount_percent": 5.0, "minimum_quantity": 2}),
            ],
        ),
        (
            PriceList("S00008", "Prijzen volgend jaar (concept)", "All Customers", status="Draft", starting=next_year),
            [(n, {"factor": 1.05}) for n in ("KOF-1001", "KOF-1002", "KOF-1003", "KOF-1004")],
        ),
        (
            PriceList(
                "S00009",
                "Zomeractie vorig jaar",
                "All Customers",
                status="Inactive",
                starting=date(today.year - 1, 6, 1),
                ending=date(today.year - 1, 8, 31),
            ),
            [(n, {"factor": 0.70}) for n in ("FLS-1001", "FLS-1002")],
        ),
    ]
    for price_list, specs in lists:
        lines = []
        for index, (number, spec) in enumerate(specs, start=1):
            item = items[number]
            options = dict(spec)
            price = round(item["unitPrice"] * options.pop("factor", 0) + options.pop("add", 0.0), 2)
            lines.append(price_line(price_list, index * LINE_STEP, guid(rng), item, unit_price=price, **options))
        add_lines(store, lines)


def _seed_substitutions(store: Store, rng: random.Random) -> None:
    """KOF-1001 and KOF-1005 stand in for each other (BC keeps both directions); the rest is one way."""
    items = {item["number"]: item for item in store.items.values()}
    variants = {(v["itemNumber"], v["code"]): v for v in store.item_variants.values()}
    pairs = (
        ("KOF-1001", "", "KOF-1005", "", True),
        ("KOF-1005", "", "KOF-1001", "", True),
        ("APP-1001", "", "APP-1003", "", False),
        ("TEX-1001", "XL", "TEX-1003", "XL", False),
        ("CHO-1001", "", "CHO-1004", "", False),
    )
    for number, variant, substitute, substitute_variant, interchangeable in pairs:
        described = variants.get((substitute, substitute_variant)) if substitute_variant else None
        store.item_substitutions.add(
            {
                "id": guid(rng),
                "Type": "Item",
                "No": number,
                "Variant_Code": variant,
                "Substitute_Type": "Item",
                "Substitute_No": substitute,
                "Substitute_Variant_Code": substitute_variant,
                "Description": described["description"] if described else items[substitute]["displayName"],
                "Interchangeable": interchangeable,
                "Condition": False,
            }
        )


def _seed_purchase_orders(store: Store, reference: Reference, rng: random.Random, today: date) -> None:
    """Open orders for items running low: one partly received, one line overdue, one for a variant, one draft."""
    vendors = list(VENDORS.values())
    with_variants = variants_by_item(store.item_variants.values())
    low = sorted(
        (
            i
            for i in store.items.values()
            if i["type"] == "Inventory" and not i["blocked"] and i["id"] not in with_variants and i["inventory"] < 20
        ),
        key=lambda i: i["number"],
    )
    flask = store.items.find("number", "FLS-1001")
    assert flask is not None
    red = next(v for v in with_variants[flask["id"]] if v["code"] == "ROOD")
    main, shop = reference.locations[MAIN_LOCATION], reference.locations[SHOP_LOCATION]
    orders = (
        (vendors[0], today - timedelta(days=10), "Open", [(low[0], 60.0, 5, main, 20.0), (low[1], 48.0, 5, main, 0.0)]),
        (vendors[1], today - timedelta(days=20), "Open", [(low[2], 24.0, -2, shop, 0.0), (flask, 12.0, 14, shop, 0.0)]),
        (vendors[0], today, "Draft", [(low[3], 100.0, 30, main, 0.0)]),
    )
    for vendor, ordered, status, specs in orders:
        lines = [
            PurchaseLine(
                guid(rng),
                item,
                quantity,
                today + timedelta(days=days),
                location,
                received,
                red["id"] if item is flask else EMPTY_GUID,
            )
            for item, quantity, days, location, received in specs
        ]
        add_purchase_order(store, guid(rng), vendor, order_date=ordered, status=status, lines=lines)


def _seed_sales_orders(store: Store, reference: Reference, rng: random.Random, today: date) -> None:
    """Released orders not (fully) shipped yet: demand the stock on hand must cover."""
    orders = SalesOrders(store, new_id=lambda: guid(rng))
    with_variants = variants_by_item(store.item_variants.values())
    stocked = sorted(
        (
            i
            for i in store.items.values()
            if i["type"] == "Inventory" and not i["blocked"] and i["id"] not in with_variants and i["inventory"] >= 30
        ),
        key=lambda i: i["number"],
    )
    shirt = store.items.find("number", "TEX-1002")
    assert shirt is not None
    medium = next(v for v in with_variants[shirt["id"]] if v["code"] == "M")
    main, shop = reference.locations[MAIN_LOCATION], reference.locations[SHOP_LOCATION]

    def line(item: Record, quantity: float, location: str, days: int, **extra: str) -> Record:
        when = (today + timedelta(days=days)).isoformat()
        values = {"lineObjectNumber": item["number"], "quantity": quantity, "locationId": location}
        return {"lineType": "Item", **values, "shipmentDate": when, **extra}

    specs: tuple[tuple[str, str, list[Record], dict[int, float]], ...] = (
        ("Hotel De Gouden Leeuw", "Open", [line(stocked[0], 12, main, 2), line(stocked[1], 5, main, 2)], {0: 4.0}),
        ("Webshop Consumenten", "Draft", [line(shirt, 2, shop, 1, itemVariantId=medium["id"])], {}),
        ("Cafe Mokka", "Open", [line(stocked[2], 24, main, 7)], {}),
    )
    for name, status, lines, shipped in specs:
        customer = store.customers.find("displayName", name)
        assert customer is not None
        body = {"customerNumber": customer["number"], "orderDate": (today - timedelta(days=3)).isoformat()}
        order = orders.create({**body, "salesOrderLines": lines})
        order["status"] = status
        store.sales_orders.stamp(order)
        table = store.lines_of(order["id"])
        for index, stored in enumerate(orders.lines(order)):
            if index in shipped:
                stored["shippedQuantity"] = shipped[index]
                stored["shipQuantity"] = stored["quantity"] - shipped[index]
                table.stamp(stored)
