"""The writable fields of the v3 product and variation schemas, as the single-item routes check them.

Read-only fields (id, price, on_sale, variations, ...) are not arguments: WordPress ignores them in a body, and so
does the simulator. `date-time` fields are `null|string` (WooCommerce's WP 5.5 compatibility), so any string passes.
"""

from __future__ import annotations

from localdev.simulators.woocommerce.wp_schema import BOOLEAN, INTEGER, NULLABLE_STRING, STRING, Rule, one_of

PRODUCT_TYPES = ("simple", "grouped", "external", "variable")
PRODUCT_STATUSES = ("draft", "pending", "private", "publish", "future", "auto-draft", "trash")
VARIATION_STATUSES = ("draft", "pending", "private", "publish")
STOCK_STATUSES = ("instock", "outofstock", "onbackorder")
BACKORDERS = ("no", "notify", "yes")
CATALOG_VISIBILITY = ("visible", "catalog", "search", "hidden")
TAX_STATUSES = ("taxable", "shipping", "none")

_IMAGE = Rule(("object",), properties={"id": INTEGER, "src": STRING, "name": STRING, "alt": STRING})
_PRODUCT_ATTRIBUTE = Rule(
    ("object",),
    properties={
        "id": INTEGER,
        "name": STRING,
        "position": INTEGER,
        "visible": BOOLEAN,
        "variation": BOOLEAN,
        "options": Rule(("array",), items=STRING),
    },
)
_VARIATION_ATTRIBUTE = Rule(("object",), properties={"id": INTEGER, "name": STRING, "option": STRING})
_META = Rule(("array",), items=Rule(("object",), properties={"key": STRING}))

_PRICES_AND_STOCK: dict[str, Rule] = {
    "sku": STRING,
    "regular_price": STRING,
    "sale_price": STRING,
    "date_on_sale_from": NULLABLE_STRING,
    "date_on_sale_from_gmt": NULLABLE_STRING,
    "date_on_sale_to": NULLABLE_STRING,
    "date_on_sale_to_gmt": NULLABLE_STRING,
    "virtual": BOOLEAN,
    "tax_status": one_of(*TAX_STATUSES),
    "tax_class": STRING,
    "manage_stock": BOOLEAN,
    "stock_quantity": INTEGER,
    "stock_status": one_of(*STOCK_STATUSES),
    "backorders": one_of(*BACKORDERS),
}

PRODUCT_RULES: dict[str, Rule] = {
    "name": STRING,
    "slug": STRING,
    "type": one_of(*PRODUCT_TYPES),
    "status": one_of(*PRODUCT_STATUSES),
    "featured": BOOLEAN,
    "catalog_visibility": one_of(*CATALOG_VISIBILITY),
    "description": STRING,
    "short_description": STRING,
    **_PRICES_AND_STOCK,
    "parent_id": INTEGER,
    "categories": Rule(("array",), items=Rule(("object",), properties={"id": INTEGER})),
    "images": Rule(("array",), items=_IMAGE),
    "attributes": Rule(("array",), items=_PRODUCT_ATTRIBUTE),
    "menu_order": INTEGER,
    "meta_data": _META,
}

VARIATION_RULES: dict[str, Rule] = {
    "description": STRING,
    **_PRICES_AND_STOCK,
    "status": one_of(*VARIATION_STATUSES),
    "image": _IMAGE,
    "attributes": Rule(("array",), items=_VARIATION_ATTRIBUTE),
    "menu_order": INTEGER,
    "meta_data": _META,
}
