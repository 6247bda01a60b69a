"""The ChannelCatalog port over Shopify's Admin GraphQL API (2026-01 or later, for `@idempotent` and
`changeFromQuantity`): each item is written whole with one synchronous `productSet`, then the quantities of the batch
are set with `inventorySetQuantities`, at most 250 a call.

`productSet` replaces the product's options and variants with the ones given (a variant left out is deleted), so
every call carries all of an item's variants, whichever changed, each with its Shopify id once it has one: a variant
sent without its id is a new one, and the old one is deleted with its inventory item. An item without variants is
Shopify's single "Title: Default Title" variant, whose id is kept with the product's as the item's channel id (see
ItemIds); an item with variants has one option, "Variant", whose values are the variants'.
Only the fields BC owns are sent, so descriptions, images and SEO kept in the shop survive (a new product is
always given its title, which Shopify requires).

Calls go through the shop's ShopifyClient (integrations/shops/shopify/client.py: throttling, the token, errors): a
shop that cannot be reached, fails, or refuses the token stops the run with RetryableError; a product or quantity
Shopify refuses is answered as a refusal of its SKUs.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import (
    ListedField,
    Listing,
    ListingChange,
    ListingStatus,
    Offer,
    PushOutcome,
)
from domain.errors import RetryableError
from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient

BATCH_LIMIT = 100
QUANTITIES_LIMIT = 250
DEFAULT_OPTION = "Title"
DEFAULT_VALUE = "Default Title"
VARIANT_OPTION = "Variant"
_STATUS = {ListingStatus.PUBLISHED: "ACTIVE", ListingStatus.DRAFT: "DRAFT"}

PRODUCT_SET = """
mutation KoppelProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product { id variants(first: 250) { nodes { id sku inventoryItem { id } } } }
    userErrors { field message code }
  }
}"""
SET_QUANTITIES = """
mutation KoppelSetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    userErrors { field message code }
  }
}"""
FIRST_LOCATION = "query KoppelLocation { locations(first: 1) { nodes { id } } }"
ONLY_VARIANT = "query KoppelOnlyVariant($id: ID!) { product(id: $id) { variants(first: 2) { nodes { id } } } }"


@dataclass(frozen=True)
class ItemIds:
    """The channel id Koppel keeps for an item's own SKU: its product's id and, for an item without variants, the
    id of its one variant, separated by a space (a product's id alone before Koppel kept the variant's)."""

    product: str
    variant: str = ""

    @classmethod
    def parse(cls, channel_id: str) -> ItemIds:
        product, _, variant = channel_id.partition(" ")
        return cls(product, variant)

    def __str__(self) -> str:
        return f"{self.product} {self.variant}".rstrip()


@dataclass(frozen=True)
class _Quantity:
    """The available quantity to set for the inventory item of one SKU."""

    sku: str
    inventory_item_id: str
    quantity: int


class ShopifyCatalog:
    def __init__(self, client: ShopifyClient, location_id: str | None = None) -> None:
        """`location_id` None: the shop's first location, asked once."""
        self._client = client
        self._location_id = location_id

    @property
    def limit(self) -> int:
        return BATCH_LIMIT

    def push(self, changes: Sequence[ListingChange]) -> list[PushOutcome]:
        """Each item with one productSet, then the quantities of the items Shopify accepted. A SKU whose quantity
        Shopify refused keeps the id its productSet gave it, so that it is not made again."""
        outcomes: dict[str, PushOutcome] = {}
        quantities: list[_Quantity] = []
        for item_change in changes:
            answered, stocked = self._set_product(item_change)
            outcomes.update((outcome.sku, outcome) for outcome in answered)
            quantities += stocked
        push_id = uuid.uuid4().hex
        for start in range(0, len(quantities), QUANTITIES_LIMIT):
            for refusal in self._set_quantities(quantities[start : start + QUANTITIES_LIMIT], push_id):
                made = outcomes.get(refusal.sku)
                outcomes[refusal.sku] = PushOutcome(
                    sku=refusal.sku, channel_id=made.channel_id if made else "", error=refusal.error
                )
        return list(outcomes.values())

    def _set_product(self, item_change: ListingChange) -> tuple[list[PushOutcome], list[_Quantity]]:
        """The outcomes of the SKUs the change sends, and the quantities to set for those Shopify accepted."""
        ids = self._item_ids(item_change)
        variables = {
            "input": product_input(item_change.listing, item_change.channel_ids | {item_change.listing.sku: str(ids)}),
            "identifier": {"id": ids.product} if ids.product else None,
        }
        try:
            payload = self._client.graphql(PRODUCT_SET, variables)["productSet"]
        except GraphQLRefused as refused:
            return _refuse_all(item_change, str(refused)), []
        if payload["userErrors"] or not payload["product"]:
            return _refuse_all(item_change, _user_errors(payload["userErrors"])), []
        product = payload["product"]
        by_sku = {node["sku"]: node for node in product["variants"]["nodes"]}
        outcomes = [_product_outcome(item_change.listing, product["id"], by_sku)] if item_change.product_changed else []
        outcomes += [_variant_outcome(variant.sku, by_sku) for variant in item_change.changed_variants]
        stocked = [
            _Quantity(offer.sku, by_sku[offer.sku]["inventoryItem"]["id"], quantity)
            for offer in _stock_sent(item_change)
            if offer.sku in by_sku and (quantity := tracked_quantity(offer.stock)) is not None
        ]
        return outcomes, stocked

    def _item_ids(self, item_change: ListingChange) -> ItemIds:
        """The ids kept for the item's own SKU. One listed before Koppel kept the variant's id with the product's
        has the product's alone: for an item without variants, the id of the product's one variant is asked (once:
        the push keeps it), so that it is not made anew."""
        ids = ItemIds.parse(item_change.channel_id(item_change.listing.sku))
        if item_change.listing.variants or not ids.product or ids.variant:
            return ids
        try:
            product = self._client.graphql(ONLY_VARIANT, {"id": ids.product})["product"]
        except GraphQLRefused:
            return ids
        variants = product["variants"]["nodes"] if product else []
        return ItemIds(ids.product, variants[0]["id"]) if len(variants) == 1 else ids

    def _set_quantities(self, quantities: Sequence[_Quantity], push_id: str) -> list[PushOutcome]:
        """One all-or-nothing call; when Shopify refuses it, every SKU in it is refused (none was set), each
        named in an error with that error."""
        location_id = self._location()
        stock_input = {
            "name": "available",
            "reason": "correction",
            "quantities": [
                {
                    "inventoryItemId": quantity.inventory_item_id,
                    "locationId": location_id,
                    "quantity": quantity.quantity,
                    "changeFromQuantity": None,
                }
                for quantity in quantities
            ],
        }
        try:
            errors = self._client.graphql(
                SET_QUANTITIES, {"input": stock_input, "key": _idempotency_key(push_id, stock_input)}
            )["inventorySetQuantities"]["userErrors"]
        except GraphQLRefused as refused:
            return [PushOutcome(sku=quantity.sku, error=str(refused)) for quantity in quantities]
        if not errors:
            return []
        return _quantity_refusals(quantities, errors)

    def _location(self) -> str:
        if self._location_id is None:
            try:
                nodes = self._client.graphql(FIRST_LOCATION, {})["locations"]["nodes"]
            except GraphQLRefused as refused:
                raise RetryableError(f"Shopify refused the locations query: {refused}") from refused
            if not nodes:
                raise RetryableError("Shopify has no location to keep stock at")
            self._location_id = str(nodes[0]["id"])
        return self._location_id


