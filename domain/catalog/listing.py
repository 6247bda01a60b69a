"""What a channel lists for a BC item: its name, status, prices and stock, as the channel's policy shows them, and
a fingerprint of exactly what BC owns, so that an unchanged item costs no call to the channel."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from domain.catalog.availability import Availability, ChannelStock, ItemKey, StockPolicy, presented
from domain.catalog.price_calculation import best_price
from domain.catalog.prices import PriceListLine, PriceRequest, PriceSourceType, ResolvedPrice
from domain.catalog.sku import sku_of
from domain.models import Frozen, fingerprint_of

CENT = Decimal("0.01")


class CatalogVariant(Frozen):
    """A BC item variant (size, colour ...): sold under SKU `ITEM-CODE` (domain.catalog.sku)."""

    code: str = Field(min_length=1)
    description: str = ""


class CatalogItem(Frozen):
    """A BC item as the channels need it; `unit_price` is the item card's, in LCY per base unit."""

    number: str = Field(min_length=1)
    name: str
    blocked: bool = False
    unit_price: Decimal = Field(ge=0)
    base_unit_of_measure: str = ""
    """The unit shops sell in; price list lines for other units (a box of 6) do not set the shop's price."""
    price_includes_vat: bool = False
    vat_percent: Decimal | None = Field(ge=0)
    """The VAT a consumer pays on it (BC's VAT posting setup for the item's VAT Prod. Posting Group); None when BC
    gives none: such an item is not priced for anyone (see `unpriceable`), never at 0 %. No default: whoever reads
    an item says what BC gave."""
    variants: tuple[CatalogVariant, ...] = ()
    category: str = ""
    """The name of the item's category in BC ("" = none)."""

    def unpriceable(self) -> str:
        """Why the item cannot be offered at a price ("" when it can): a run problem naming it."""
        if self.vat_percent is None:
            return f"{self.number}: not published, VAT unknown (no VAT Prod. Posting Group or no VAT posting setup)"
        return ""

    def known_vat_percent(self) -> Decimal:
        """The item's VAT %, for pricing it; ValueError for an item `unpriceable` names (the runs leave those out)."""
        if self.vat_percent is None:
            raise ValueError(self.unpriceable())
        return self.vat_percent


