"""The ChannelCatalog port over WooCommerce REST API v3: listings written through `POST /products/batch`, at most
100 objects a call, each object answered on its own. An item with variants is a variable product with one
attribute, "Variant", whose options are the variants; they are written through the product's own
`POST /products/{id}/variations/batch`, with the same limit.

Only the fields BC owns in the channel are sent, so descriptions, images and SEO kept in the shop survive. A create
refused because the shop already has a product with the SKU (made by hand, or before Koppel) adopts that product:
its id is looked up by SKU and the listing sent again as an update, in the same push.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import (
    ListedField,
    Listing,
    ListingChange,
    ListingStatus,
    Offer,
    PushOutcome,
    VariantListing,
)
from integrations.shops.woocommerce.client import WooCommerceClient

BATCH_LIMIT = 100
OfferT = TypeVar("OfferT", bound=Offer)
VARIANT_ATTRIBUTE = "Variant"
NO_CATEGORY = "koppel_category_not_made: the shop has no product category of this name and did not make it"
NOT_ACCEPTED = "koppel_product_not_accepted: the product of this variant was refused, see its SKU"
DUPLICATE_SKU = "product_invalid_sku"
_STATUS = {ListingStatus.PUBLISHED: "publish", ListingStatus.DRAFT: "draft"}
_STOCK_STATUS = {
    StockStatus.IN_STOCK: "instock",
    StockStatus.OUT_OF_STOCK: "outofstock",
    StockStatus.ON_BACKORDER: "onbackorder",
}


class WooCommerceCatalog:
    def __init__(self, client: WooCommerceClient) -> None:
        self._client = client
        self._products_url = client.url("products")
        self._category_ids: dict[str, int] = {}
        """The shop's product categories by lower-cased name, as far as this process has needed them."""

    @property
    def limit(self) -> int:
        return BATCH_LIMIT

    def push(self, changes: Sequence[ListingChange]) -> list[PushOutcome]:
        """The changed products in one call, then the changed variants of each product in calls of their own."""
        outcomes = self._push_products([item_change for item_change in changes if item_change.product_changed])
        accepted = {outcome.sku: outcome.channel_id for outcome in outcomes if outcome.channel_id}
        for item_change in changes:
            if item_change.changed_variants:
                parent_id = accepted.get(item_change.listing.sku) or item_change.channel_id(item_change.listing.sku)
                outcomes += self._push_variations(item_change, parent_id)
        return outcomes

    def _push_products(self, changes: Sequence[ListingChange]) -> list[PushOutcome]:
        if not changes:
            return []
        ids = {item_change.listing.sku: item_change.channel_id(item_change.listing.sku) for item_change in changes}
        listings = [item_change.listing for item_change in changes]
        categories = self._categories({_category(listing) for listing in listings} - {""})
        unplaced = [listing for listing in listings if _category(listing) not in {"", *categories}]
        sendable = [listing for listing in listings if listing not in unplaced]
        body = partial(product, categories=categories)
        outcomes = self._write(self._products_url, sendable, ids, body) if sendable else []
        created = {listing.sku: listing for listing in sendable if not ids[listing.sku]}
        return self._adopt_existing(outcomes, created, body) + [
            PushOutcome(sku=listing.sku, error=f"{NO_CATEGORY}: {listing.category}") for listing in unplaced
        ]

    def _adopt_existing(
        self, outcomes: list[PushOutcome], created: dict[str, Listing], body: Callable[[Listing, bool], dict[str, Any]]
    ) -> list[PushOutcome]:
        """Creates refused for a SKU the shop has already: update those products instead."""
        taken = [
            outcome.sku for outcome in outcomes if outcome.error.startswith(DUPLICATE_SKU) and outcome.sku in created
        ]
        if not taken:
            return outcomes
        ids = self._ids_by_sku(taken)
        existing = [created[sku] for sku in taken if sku in ids]
        if not existing:
            return outcomes
        adopted = {outcome.sku: outcome for outcome in self._write(self._products_url, existing, ids, body)}
        return [adopted.get(outcome.sku, outcome) for outcome in outcomes]

    def _categories(self, names: set[str]) -> dict[str, int]:
        """The shop's category id for each name: looked up once, created when the shop has none of that name."""
        if any(name.lower() not in self._category_ids for name in names):
            self._read_categories()
        missing = sorted(name for name in names if name.lower() not in self._category_ids)
        for start in range(0, len(missing), BATCH_LIMIT):
            chunk = missing[start : start + BATCH_LIMIT]
            answer = self._batch(f"{self._products_url}/categories", {"create": [{"name": name} for name in chunk]})
            for name, made in zip(chunk, answer.get("create", []), strict=False):
                made_id = made.get("id") or made.get("error", {}).get("data", {}).get("resource_id")
                if made_id:
                    self._category_ids[name.lower()] = int(made_id)
        return {name: self._category_ids[name.lower()] for name in names if name.lower() in self._category_ids}

    def _read_categories(self) -> None:
        url, page = f"{self._products_url}/categories", 1
        while True:
            page_rows = self._client.get(url, {"per_page": str(BATCH_LIMIT), "page": str(page)})
            self._category_ids |= {str(row["name"]).lower(): int(row["id"]) for row in page_rows}
            if len(page_rows) < BATCH_LIMIT:
                return
            page += 1

    def _ids_by_sku(self, skus: Sequence[str]) -> dict[str, str]:
        params = {"sku": ",".join(skus), "per_page": str(BATCH_LIMIT), "_fields": "id,sku"}
        products = self._client.get(self._products_url, params)
        return {row["sku"]: str(row["id"]) for row in products if row.get("sku") in skus}

    def _push_variations(self, item_change: ListingChange, parent_id: str) -> list[PushOutcome]:
        """The changed variants of one product, at most `BATCH_LIMIT` a call; all refused when the product is."""
        if not parent_id:
            return [PushOutcome(sku=variant.sku, error=NOT_ACCEPTED) for variant in item_change.changed_variants]
        url = f"{self._products_url}/{int(parent_id)}/variations"
        variants = item_change.changed_variants
        return [
            outcome
            for start in range(0, len(variants), BATCH_LIMIT)
            for outcome in self._write(url, variants[start : start + BATCH_LIMIT], item_change.channel_ids, variation)
        ]

    def _write(
        self, url: str, offers: Sequence[OfferT], ids: Mapping[str, str], body: Callable[[OfferT, bool], dict[str, Any]]
    ) -> list[PushOutcome]:
        """One batch call: creates for offers the shop does not have yet (no id), updates for the others."""
        creates = [offer for offer in offers if not ids.get(offer.sku)]
        updates = [(offer, ids[offer.sku]) for offer in offers if ids.get(offer.sku)]
        answer = self._batch(
            url,
            {
                "create": [body(offer, True) for offer in creates],
                "update": [{"id": int(channel_id), **body(offer, False)} for offer, channel_id in updates],
            },
        )
        outcomes = [_outcome(offer, item) for offer, item in zip(creates, answer.get("create", []), strict=False)]
        updated = zip(updates, answer.get("update", []), strict=False)
        return outcomes + [_outcome(offer, item) for (offer, _), item in updated]

    def _batch(self, url: str, body: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        answer: dict[str, Any] = self._client.post(f"{url}/batch", body)
        return answer


def product(listing: Listing, create: bool = False, categories: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The product's type and the fields BC owns in this channel; a create also names the SKU. A product with
    variants is (or becomes) variable and carries their options; its prices and stock are its variations'. One
    that lost its variants becomes simple again (its old variations stay in the shop, no longer sold).
    `categories`: the shop's category id by name."""
    body: dict[str, Any] = {"sku": listing.sku} if create else {}
    if ListedField.NAME in listing.owned:
        body["name"] = listing.name
    if ListedField.STATUS in listing.owned:
        body["status"] = _STATUS[listing.status]
    category_id = (categories or {}).get(listing.category)
    if ListedField.CATEGORY in listing.owned and category_id:
        body["categories"] = [{"id": category_id}]
    if not listing.variants:
        return body | {"type": "simple"} | _offer(listing)
    options = [variant.option for variant in listing.variants]
    attribute = {"name": VARIANT_ATTRIBUTE, "visible": True, "variation": True, "options": options}
    return body | {"type": "variable", "manage_stock": False, "attributes": [attribute]}


def _category(listing: Listing) -> str:
    """The category name the shop must have for the listing ("" when BC does not own its category)."""
    return listing.category if ListedField.CATEGORY in listing.owned else ""


def variation(variant: VariantListing, create: bool = False) -> dict[str, Any]:
    """A variant's option and the fields BC owns on it; a create also names the SKU."""
    body: dict[str, Any] = {"sku": variant.sku} if create else {}
    return {**body, "attributes": [{"name": VARIANT_ATTRIBUTE, "option": variant.option}], **_offer(variant)}


def _offer(offer: Offer) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if ListedField.PRICES in offer.owned:
        body |= _prices(offer)
    if ListedField.STOCK in offer.owned:
        body |= _stock(offer.stock)
    return body


def _prices(offer: Offer) -> dict[str, Any]:
    """Sale dates in the site's time zone (WooCommerce reads a date without an offset so): the first day from its
    start, the last day to its end, as the shop's own product form does (a bare date would end the sale as the last
    day begins). "" clears a date; null would leave it as it was (the products controller sets a date only
    `isset()`)."""
    return {
        "regular_price": f"{offer.regular_price:f}",
        "sale_price": f"{offer.sale_price:f}" if offer.sale_price is not None else "",
        "date_on_sale_from": f"{offer.sale_from.isoformat()}T00:00:00" if offer.sale_from else "",
        "date_on_sale_to": f"{offer.sale_to.isoformat()}T23:59:59" if offer.sale_to else "",
    }


def _stock(stock: ChannelStock) -> dict[str, Any]:
    """A shown quantity is managed by the shop; otherwise only the status is set. An expected receipt rides in
    meta data (WooCommerce has no field for it), for the theme to show; empty when none is expected."""
    if stock.quantity is None:
        return {"manage_stock": False, "stock_status": _STOCK_STATUS[stock.status]}
    expected = stock.expected_on.isoformat() if stock.expected_on else ""
    return {
        "manage_stock": True,
        "stock_quantity": int(stock.quantity),
        "backorders": "notify" if stock.status is StockStatus.ON_BACKORDER else "no",
        "meta_data": [
            {"key": "koppel_expected_on", "value": expected},
            {"key": "koppel_expected_quantity", "value": f"{stock.expected_quantity or 0:f}" if expected else ""},
        ],
    }


def _outcome(offer: Offer, item: dict[str, Any]) -> PushOutcome:
    """The shop's answer for one object; a create refused because the SKU is taken names the product or variation
    that has it, whose id the refusal carries (the next run updates that one)."""
    error = item.get("error")
    if not error:
        return PushOutcome(sku=offer.sku, channel_id=str(item.get("id", "")))
    holder = error.get("data", {}).get("resource_id") if error.get("code") == DUPLICATE_SKU else None
    text = f"{error.get('code', 'error')}: {error.get('message', '')}"
    return PushOutcome(sku=offer.sku, channel_id=str(holder or ""), error=text)
