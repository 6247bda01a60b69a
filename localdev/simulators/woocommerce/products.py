"""The catalog's records: a product or a variation (WooCommerce keeps both as products), and what hangs on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from localdev.simulators.woocommerce.wc_values import sanitize_title


@dataclass(frozen=True)
class Term:
    """A product category."""

    id: int
    name: str
    slug: str


UNCATEGORIZED = Term(15, "Uncategorized", "uncategorized")


@dataclass(frozen=True)
class Meta:
    id: int
    key: str
    value: Any


@dataclass(frozen=True)
class Attribute:
    """A product's own (custom) attribute; `variation` marks one that its variations choose from."""

    name: str
    position: int = 0
    visible: bool = False
    variation: bool = False
    options: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return sanitize_title(self.name)


@dataclass(frozen=True)
class Attachment:
    """An uploaded image (a media library post, so its id comes from the same sequence as the products')."""

    id: int
    src: str
    name: str
    alt: str
    created: datetime


@dataclass
class Product:
    """One product, or a variation (`type == "variation"`, `parent_id` its variable product).

    `choices` are a variation's (attribute key, option) pairs. Dates are UTC. Updates work on a copy
    (`dataclasses.replace`), so the tuples are never changed in place; only the catalog appends to `children`.
    """

    id: int
    created: datetime
    modified: datetime
    type: str = "simple"
    parent_id: int = 0
    name: str = ""
    slug: str = ""
    status: str = "publish"
    featured: bool = False
    catalog_visibility: str = "visible"
    description: str = ""
    short_description: str = ""
    sku: str = ""
    regular_price: str = ""
    sale_price: str = ""
    sale_from: datetime | None = None
    sale_to: datetime | None = None
    virtual: bool = False
    tax_status: str = "taxable"
    tax_class: str = ""
    manage_stock: bool = False
    stock_quantity: int | None = None
    stock_status: str = "instock"
    backorders: str = "no"
    categories: tuple[Term, ...] = ()
    images: tuple[int, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    menu_order: int = 0
    meta_data: tuple[Meta, ...] = ()
    children: list[int] = field(default_factory=list)

    @property
    def is_variation(self) -> bool:
        return self.type == "variation"
