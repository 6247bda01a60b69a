"""The shop's catalog in memory: products and variations by id, with the SKU and slug indexes WooCommerce's tables
give it, so that one write costs the same with 50 or 50,000 products.

Every write goes through `_save`, which does what saving a WC_Product does: `validate_props` (a managed stock sets the
stock status), the post's slug rules, `date_modified`, and the SKU index. SKUs compare case-insensitively, as MySQL's
default collation makes WooCommerce's `_sku` lookups; a product in the trash holds no SKU.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any, TypeVar

from localdev.simulators.woocommerce.edits import edit_product, edit_variation
from localdev.simulators.woocommerce.errors import (
    WooError,
    already_trashed,
    cannot_create_existing,
    item_invalid_id,
    use_variations_route,
)
from localdev.simulators.woocommerce.prices import stock_status_of
from localdev.simulators.woocommerce.products import UNCATEGORIZED, Attachment, Product, Term
from localdev.simulators.woocommerce.site_time import seconds
from localdev.simulators.woocommerce.wc_values import sanitize_title, to_int, truthy

T = TypeVar("T")
ONE_SECOND = timedelta(seconds=1)
UNPUBLISHED = ("draft", "pending", "auto-draft")
PRODUCT, VARIATION = "product", "product_variation"


def utc_now() -> datetime:
    return datetime.now(UTC)


class Catalog:
    """Products and variations share one id sequence with the uploaded images, as WordPress posts do."""

    def __init__(self, site_offset: timedelta, clock: Callable[[], datetime] = utc_now, first_id: int = 10) -> None:
        self.site_offset = site_offset
        self.clock = clock
        self.products: dict[int, Product] = {}
        self.variations: dict[int, Product] = {}
        self.attachments: dict[int, Attachment] = {}
        self.categories: dict[int, Term] = {UNCATEGORIZED.id: UNCATEGORIZED}
        self._ids = count(first_id)
        self._meta_ids = count(1)
        self._skus: dict[str, int] = {}
        self._slugs: dict[str, set[int]] = {}
        self._slug_suffix: dict[str, int] = {}

    # What an edit looks up (edits.Shop).

    def item(self, item_id: int) -> Product | None:
        return self.products.get(item_id) or self.variations.get(item_id)

    def sku_holder(self, sku: str, own_id: int) -> int | None:
        holder = self._skus.get(sku.casefold())
        return holder if holder is not None and holder != own_id else None

    def unique_sku(self, sku: str, own_id: int) -> str:
        """wc_product_generate_unique_sku: the SKU with -1, -2, ... until no other item holds it."""
        candidate, index = sku, 0
        while self.sku_holder(candidate, own_id) is not None:
            index += 1
            candidate = f"{sku}-{index}"
        return candidate

    def category(self, term_id: int) -> Term | None:
        return self.categories.get(term_id)

    def has_attachment(self, attachment_id: int) -> bool:
        return attachment_id in self.attachments

    def attach(self, src: str, name: str, alt: str) -> int:
        attachment_id = next(self._ids)
        title = name or src.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        self.attachments[attachment_id] = Attachment(attachment_id, src, title, alt, seconds(self.clock()))
        return attachment_id

    def label_attachment(self, attachment_id: int, name: str, alt: str) -> None:
        """An image's name and alt text change when a request sends them non-empty."""
        stored = self.attachments[attachment_id]
        self.attachments[attachment_id] = replace(stored, name=name or stored.name, alt=alt or stored.alt)

    def next_meta_id(self) -> int:
        return next(self._meta_ids)

    def add_category(self, name: str, slug: str | None = None) -> Term:
        term = Term(next(self._ids), name, sanitize_title(slug or name))
        self.categories[term.id] = term
        return term

    # Reads.

    def product(self, product_id: int, status: int = 404) -> Product:
        """A product (or a variation, which GET /products/{id} shows too); else `..._product_invalid_id`."""
        found = self.item(product_id)
        if found is None:
            raise item_invalid_id(PRODUCT, status)
        return found

    def variation(self, variation_id: int, status: int = 404) -> Product:
        found = self.variations.get(variation_id)
        if found is None:
            raise item_invalid_id(VARIATION, status)
        return found

    def by_sku(self, sku: str) -> Product | None:
        holder = self._skus.get(sku.casefold())
        return None if holder is None else self.item(holder)

    def children(self, product: Product) -> Iterator[Product]:
        """A variable product's variations, oldest first, the trashed ones left out."""
        for child_id in product.children:
            child = self.variations.get(child_id)
            if child is not None and child.status != "trash":
                yield child

    # Writes.

    def create_product(self, fields: Mapping[str, Any]) -> Product:
        if truthy(fields.get("id")):
            raise cannot_create_existing(PRODUCT)
        now = seconds(self.clock())
        fresh = Product(0, now, now, categories=(UNCATEGORIZED,))
        return self._save(edit_product(fresh, fields, self), None)

    def update_product(self, product_id: int, fields: Mapping[str, Any]) -> Product:
        stored = self.product(product_id, status=400)
        return self._save(edit_product(stored, fields, self), stored)

    def delete_product(self, product_id: int, force: bool, answer: Callable[[Product], T]) -> T:
        """Trash the product, or with `force` delete it and a variable product's variations; `answer` renders it
        first, as the controller does."""
        stored = self.product(product_id)
        if stored.is_variation:
            raise use_variations_route()
        body = answer(stored)
        if force:
            for child_id in list(stored.children):
                self._forget(self.variations.pop(child_id, None))
            self._forget(self.products.pop(product_id))
        else:
            self._trash(stored, PRODUCT)
        return body

    def create_variation(self, parent_id: int, fields: Mapping[str, Any]) -> Product:
        if truthy(fields.get("id")):
            raise cannot_create_existing(VARIATION)
        if parent_id not in self.products:
            raise WooError(
                404,
                "woocommerce_rest_product_variation_invalid_parent",
                "Cannot set attributes due to invalid parent product.",
            )
        now = seconds(self.clock())
        fresh = Product(0, now, now, type="variation", parent_id=parent_id)
        return self._save(edit_variation(fresh, parent_id, fields, self), None)

    def update_variation(self, parent_id: int, variation_id: int, fields: Mapping[str, Any]) -> Product:
        stored = self._variation_of(parent_id, variation_id, status=400)
        return self._save(edit_variation(stored, parent_id, fields, self), stored)

    def delete_variation(self, parent_id: int, variation_id: int, force: bool, answer: Callable[[Product], T]) -> T:
        stored = self._variation_of(parent_id, variation_id, status=404)
        body = answer(stored)
        if force:
            self._forget(self.variations.pop(variation_id))
        else:
            self._trash(stored, VARIATION)
        return body

    def _variation_of(self, parent_id: int, variation_id: int, status: int) -> Product:
        """A variation of this product. (WooCommerce's batch would re-parent another product's variation; the
        simulator refuses it as an unknown id.)"""
        stored = self.variation(variation_id, status)
        if stored.parent_id != parent_id:
            raise item_invalid_id(VARIATION, status)
        return stored

    def _trash(self, stored: Product, post_type: str) -> None:
        if stored.status == "trash":
            raise already_trashed(post_type)
        self._save(replace(stored, status="trash"), stored)

    def _save(self, item: Product, before: Product | None) -> Product:
        if not item.manage_stock:
            item.stock_quantity, item.backorders = None, "no"
        item.stock_status = stock_status_of(item)
        if before is None:
            item.id = next(self._ids)
        else:
            item.modified = max(seconds(self.clock()), before.modified + ONE_SECOND)
        if item.is_variation:
            self.variations[item.id] = item
            parent = self.products[item.parent_id]
            if before is None:
                parent.children.append(item.id)
            parent.modified = max(item.modified, parent.modified)
        else:
            item.name = item.name or "Product"
            self._place_slug(item, before)
            self.products[item.id] = item
        self._index_sku(item, before)
        return item

    def _place_slug(self, product: Product, before: Product | None) -> None:
        """wp_insert_post's post_name: drafts and pending posts keep none unless given one; others get a slug from
        the name, made unique with -2, -3, ...; trashing appends `__trashed`."""
        old = before.slug if before is not None else ""
        if product.status == "trash" and before is not None and before.status != "trash":
            slug = f"{old}__trashed" if old else ""
        elif product.slug or product.status not in UNPUBLISHED:
            slug = sanitize_title(product.slug or product.name)
            if product.status not in UNPUBLISHED and slug != old:
                slug = self._unique_slug(slug, product.id)
        else:
            slug = ""
        if old:
            self._slugs.get(old, set()).discard(product.id)
        if slug:
            self._slugs.setdefault(slug, set()).add(product.id)
        product.slug = slug

    def _unique_slug(self, slug: str, own_id: int) -> str:
        if not self._slugs.get(slug, set()) - {own_id}:
            return slug
        suffix = self._slug_suffix.get(slug, 1)
        while self._slugs.get(f"{slug}-{suffix + 1}", set()) - {own_id}:
            suffix += 1
        self._slug_suffix[slug] = suffix + 1
        return f"{slug}-{suffix + 1}"

    def _index_sku(self, item: Product, before: Product | None) -> None:
        """The index holds the SKUs of items outside the trash. An item taken out of the trash gets its SKU back
        only when no other item took it meanwhile (WooCommerce does not check there either)."""
        if before is not None and before.sku and self._skus.get(before.sku.casefold()) == item.id:
            del self._skus[before.sku.casefold()]
        if item.sku and item.status != "trash":
            self._skus.setdefault(item.sku.casefold(), item.id)

    def _forget(self, item: Product | None) -> None:
        """Drop a deleted item from the indexes and from its parent's variations."""
        if item is None:
            return
        if item.sku and self._skus.get(item.sku.casefold()) == item.id:
            del self._skus[item.sku.casefold()]
        if item.slug:
            self._slugs.get(item.slug, set()).discard(item.id)
        parent = self.products.get(item.parent_id) if item.is_variation else None
        if parent is not None and item.id in parent.children:
            parent.children.remove(item.id)


def item_id(raw: Any) -> int:
    """An id from a request, as PHP's (int) reads it."""
    return to_int(raw)
