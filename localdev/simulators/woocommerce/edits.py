"""A request's fields applied to a copy of a product or variation, in the order WooCommerce's controllers do it.

This is `prepare_object_for_database` of the v3 products and variations controllers, with the setters' own checks:
the first failing setter ends the edit with its WooCommerce error, and the stored record stays as it was. A field that
is absent or null is left alone (the controllers test `isset`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from localdev.simulators.woocommerce.catalog_schema import (
    CATALOG_VISIBILITY,
    PRODUCT_STATUSES,
    PRODUCT_TYPES,
    STOCK_STATUSES,
    TAX_STATUSES,
)
from localdev.simulators.woocommerce.errors import WooError, use_variations_route
from localdev.simulators.woocommerce.products import UNCATEGORIZED, Attribute, Meta, Product, Term
from localdev.simulators.woocommerce.site_time import wc_date
from localdev.simulators.woocommerce.wc_values import (
    clean,
    format_decimal,
    sanitize_title,
    text,
    to_bool,
    to_int,
    truthy,
)

POST_STATUSES = frozenset((*PRODUCT_STATUSES, "inherit"))
TAX_CLASSES = ("", "reduced-rate", "zero-rate")
_NO_PRICE_TYPES = ("variable", "grouped")


class Shop(Protocol):
    """What an edit needs to look up in the catalog."""

    site_offset: timedelta

    def item(self, item_id: int) -> Product | None: ...

    def sku_holder(self, sku: str, own_id: int) -> int | None: ...

    def unique_sku(self, sku: str, own_id: int) -> str: ...

    def category(self, term_id: int) -> Term | None: ...

    def has_attachment(self, attachment_id: int) -> bool: ...

    def attach(self, src: str, name: str, alt: str) -> int: ...

    def label_attachment(self, attachment_id: int, name: str, alt: str) -> None: ...

    def next_meta_id(self) -> int: ...


def edit_product(stored: Product, fields: Mapping[str, Any], shop: Shop) -> Product:
    """WC_REST_Products_Controller::prepare_object_for_database on a copy of `stored`."""
    if stored.is_variation:
        raise use_variations_route()
    given = _Given(fields)
    product = replace(stored)
    if given.has("type"):
        kind = str(fields["type"])
        if kind == "variation":
            raise use_variations_route()
        product.type = kind if kind in PRODUCT_TYPES else "simple"
    given.apply(product, _PRODUCT_BASICS)
    if given.has("sku"):
        product.sku = _sku(fields["sku"], product.id, shop)
    if given.has("attributes") and isinstance(fields["attributes"], list):
        product.attributes = _attributes(fields["attributes"])
    if product.type in _NO_PRICE_TYPES:
        product.regular_price = product.sale_price = ""
        product.sale_from = product.sale_to = None
    else:
        _prices(product, given, shop.site_offset)
    _product_stock(product, given)
    if isinstance(fields.get("categories"), list):
        product.categories = _categories(fields["categories"], shop)
    if given.has("images"):
        product.images = _images(fields["images"], shop)
    if isinstance(fields.get("meta_data"), list):
        product.meta_data = _meta(product.meta_data, fields["meta_data"], shop)
    return product


def edit_variation(stored: Product, parent_id: int, fields: Mapping[str, Any], shop: Shop) -> Product:
    """WC_REST_Product_Variations_Controller::prepare_object_for_database on a copy of `stored`."""
    given = _Given(fields)
    variation = replace(stored, parent_id=parent_id)
    given.apply(variation, (("status", "status", _post_status),))
    if given.has("sku"):
        variation.sku = _sku(fields["sku"], variation.id, shop)
    if given.has("image"):
        variation.images = _variation_image(fields["image"], shop)
    given.apply(variation, _VARIATION_STOCK)
    if variation.manage_stock:
        _quantity(variation, given)
    else:
        variation.backorders, variation.stock_quantity = "no", None
    _prices(variation, given, shop.site_offset)
    given.apply(variation, (("tax_class", "tax_class", _tax_class), ("description", "description", text)))
    if given.has("attributes") and isinstance(fields["attributes"], list):
        variation.choices = _choices(fields["attributes"], shop.item(parent_id))
    if truthy(fields.get("menu_order")):
        variation.menu_order = to_int(fields["menu_order"])
    if isinstance(fields.get("meta_data"), list):
        variation.meta_data = _meta(variation.meta_data, fields["meta_data"], shop)
    return variation


class _Given:
    def __init__(self, fields: Mapping[str, Any]) -> None:
        self.fields = fields

    def has(self, name: str) -> bool:
        return self.fields.get(name) is not None

    def apply(self, item: Product, table: tuple[tuple[str, str, Callable[[Any], Any]], ...]) -> None:
        """Set each (field, attribute, setter) whose field was sent, in the table's order."""
        for name, attribute, setter in table:
            if self.has(name):
                setattr(item, attribute, setter(self.fields[name]))