class ListingStatus(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    """A blocked item: kept in the shop, not for sale (never deleted, so its history and enrichment stay)."""


class ListedField(StrEnum):
    """The fields of a listing BC may own; the shop owns the rest (descriptions, images, SEO)."""

    NAME = "name"
    STATUS = "status"
    PRICES = "prices"
    STOCK = "stock"
    CATEGORY = "category"
    """The shop's category named as the item's BC category; shops often keep their own, so BC owns it only when
    configured."""


DEFAULT_OWNED = frozenset({ListedField.NAME, ListedField.STATUS, ListedField.PRICES, ListedField.STOCK})


class ListingPolicy(Frozen):
    """A channel's commercial choices."""

    stock: StockPolicy
    prices_include_vat: bool
    """Whether the channel's prices include VAT (consumer shops' usually do)."""
    campaigns: frozenset[str] = frozenset()
    """BC campaigns whose prices the channel shows as sale prices, with their dates."""
    owned: frozenset[ListedField] = DEFAULT_OWNED
    """What BC owns in this channel; what it does not own is never sent, so enrichment in the shop survives."""


class Offer(Frozen):
    """What a buyer pays and can get: a sale price only when a campaign makes it cheaper than the regular one."""

    sku: str
    regular_price: Decimal
    sale_price: Decimal | None = None
    sale_from: date | None = None
    sale_to: date | None = None
    stock: ChannelStock
    owned: frozenset[ListedField] = DEFAULT_OWNED


class VariantListing(Offer):
    """One variant of an item with variants; `option` is how the shop names it (its BC description, else code)."""

    option: str

    def fingerprint(self) -> str:
        """Changes exactly when a field BC owns on the variant changes."""
        return _fingerprint(self, {"sku", "option"} | _owned_names(self.owned, _OFFER_FIELDS))


class Listing(Offer):
    """An item as one channel shows it. An item with variants is sold through them: their prices and stock are
    the ones that count, and the item's own are not part of its fingerprint."""

    name: str
    status: ListingStatus
    category: str = ""
    variants: tuple[VariantListing, ...] = ()

    def fingerprint(self) -> str:
        """Changes exactly when a field BC owns on the product itself changes (its variants' options included)."""
        if not self.variants:
            return _fingerprint(self, {"sku"} | _owned_names(self.owned, _PRODUCT_FIELDS | _OFFER_FIELDS))
        options = [variant.option for variant in self.variants]
        return _fingerprint(self, {"sku"} | _owned_names(self.owned, _PRODUCT_FIELDS), options)


_PRODUCT_FIELDS = {ListedField.NAME: ("name",), ListedField.STATUS: ("status",), ListedField.CATEGORY: ("category",)}
_OFFER_FIELDS = {
    ListedField.PRICES: ("regular_price", "sale_price", "sale_from", "sale_to"),
    ListedField.STOCK: ("stock",),
}


def _owned_names(owned: frozenset[ListedField], fields: Mapping[ListedField, tuple[str, ...]]) -> set[str]:
    return {name for field in owned & fields.keys() for name in fields[field]}


def _fingerprint(model: Frozen, names: set[str], *extra: object) -> str:
    fields = sorted(model.model_dump(mode="json", include=names).items())
    return fingerprint_of(repr((fields, *extra) if extra else fields))


def listing(
    item: CatalogItem,
    lines: Iterable[PriceListLine],
    availability: Callable[[ItemKey], Availability],
    policy: ListingPolicy,
    today: date,
) -> Listing:
    """The regular price is BC's price for all customers today (quantity 1, base unit); the sale price is the price
    with the channel's campaigns, when that is lower. A variant is priced with the lines for it (and those for no
    variant), and has its own availability. Only for an item whose VAT is known: the runs leave out the items
    `unpriceable` names where they read them (a price request refuses an unknown VAT)."""
    item_lines = tuple(lines)
    request = PriceRequest(
        customer_number="",
        item_number=item.number,
        unit_of_measure_code=item.base_unit_of_measure,
        quantity=Decimal(1),
        order_date=today,
        item_unit_price=item.unit_price,
        item_price_includes_vat=item.price_includes_vat,
        prices_include_vat=policy.prices_include_vat,
        vat_percent=item.known_vat_percent(),
    )
    options = _options(item.variants)
    variants = tuple(
        VariantListing(
            sku=sku_of(item.number, variant.code),
            option=options[variant.code],
            **_offer(item_lines, request.for_variant(variant.code), policy),
            stock=presented(availability(ItemKey(item_number=item.number, variant_code=variant.code)), policy.stock),
        )
        for variant in item.variants
    )
    return Listing(
        sku=item.number,
        name=item.name,
        status=ListingStatus.DRAFT if item.blocked else ListingStatus.PUBLISHED,
        category=item.category,
        **_offer(item_lines, request, policy),
        stock=presented(availability(ItemKey(item_number=item.number)), policy.stock),
        variants=variants,
    )


def _options(variants: Sequence[CatalogVariant]) -> dict[str, str]:
    """How the shop names each variant, by code: its description, or its code when it has none; a description two
    variants share (shops refuse or confuse equal options) gets the code added: "Rood (R-01)"."""
    shared = Counter(variant.description for variant in variants)
    return {variant.code: _option(variant, shared[variant.description] > 1) for variant in variants}


def _option(variant: CatalogVariant, shared: bool) -> str:
    if not variant.description:
        return variant.code
    return f"{variant.description} ({variant.code})" if shared else variant.description


def _offer(lines: Sequence[PriceListLine], request: PriceRequest, policy: ListingPolicy) -> dict[str, Any]:
    """The regular and sale price fields of one item or variant, and the fields BC owns."""
    regular = best_price(lines, request)
    campaign = best_price(lines, request.with_campaigns(policy.campaigns))
    on_sale = _cents(campaign.net_unit_price) < _cents(regular.net_unit_price)
    sale_line = _campaign_line(campaign) if on_sale else None
    return {
        "regular_price": _cents(regular.net_unit_price),
        "sale_price": _cents(campaign.net_unit_price) if on_sale else None,
        "sale_from": sale_line.starting_date if sale_line else None,
        "sale_to": sale_line.ending_date if sale_line else None,
        "owned": policy.owned,
    }


class ListingChange(Frozen):
    """What a run sends a channel for one item: the product when its own fields changed (or the channel never
    accepted it), the variants that changed, and the channel's ids from earlier pushes by SKU."""

    listing: Listing
    product_changed: bool
    changed_variants: tuple[VariantListing, ...] = ()
    channel_ids: dict[str, str] = {}
    inputs: str = ""
    """The fingerprint of the BC facts the listing was made from (see domain.catalog.reading)."""

    def channel_id(self, sku: str) -> str:
        """The channel's id for a SKU of this item, "" when the channel does not have it yet."""
        return self.channel_ids.get(sku, "")


def change(current: Listing, pushed: Mapping[str, PushedListing], inputs: str = "") -> ListingChange | None:
    """What differs from what the channel last accepted for the item and its variants; None when nothing does."""
    skus = [current.sku, *(variant.sku for variant in current.variants)]
    known = {sku: last for sku in skus if (last := pushed.get(sku)) is not None}
    product_changed = _differs(current.sku, current.fingerprint(), known)
    variants = tuple(variant for variant in current.variants if _differs(variant.sku, variant.fingerprint(), known))
    if not product_changed and not variants:
        return None
    return ListingChange(
        listing=current,
        product_changed=product_changed,
        changed_variants=variants,
        channel_ids={sku: last.channel_id for sku, last in known.items()},
        inputs=inputs,
    )


def _differs(sku: str, fingerprint: str, known: Mapping[str, PushedListing]) -> bool:
    last = known.get(sku)
    return last is None or last.fingerprint != fingerprint


def change_batches(changes: Iterable[ListingChange], limit: int) -> Iterator[list[ListingChange]]:
    """Consecutive batches for a channel that writes at most `limit` products a call and the variants of one
    product a call: each batch holds at most `limit` changed products and at most `limit` items whose variants
    changed, so filling the products' calls never spreads one item's variants over two batches."""
    batch: list[ListingChange] = []
    products = items_with_variants = 0
    for item_change in changes:
        batch.append(item_change)
        products += item_change.product_changed
        items_with_variants += bool(item_change.changed_variants)
        if limit in (products, items_with_variants):
            yield batch
            batch = []
            products = items_with_variants = 0
    if batch:
        yield batch


def _campaign_line(price: ResolvedPrice) -> PriceListLine | None:
    """The campaign's line behind a sale price (its price, or its discount on the regular price): its dates."""
    lines = (price.price_line, price.discount_line)
    return next((line for line in lines if line and line.source_type is PriceSourceType.CAMPAIGN), None)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


class PushedListing(Frozen):
    """What a channel last accepted for a SKU."""

    sku: str
    fingerprint: str
    channel_id: str
    inputs: str = ""
    """On an item's own row: the fingerprint of the BC facts read in full each run (price lines, stock) when it
    was listed; empty on a variant's row."""

    def listed_from(self, inputs: str) -> PushedListing:
        """The same row, noting the BC facts the item is now listed from (RETRY: read it again next run)."""
        return PushedListing(sku=self.sku, fingerprint=self.fingerprint, channel_id=self.channel_id, inputs=inputs)


class PushOutcome(Frozen):
    """The channel's answer for one listing of a batch: its id in the channel, or why it refused it."""

    sku: str
    channel_id: str = ""
    error: str = ""
