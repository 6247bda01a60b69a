"""A large generated catalog for benchmarks: N items, a tenth of them with 3-8 variants, one in 25 also sold by
the box of 12, opening stock in both locations, the lines of three price lists (all customers with quantity breaks, a
customer price group, a campaign), and open sales and purchase orders for a few percent of the items. The same N and
day give the same data; the catalog carries one modification time, as after a migration.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from localdev.simulators.businesscentral.catalog_reference import BOX_UNIT, ITEM_CATEGORIES, ensure_reference_data
from localdev.simulators.businesscentral.item_units import add_unit
from localdev.simulators.businesscentral.price_lists import LINE_STEP, PriceList, add_lines, price_line
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.seed_bulk_orders import OrderedItem, seed_open_orders
from localdev.simulators.businesscentral.seed_catalog import SHOP_SHARES, campaign_list, split_stock
from localdev.simulators.businesscentral.seed_random import gtin, guid
from localdev.simulators.businesscentral.store import Record, Store, utc_now_text

BULK_SEED = "koppel-bc-bulk-20240501"
ITEM_PREFIX = "LC"
VARIANT_SHARE = 0.1
VARIANT_COUNTS = (3, 8)
OUT_OF_STOCK_SHARE = 0.15
BOXED_EVERY, BOX_SIZE = 25, 12.0
SOLD, BOUGHT = (30, 5), (40, 15)
"""(every, offset): one item in 30 is on an open sales order line, one in 40 on a purchase order line; a fifth of
either is a boxed item, whose lines are in boxes, and some items are on both."""
_VAT_GROUPS = ("HOOG", "HOOG", "LAAG")


def seed_large_catalog(store: Store, count: int, today: date) -> None:
    """Add `count` items numbered LC-000001 onwards (after whatever the store holds)."""
    rng = random.Random(BULK_SEED)
    reference = ensure_reference_data(store)
    moment = utc_now_text()
    categories = sorted(ITEM_CATEGORIES)
    lists = (
        PriceList("S10001", "Catalogusprijzen", "All Customers"),
        PriceList("S10002", "Catalogus HORECA", "Customer Price Group", "HORECA"),
        campaign_list("S10003", "Catalogusactie", today),
    )
    line_numbers = dict.fromkeys((p.code for p in lists), 0)

    def add_line(price_list: PriceList, item: Record, price: float, minimum: float = 0.0) -> None:
        line_numbers[price_list.code] += LINE_STEP
        line = price_line(
            price_list, line_numbers[price_list.code], guid(rng), item, unit_price=price, minimum_quantity=minimum
        )
        add_lines(store, [line], moment)

    opening = today - timedelta(days=30)
    draw, new_id = (lambda: rng.choice(SHOP_SHARES)), (lambda: guid(rng))
    sold: list[OrderedItem] = []
    bought: list[OrderedItem] = []
    for n in range(1, count + 1):
        category = categories[n % len(categories)]
        price = round(rng.uniform(1.5, 450.0), 2)
        item = store.items.add(_item(n, category, price, rng, reference.item_fields), moment)
        variants = _variants(store, item, rng, moment)
        unit = _units(store, n, item, moment)
        item["inventory"] = 0.0 if rng.random() < OUT_OF_STOCK_SHARE else float(rng.randrange(1, 500))
        codes = [variant["code"] for variant in variants]
        split_stock(store, item, codes, draw=draw, posting_date=opening, new_id=new_id, modified_at=moment)
        ordered = OrderedItem(item, variants[0]["id"] if variants else EMPTY_GUID, unit)
        if n % SOLD[0] == SOLD[1] and not item["blocked"]:
            sold.append(ordered)
        if n % BOUGHT[0] == BOUGHT[1]:
            bought.append(ordered)
        add_line(lists[0], item, price)
        if rng.random() < 0.2:
            add_line(lists[0], item, round(price * 0.95, 2), 10.0)
        if rng.random() < 0.5:
            add_line(lists[1], item, round(price * 0.88, 2))
        if rng.random() < 0.1:
            add_line(lists[2], item, round(price * 0.8, 2))
    seed_open_orders(store, reference, sold=sold, bought=bought, rng=rng, today=today)


def _item(n: int, category: str, price: float, rng: random.Random, fields: Callable[[str, str, str], Record]) -> Record:
    vat_group = _VAT_GROUPS[n % len(_VAT_GROUPS)]
    record: Record = {
        "id": guid(rng),
        "number": f"{ITEM_PREFIX}-{n:06d}",
        "displayName": f"{ITEM_CATEGORIES[category]} artikel {n}",
        "displayName2": "",
        "type": "Inventory",
        "blocked": n % 97 == 0,
        "gtin": _gtin(n),
        "inventory": 0.0,
        "unitPrice": price,
        "priceIncludesTax": False,
        "unitCost": round(price * 0.55, 2),
        **fields(category, "Inventory", vat_group),
    }
    return record


def _variants(store: Store, item: Record, rng: random.Random, moment: str) -> list[Record]:
    if rng.random() >= VARIANT_SHARE:
        return []
    codes = [f"V{index:02d}" for index in range(1, rng.randint(*VARIANT_COUNTS) + 1)]
    return [
        store.item_variants.add(
            {
                "id": guid(rng),
                "itemId": item["id"],
                "itemNumber": item["number"],
                "code": code,
                "description": f"{item['displayName']} - variant {code}",
            },
            moment,
        )
        for code in codes
    ]


def _units(store: Store, n: int, item: Record, moment: str) -> str:
    """The item's base unit, and a box for every BOXED_EVERY-th item; the unit its order lines are in."""
    add_unit(store, item["number"], item["baseUnitOfMeasureCode"], 1.0, moment)
    if n % BOXED_EVERY:
        return str(item["baseUnitOfMeasureCode"])
    add_unit(store, item["number"], BOX_UNIT, BOX_SIZE, moment)
    return BOX_UNIT


def _gtin(n: int) -> str:
    return gtin([int(d) for d in f"87{n:010d}"])
