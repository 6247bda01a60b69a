"""Products and variations as the v3 API shows them.

`edit` is the request's context: reads default to `view`, which runs descriptions through wpautop (plain text comes
back as `<p>...</p>\\n`); the answers to writes use `edit` and give them as stored. A variation's description is
formatted in both, as its controller always does. The wpautop here is simplified: text that already holds block
tags is left as it is. `purchasable` only asks for a price: the API's user may edit every product, which makes
WooCommerce count drafts too.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from localdev.simulators.woocommerce.catalog import Catalog
from localdev.simulators.woocommerce.prices import (
    active_price,
    amount,
    children_stock_status,
    lowest_price,
    on_sale,
)
from localdev.simulators.woocommerce.products import Attachment, Product
from localdev.simulators.woocommerce.site_time import rest_date

_BLOCK_TAGS = re.compile(r"<(p|div|ul|ol|li|table|h[1-6]|blockquote|pre|section|figure)\b", re.IGNORECASE)


def autop(text: str) -> str:
    if not text.strip():
        return ""
    if _BLOCK_TAGS.search(text):
        return text
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "".join("<p>" + part.strip().replace("\n", "<br />\n") + "</p>\n" for part in paragraphs)


class Renderer:
    """Renders against the catalog (a variable product's price comes from its variations) at one moment."""

    def __init__(self, catalog: Catalog, site_url: str, now: datetime) -> None:
        self.catalog = catalog
        self.site_url = site_url
        self.now = now

    def product(self, item: Product, edit: bool) -> dict[str, Any]:
        """The products controller's answer; a variation found through /products shows as type `variation`."""
        variable = item.type == "variable"
        children = list(self.catalog.children(item)) if variable else []
        price = lowest_price(children, self.now) if variable else active_price(item, self.now)
        sale = any(on_sale(child, self.now) for child in children) if variable else on_sale(item, self.now)
        stock_status = children_stock_status(children) if variable and not item.manage_stock else item.stock_status
        return {
            "id": item.id,
            "name": self._variation_name(item) if item.is_variation else item.name,
            "slug": item.slug,
            "permalink": self._permalink(item),
            **self._dates(item),
            "type": item.type,
            "status": item.status,
            "featured": item.featured,
            "catalog_visibility": item.catalog_visibility,
            "description": item.description if edit else autop(item.description),
            "short_description": item.short_description if edit else autop(item.short_description),
            "sku": item.sku,
            "price": price,
            "regular_price": item.regular_price,
            "sale_price": item.sale_price,
            **self._sale_dates(item),
            "on_sale": sale,
            "purchasable": price != "",
            "total_sales": 0,
            "virtual": item.virtual,
            "downloadable": False,
            "tax_status": item.tax_status,
            "tax_class": item.tax_class,
            "manage_stock": item.manage_stock,
            "stock_quantity": item.stock_quantity,
            "stock_status": stock_status,
            "backorders": item.backorders,
            "backorders_allowed": item.backorders in ("yes", "notify"),
            "backordered": self._backordered(item),
            "low_stock_amount": None,
            "parent_id": item.parent_id,
            "categories": [{"id": term.id, "name": term.name, "slug": term.slug} for term in item.categories],
            "tags": [],
            "images": [self._image(image_id, position) for position, image_id in enumerate(item.images)],
            "attributes": self._choices(item) if item.is_variation else self._attributes(item),
            "default_attributes": [],
            "variations": [child.id for child in children],
            "grouped_products": [],
            "menu_order": item.menu_order,
            "meta_data": self._meta(item),
        }

    def variation(self, item: Product) -> dict[str, Any]:
        """The variations controller's answer."""
        image = self._image(item.images[0], None) if item.images else None
        return {
            "id": item.id,
            **self._dates(item),
            "description": autop(item.description),
            "permalink": self._permalink(item),
            "sku": item.sku,
            "price": active_price(item, self.now),
            "regular_price": item.regular_price,
            "sale_price": item.sale_price,
            **self._sale_dates(item),
            "on_sale": on_sale(item, self.now),
            "status": item.status,
            "purchasable": active_price(item, self.now) != "",
            "virtual": item.virtual,
            "downloadable": False,
            "tax_status": item.tax_status,
            "tax_class": item.tax_class,
            "manage_stock": item.manage_stock,
            "stock_quantity": item.stock_quantity,
            "stock_status": item.stock_status,
            "backorders": item.backorders,
            "backorders_allowed": item.backorders in ("yes", "notify"),
            "backordered": self._backordered(item),
            "low_stock_amount": None,
            "image": image,
            "attributes": self._choices(item),
            "menu_order": item.menu_order,
            "meta_data": self._meta(item),
            "name": ", ".join(option for _key, option in item.choices if option),
            "parent_id": item.parent_id,
        }

    def _dates(self, item: Product) -> dict[str, str | None]:
        return self._site_and_gmt({"date_created": item.created, "date_modified": item.modified})

    def _sale_dates(self, item: Product) -> dict[str, str | None]:
        return self._site_and_gmt({"date_on_sale_from": item.sale_from, "date_on_sale_to": item.sale_to})

    def _site_and_gmt(self, moments: dict[str, datetime | None]) -> dict[str, str | None]:
        """Each date as WooCommerce gives it twice: in the site's time zone, and `_gmt`."""
        offset = self.catalog.site_offset
        dated: dict[str, str | None] = {}
        for name, moment in moments.items():
            dated[name] = rest_date(moment, offset)
            dated[f"{name}_gmt"] = rest_date(moment, None)
        return dated

    def _permalink(self, item: Product) -> str:
        if item.is_variation:
            parent = self.catalog.products.get(item.parent_id)
            base = self._permalink(parent) if parent is not None else f"{self.site_url}/"
            query = "&".join(f"attribute_{key}={option}" for key, option in item.choices)
            return f"{base}?{query}" if query else base
        if item.status == "publish" and item.slug:
            return f"{self.site_url}/product/{item.slug}/"
        return f"{self.site_url}/?post_type=product&p={item.id}"

    def _variation_name(self, item: Product) -> str:
        parent = self.catalog.products.get(item.parent_id)
        options = ", ".join(option for _key, option in item.choices if option)
        title = parent.name if parent is not None else "Product"
        return f"{title} - {options}" if options else title

    def _backordered(self, item: Product) -> bool:
        if item.stock_status == "onbackorder":
            return True
        allowed = item.backorders in ("yes", "notify")
        return item.manage_stock and allowed and (item.stock_quantity or 0) < 0

    def _image(self, attachment_id: int, position: int | None) -> dict[str, Any] | None:
        attachment: Attachment | None = self.catalog.attachments.get(attachment_id)
        if attachment is None:
            return None
        offset = self.catalog.site_offset
        image: dict[str, Any] = {
            "id": attachment.id,
            "date_created": rest_date(attachment.created, offset),
            "date_created_gmt": rest_date(attachment.created, None),
            "date_modified": rest_date(attachment.created, offset),
            "date_modified_gmt": rest_date(attachment.created, None),
            "src": attachment.src,
            "name": attachment.name,
            "alt": attachment.alt,
        }
        if position is not None:
            image["position"] = position
        return image

    def _attributes(self, item: Product) -> list[dict[str, Any]]:
        return [
            {
                "id": 0,
                "name": attribute.name,
                "slug": attribute.name,
                "position": attribute.position,
                "visible": attribute.visible,
                "variation": attribute.variation,
                "options": list(attribute.options),
            }
            for attribute in item.attributes
        ]

    def _choices(self, item: Product) -> list[dict[str, Any]]:
        parent = self.catalog.products.get(item.parent_id)
        names = {attribute.key: attribute.name for attribute in parent.attributes} if parent is not None else {}
        return [
            {"id": 0, "name": names.get(key, key), "slug": key, "option": option}
            for key, option in item.choices
            if option
        ]

    def _meta(self, item: Product) -> list[dict[str, Any]]:
        return [{"id": meta.id, "key": meta.key, "value": meta.value} for meta in item.meta_data]


def price_key(item: Product, renderer: Renderer) -> tuple[Any, int]:
    """The `orderby=price` key: a product's current price (a variable one's lowest), no price counting as 0."""
    price = lowest_price(renderer.catalog.children(item), renderer.now) if item.type == "variable" else ""
    value = amount(price or active_price(item, renderer.now))
    return (value if value is not None else 0, item.id)
