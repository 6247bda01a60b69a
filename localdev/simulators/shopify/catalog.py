"""The shop's catalog as Admin GraphQL sees it: products, options, variants, inventory items, locations, levels.

Ids are GraphQL global ids (`gid://shopify/Product/...`). A variant's SKU lives on its inventory item, as in
current API versions; every inventory item is stocked at every location. Only `available` is kept per level:
the simulator has no committed or reserved stock, so `on_hand` always equals `available`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from typing import Any

GID_PREFIX = "gid://shopify/"


def gid(kind: str, number: int) -> str:
    return f"{GID_PREFIX}{kind}/{number}"


def now_stamp() -> str:
    """Shopify's DateTime: UTC, seconds, `Z`."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def utc_stamp(given: object) -> str:
    """A DateTime sent to Shopify as Shopify gives it back (UTC, seconds, `Z`); "" when it is none or not ISO 8601
    with a time zone (refused here; whether Shopify takes a date or a time without a zone: unconfirmed)."""
    try:
        moment = datetime.fromisoformat(given) if isinstance(given, str) else None
    except ValueError:
        return ""
    if moment is None or moment.tzinfo is None:
        return ""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Location:
    id: str
    name: str
    is_active: bool = True


@dataclass
class Metafield:
    id: str
    namespace: str
    key: str
    type: str
    value: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "namespace": self.namespace, "key": self.key, "type": self.type, "value": self.value}


@dataclass
class InventoryItem:
    """`levels`: available quantity per location id."""

    id: str
    sku: str | None
    tracked: bool
    levels: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        levels = {location: {"available": n, "on_hand": n} for location, n in self.levels.items()}
        return {"id": self.id, "sku": self.sku, "tracked": self.tracked, "levels": levels}


@dataclass(frozen=True)
class InventoryLevel:
    """An item at a location, as `InventoryItem.inventoryLevel` shows it."""

    item: InventoryItem
    location: Location

    @property
    def id(self) -> str:
        return f"{gid('InventoryLevel', _number(self.location.id))}?inventory_item_id={_number(self.item.id)}"

    @property
    def available(self) -> int:
        return self.item.levels[self.location.id]


@dataclass
class OptionValue:
    id: str
    name: str


@dataclass
class ProductOption:
    id: str
    name: str
    position: int
    values: list[OptionValue]

    def value_names(self) -> list[str]:
        return [value.name for value in self.values]


@dataclass
class Variant:
    """`options`: the variant's value for each product option, in option order."""

    id: str
    product_id: str
    options: tuple[tuple[str, str], ...]
    price: Decimal
    compare_at_price: Decimal | None
    inventory_policy: str
    position: int
    inventory_item: InventoryItem
    metafields: list[Metafield]
    created_at: str
    updated_at: str

    @property
    def sku(self) -> str | None:
        return self.inventory_item.sku

    @property
    def title(self) -> str:
        return " / ".join(value for _name, value in self.options)

    @property
    def selected_options(self) -> list[dict[str, str]]:
        return [{"name": name, "value": value} for name, value in self.options]

    @property
    def inventory_quantity(self) -> int:
        return sum(self.inventory_item.levels.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "sku": self.sku,
            "price": str(self.price),
            "compareAtPrice": None if self.compare_at_price is None else str(self.compare_at_price),
            "inventoryPolicy": self.inventory_policy,
            "position": self.position,
            "selectedOptions": self.selected_options,
            "inventoryItem": self.inventory_item.to_json(),
            "metafields": [metafield.to_json() for metafield in self.metafields],
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


@dataclass
class Product:
    id: str
    title: str
    handle: str
    status: str
    description_html: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    options: list[ProductOption] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    metafields: list[Metafield] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""

    def to_json(self) -> dict[str, Any]:
        """The product as stored, for `/_sim/products` (GraphQL field names)."""
        return {
            "id": self.id,
            "title": self.title,
            "handle": self.handle,
            "status": self.status,
            "descriptionHtml": self.description_html,
            "vendor": self.vendor,
            "productType": self.product_type,
            "tags": list(self.tags),
            "options": [
                {"id": o.id, "name": o.name, "position": o.position, "values": o.value_names()} for o in self.options
            ],
            "variants": [variant.to_json() for variant in self.variants],
            "metafields": [metafield.to_json() for metafield in self.metafields],
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


class IdSequence:
    """Fresh global ids per kind, numbered like real Shopify ids (11 to 14 digits)."""

    STARTS = {
        "Product": 8_801_000_000_001,
        "ProductVariant": 44_102_000_000_001,
        "InventoryItem": 46_207_000_000_001,
        "ProductOption": 10_503_000_000_001,
        "ProductOptionValue": 3_104_000_000_001,
        "Metafield": 25_906_000_000_001,
        "InventoryAdjustmentGroup": 31_207_000_000_001,
        "Location": 70_001_000_001,
    }

    def __init__(self) -> None:
        self._counters = {kind: count(start) for kind, start in self.STARTS.items()}

    def next(self, kind: str) -> str:
        return gid(kind, next(self._counters[kind]))


class Catalog:
    """All catalog state of one shop; every method runs on the server's event loop."""

    def __init__(self, location_names: tuple[str, ...]) -> None:
        self.ids = IdSequence()
        self.products: dict[str, Product] = {}
        self.locations = {loc.id: loc for loc in (Location(self.ids.next("Location"), n) for n in location_names)}
        self.inventory_items: dict[str, InventoryItem] = {}

    def variants(self) -> Iterator[Variant]:
        for product in self.products.values():
            yield from product.variants

    def variant(self, variant_id: str) -> Variant | None:
        return next((v for v in self.variants() if v.id == variant_id), None)

    def product_by_handle(self, handle: str) -> Product | None:
        return next((p for p in self.products.values() if p.handle == handle), None)

    def new_inventory_item(self, sku: str | None, tracked: bool) -> InventoryItem:
        """An item stocked at every location with nothing available."""
        item = InventoryItem(self.ids.next("InventoryItem"), sku, tracked, dict.fromkeys(self.locations, 0))
        self.inventory_items[item.id] = item
        return item

    def drop_inventory_item(self, item: InventoryItem) -> None:
        self.inventory_items.pop(item.id, None)

    def unique_handle(self, title: str, product_id: str | None) -> str:
        """The title as a handle, with `-1`, `-2` ... when another product has it."""
        base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "product"
        taken = {p.handle for p in self.products.values() if p.id != product_id}
        return next(h for h in _numbered(base) if h not in taken)

    def sorted_products(self, keep: Callable[[Product], bool]) -> list[Product]:
        """Products in id order (Shopify's default `sortKey: ID`) that `keep` accepts."""
        return sorted((p for p in self.products.values() if keep(p)), key=lambda p: _number(p.id))

    def sorted_variants(self, keep: Callable[[Variant], bool]) -> list[Variant]:
        return sorted((v for v in self.variants() if keep(v)), key=lambda v: _number(v.id))

    def sorted_locations(self) -> list[Location]:
        return sorted(self.locations.values(), key=lambda loc: _number(loc.id))


def _numbered(base: str) -> Iterator[str]:
    yield base
    for n in count(1):
        yield f"{base}-{n}"


def _number(global_id: str) -> int:
    return int(global_id.rsplit("/", 1)[1])