def _post_status(value: Any) -> str:
    """A registered post status, or draft (`get_post_status_object(...) ? status : draft`)."""
    return value if isinstance(value, str) and value in POST_STATUSES else "draft"


def _tax_status(value: Any) -> str:
    status = text(value).lower() or "taxable"
    if status not in TAX_STATUSES:
        raise WooError(400, "product_invalid_tax_status", "Invalid product tax status.")
    return status


def _tax_class(value: Any) -> str:
    """An unknown tax class falls back to the standard one ("")."""
    slug = sanitize_title(text(value))
    slug = "" if slug == "standard" else slug
    return slug if slug in TAX_CLASSES else ""


def _catalog_visibility(value: Any) -> str:
    visibility = text(value)
    visibility = visibility if visibility in CATALOG_VISIBILITY else visibility.lower()
    if visibility not in CATALOG_VISIBILITY:
        raise WooError(400, "product_invalid_catalog_visibility", "Invalid catalog visibility option.")
    return visibility


def _sku(value: Any, own_id: int, shop: Shop) -> str:
    """WC_Product::set_sku: a SKU another product or variation (not in the trash) holds is refused."""
    sku = clean(value)
    if sku not in ("", "0") and (holder := shop.sku_holder(sku, own_id)) is not None:
        raise WooError(
            400,
            "product_invalid_sku",
            "Invalid or duplicated SKU.",
            extra={"resource_id": holder, "unique_sku": shop.unique_sku(sku, own_id)},
        )
    return sku


def _stock_status(value: Any) -> str:
    """set_stock_status: an unknown status becomes instock."""
    return value if isinstance(value, str) and value in STOCK_STATUSES else "instock"


def _prices(item: Product, given: _Given, offset: timedelta) -> None:
    fields = given.fields
    if given.has("regular_price"):
        item.regular_price = format_decimal(fields["regular_price"])
    if given.has("sale_price"):
        item.sale_price = format_decimal(fields["sale_price"])
    dates: tuple[tuple[str, bool, str], ...] = (
        ("date_on_sale_from", False, "sale_from"),
        ("date_on_sale_from_gmt", True, "sale_from"),
        ("date_on_sale_to", False, "sale_to"),
        ("date_on_sale_to_gmt", True, "sale_to"),
    )
    for name, gmt, attribute in dates:
        if given.has(name):
            moment: datetime | None = wc_date(fields[name], offset, gmt)
            setattr(item, attribute, moment)


def _product_stock(product: Product, given: _Given) -> None:
    """The products controller's stock block (with the shop's "manage stock" option on)."""
    fields = given.fields
    stock_status = fields["stock_status"] if given.has("stock_status") else product.stock_status
    if given.has("manage_stock"):
        product.manage_stock = to_bool(fields["manage_stock"])
    if given.has("backorders"):
        product.backorders = text(fields["backorders"])
    if product.type in ("grouped", "external"):
        product.manage_stock, product.backorders, product.stock_quantity = False, "no", None
        product.stock_status = _stock_status(stock_status) if product.type == "grouped" else "instock"
    elif product.manage_stock:
        if product.type != "variable":
            product.stock_status = _stock_status(stock_status)
        _quantity(product, given)
    else:
        product.stock_quantity = None
        product.stock_status = _stock_status(stock_status)


def _quantity(item: Product, given: _Given) -> None:
    if given.has("stock_quantity"):
        item.stock_quantity = to_int(given.fields["stock_quantity"])
    elif given.has("inventory_delta"):
        item.stock_quantity = (item.stock_quantity or 0) + to_int(given.fields["inventory_delta"])


def _attributes(raw: list[Any]) -> tuple[Attribute, ...]:
    """Custom attributes keyed by sanitized name (a later one of the same name wins), ordered by position."""
    by_key: dict[str, Attribute] = {}
    for entry in raw:
        if not isinstance(entry, dict) or not text(entry.get("name")) or entry.get("options") is None:
            continue
        options = entry["options"]
        values = options if isinstance(options, list) else text(options).split("|")
        attribute = Attribute(
            name=clean(entry["name"]),
            position=abs(to_int(entry.get("position", 0))),
            visible=truthy(entry.get("visible")),
            variation=truthy(entry.get("variation")),
            options=tuple(text(value).strip() for value in values),
        )
        by_key[attribute.key] = attribute
    return tuple(sorted(by_key.values(), key=lambda attribute: attribute.position))


