"""What a channel lists for a BC item: its name, status, prices and stock, as the channel's policy shows them, and
a fingerprint of exactly what BC owns, so that an unchanged item costs no call to the channel."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

from pydantic import Field

from domain.catalog.availability import Availability, ChannelStock, StockPolicy, presented
from domain.catalog.prices import PriceListLine, PriceRequest, PriceSourceType, ResolvedPrice, best_price
from domain.models import Frozen

CENT = Decimal("0.01")
T = TypeVar("T")


class CatalogItem(Frozen):
    """A BC item as the channels need it; `unit_price` is the item card's, in LCY per base unit."""

    number: str = Field(min_length=1)
    name: str
    blocked: bool = False
    unit_price: Decimal = Field(ge=0)
    base_unit_of_measure: str = ""
    """The unit shops sell in; price list lines for other units (a box of 6) do not set the shop's price."""
    price_includes_vat: bool = False
    vat_percent: Decimal = Field(default=Decimal(0), ge=0)
    """The VAT a consumer pays on it (from the item's VAT product posting group)."""


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


class ListingPolicy(Frozen):
    """A channel's commercial choices."""

    stock: StockPolicy
    prices_include_vat: bool = True
    """Consumer shops show prices including VAT."""
    campaigns: frozenset[str] = frozenset()
    """BC campaigns whose prices the channel shows as sale prices, with their dates."""
    owned: frozenset[ListedField] = frozenset(ListedField)
    """What BC owns in this channel; what it does not own is never sent, so enrichment in the shop survives."""


class Listing(Frozen):
    """An item as one channel shows it: a sale price only when a campaign makes it cheaper than the regular one."""

    sku: str
    name: str
    status: ListingStatus
    regular_price: Decimal
    sale_price: Decimal | None = None
    sale_from: date | None = None
    sale_to: date | None = None
    stock: ChannelStock
    owned: frozenset[ListedField] = frozenset(ListedField)

    def fingerprint(self) -> str:
        """Changes exactly when a field BC owns changes."""
        names = {"sku"} | {name for field in self.owned for name in _FIELD_NAMES[field]}
        canonical = repr(sorted(self.model_dump(mode="json", include=names).items())).encode()
        return hashlib.sha256(canonical).hexdigest()[:32]


_FIELD_NAMES = {
    ListedField.NAME: ("name",),
    ListedField.STATUS: ("status",),
    ListedField.PRICES: ("regular_price", "sale_price", "sale_from", "sale_to"),
    ListedField.STOCK: ("stock",),
}


def listing(
    item: CatalogItem,
    lines: Iterable[PriceListLine],
    availability: Availability,
    policy: ListingPolicy,
    today: date,
) -> Listing:
    """The regular price is BC's price for all customers today (quantity 1, base unit); the sale price is the price
    with the channel's campaigns, when that is lower."""
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
        vat_percent=item.vat_percent,
    )
    regular = best_price(item_lines, request)
    campaign = best_price(item_lines, request.model_copy(update={"active_campaigns": policy.campaigns}))
    on_sale = _cents(campaign.net_unit_price) < _cents(regular.net_unit_price)
    sale_line = _campaign_line(campaign) if on_sale else None
    return Listing(
        sku=item.number,
        name=item.name,
        status=ListingStatus.DRAFT if item.blocked else ListingStatus.PUBLISHED,
        regular_price=_cents(regular.net_unit_price),
        sale_price=_cents(campaign.net_unit_price) if on_sale else None,
        sale_from=sale_line.starting_date if sale_line else None,
        sale_to=sale_line.ending_date if sale_line else None,
        stock=presented(availability, policy.stock),
        owned=policy.owned,
    )


def changed(listings: Iterable[Listing], pushed: Mapping[str, str]) -> Iterator[Listing]:
    """The listings whose fingerprint differs from the one last pushed for their SKU (or that were never pushed)."""
    return (found for found in listings if pushed.get(found.sku) != found.fingerprint())


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items; the last may be shorter."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
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


class PushOutcome(Frozen):
    """The channel's answer for one listing of a batch: its id in the channel, or why it refused it."""

    sku: str
    channel_id: str = ""
    error: str = ""