def product_input(listing: Listing, channel_ids: Mapping[str, str]) -> dict[str, Any]:
    """The ProductSetInput for an item: the fields BC owns (its category as the product type), and all its
    variants (with their ids when known)."""
    body: dict[str, Any] = {}
    if ListedField.NAME in listing.owned or not channel_ids.get(listing.sku):
        body["title"] = listing.name
    if ListedField.STATUS in listing.owned:
        body["status"] = _STATUS[listing.status]
    if ListedField.CATEGORY in listing.owned:
        body["productType"] = listing.category
    if not listing.variants:
        option = {"name": DEFAULT_OPTION, "values": [{"name": DEFAULT_VALUE}]}
        variant_id = ItemIds.parse(channel_ids.get(listing.sku, "")).variant
        return body | {
            "productOptions": [option],
            "variants": [_variant(listing, DEFAULT_OPTION, DEFAULT_VALUE, variant_id)],
        }
    option = {"name": VARIANT_OPTION, "values": [{"name": variant.option} for variant in listing.variants]}
    variants = [
        _variant(variant, VARIANT_OPTION, variant.option, channel_ids.get(variant.sku, ""))
        for variant in listing.variants
    ]
    return body | {"productOptions": [option], "variants": variants}


def _variant(offer: Offer, option: str, value: str, variant_id: str) -> dict[str, Any]:
    """A ProductVariantSetInput: its option value, SKU and the offer's fields BC owns."""
    body: dict[str, Any] = {"id": variant_id} if variant_id else {}
    body |= {"optionValues": [{"optionName": option, "name": value}], "sku": offer.sku}
    if ListedField.PRICES in offer.owned:
        body |= _prices(offer)
    if ListedField.STOCK in offer.owned:
        backorder = offer.stock.status is StockStatus.ON_BACKORDER
        body |= {
            "inventoryItem": {"tracked": tracked_quantity(offer.stock) is not None, "sku": offer.sku},
            "inventoryPolicy": "CONTINUE" if backorder else "DENY",
        }
    return body