def _choices(raw: list[Any], parent: Product | None) -> tuple[tuple[str, str], ...]:
    """A variation keeps the options of its parent's variation attributes, by name; the rest is dropped."""
    if parent is None:
        raise WooError(
            404,
            "woocommerce_rest_product_variation_invalid_parent",
            "Cannot set attributes due to invalid parent product.",
        )
    usable = {attribute.key: attribute for attribute in parent.attributes if attribute.variation}
    choices: dict[str, str] = {}
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        key = sanitize_title(text(entry.get("name")))
        if key in usable:
            choices[key] = clean(entry.get("option"))
    return tuple(choices.items())


def _categories(raw: list[Any], shop: Shop) -> tuple[Term, ...]:
    """Category ids; an unknown id is skipped (wp_set_object_terms), no ids at all mean the default category."""
    ids = [to_int(entry.get("id")) for entry in raw if isinstance(entry, dict)]
    if not ids:
        return (UNCATEGORIZED,)
    terms = {term.id: term for term in map(shop.category, ids) if term is not None}
    return tuple(terms.values())


def _images(raw: Any, shop: Shop) -> tuple[int, ...]:
    """Featured image first, then the gallery; `{"src": ...}` uploads a new attachment, `{"id": ...}` reuses one."""
    entries = [entry for entry in raw if entry] if isinstance(raw, list) else []
    return tuple(_image_id(entry, shop, "woocommerce_product_invalid_image_id") for entry in entries)


def _variation_image(raw: Any, shop: Shop) -> tuple[int, ...]:
    if not isinstance(raw, dict) or (not to_int(raw.get("id")) and not raw.get("src")):
        return ()
    return (_image_id(raw, shop, "woocommerce_variation_invalid_image_id"),)


def _image_id(entry: Any, shop: Shop, code: str) -> int:
    image = entry if isinstance(entry, dict) else {}
    attachment_id = abs(to_int(image.get("id")))
    name, alt = text(image.get("name")), text(image.get("alt"))
    if attachment_id == 0 and image.get("src"):
        attachment_id = shop.attach(text(image["src"]), name, alt)
    if not shop.has_attachment(attachment_id):
        raise WooError(400, code, f"#{attachment_id} is an invalid image ID.")
    shop.label_attachment(attachment_id, name, alt)
    return attachment_id


def _meta(current: tuple[Meta, ...], raw: list[Any], shop: Shop) -> tuple[Meta, ...]:
    """WC_Data::update_meta_data per entry: the meta with that id, else the first of that key (the key's others go),
    else a new one replacing the key's others. A null value removes the entry when the product is saved.
    """
    metas = list(current)
    for entry in raw:
        if not isinstance(entry, dict) or "key" not in entry:
            continue
        key, value = text(entry["key"]), entry.get("value")
        if truthy(entry.get("id")):
            positions = [index for index, meta in enumerate(metas) if meta.id == to_int(entry["id"])]
        else:
            positions = [index for index, meta in enumerate(metas) if meta.key == key]
            metas = [replace(meta, value=None) if meta.key == key else meta for meta in metas]
        if positions:
            metas[positions[0]] = replace(metas[positions[0]], key=key, value=value)
        else:
            metas = [meta for meta in metas if meta.key != key]
            metas.append(Meta(shop.next_meta_id(), key, value))
    return tuple(meta for meta in metas if meta.value is not None)


_PRODUCT_BASICS: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("name", "name", text),
    ("description", "description", text),
    ("short_description", "short_description", text),
    ("status", "status", _post_status),
    ("slug", "slug", text),
    ("menu_order", "menu_order", to_int),
    ("virtual", "virtual", to_bool),
    ("tax_status", "tax_status", _tax_status),
    ("tax_class", "tax_class", _tax_class),
    ("catalog_visibility", "catalog_visibility", _catalog_visibility),
    ("featured", "featured", to_bool),
)
_VARIATION_STOCK: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("virtual", "virtual", to_bool),
    ("manage_stock", "manage_stock", to_bool),
    ("stock_status", "stock_status", _stock_status),
    ("backorders", "backorders", text),
)