def tracked_quantity(stock: ChannelStock) -> int | None:
    """The quantity Shopify tracks for a variant, None for an untracked one (always sellable). Shopify has no stock
    status without a quantity: a channel showing only in or out of stock tracks an out-of-stock variant at 0 and
    leaves one in stock untracked."""
    if not stock.shown:
        return None
    if stock.quantity is not None:
        return int(stock.quantity)
    return 0 if stock.status is StockStatus.OUT_OF_STOCK else None


def _prices(offer: Offer) -> dict[str, Any]:
    """Shopify has no sale price: the price is what a buyer pays, the regular price is struck through."""
    if offer.sale_price is None:
        return {"price": f"{offer.regular_price:f}", "compareAtPrice": None}
    return {"price": f"{offer.sale_price:f}", "compareAtPrice": f"{offer.regular_price:f}"}


def _sent_skus(item_change: ListingChange) -> list[str]:
    product = [item_change.listing.sku] if item_change.product_changed else []
    return product + [variant.sku for variant in item_change.changed_variants]


def _refuse_all(item_change: ListingChange, error: str) -> list[PushOutcome]:
    return [PushOutcome(sku=sku, error=error) for sku in _sent_skus(item_change)]


def _stock_sent(item_change: ListingChange) -> list[Offer]:
    """The offers of the change whose shown quantity Koppel sets: when BC owns the stock, of the SKUs sent."""
    if ListedField.STOCK not in item_change.listing.owned:
        return []
    own: list[Offer] = [item_change.listing] if item_change.product_changed and not item_change.listing.variants else []
    return [offer for offer in [*own, *item_change.changed_variants] if offer.stock.shown]


def _product_outcome(listing: Listing, product_id: str, by_sku: Mapping[str, Any]) -> PushOutcome:
    """The item's own SKU accepted: the product's id, with its one variant's when the item has no variants."""
    default_variant = "" if listing.variants else str(by_sku.get(listing.sku, {}).get("id", ""))
    return PushOutcome(sku=listing.sku, channel_id=str(ItemIds(product_id, default_variant)))


def _variant_outcome(sku: str, by_sku: Mapping[str, Any]) -> PushOutcome:
    node = by_sku.get(sku)
    if node is None:
        return PushOutcome(sku=sku, error="koppel_variant_missing: Shopify's answer has no variant with this SKU")
    return PushOutcome(sku=sku, channel_id=str(node["id"]))


def _user_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(f"{error.get('code') or 'error'}: {error.get('message', '')}" for error in errors) or (
        "koppel_no_product: Shopify answered without the product"
    )


def _quantity_refusals(quantities: Sequence[_Quantity], errors: Sequence[Mapping[str, Any]]) -> list[PushOutcome]:
    """Each SKU an error's field points at (`["input", "quantities", "3", ...]`) refused with it, the others with
    all the errors, since Shopify applied none of the call."""
    named: dict[str, str] = {}
    for error in errors:
        index = _quantity_index(error.get("field") or [])
        if index is not None and index < len(quantities):
            named[quantities[index].sku] = _user_errors([error])
    everything = f"not set, the call was refused: {_user_errors(errors)}"
    return [PushOutcome(sku=quantity.sku, error=named.get(quantity.sku, everything)) for quantity in quantities]


def _quantity_index(field: Sequence[str]) -> int | None:
    if len(field) >= 3 and field[:2] == ["input", "quantities"] and str(field[2]).isdigit():
        return int(field[2])
    return None


def _idempotency_key(push_id: str, stock_input: Mapping[str, Any]) -> str:
    """The same call of the same push gets the same key. The push's own id is in it because setting the same
    quantities again later (5, then 7, then 5 again) must not be answered as a repeat and left undone."""
    content = json.dumps(stock_input, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{push_id}:{content}".encode()).hexdigest()
