"""What a catalog run needs: BC's catalog, a shop's catalog, and what each shop last accepted."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from domain.catalog.availability import ItemKey, StockFacts
from domain.catalog.listing import CatalogItem, ListingChange, PushedListing, PushOutcome
from domain.catalog.prices import PriceListLine


class CatalogSource(Protocol):
    """BC's catalog as the channels need it: price lines and stock read in full, items after a watermark."""

    def items(self, since: datetime | None = None, numbers: Collection[str] = ()) -> Iterable[CatalogItem]:
        """Streamed, each item once: every item when `since` is None, else those whose card or variants changed
        after `since` and those named in `numbers`."""
        ...

    def price_lines(self) -> Mapping[str, Sequence[PriceListLine]]:
        """The price list lines of each item, by item number."""
        ...

    def stock(self) -> Mapping[ItemKey, StockFacts]: ...


class ChannelCatalog(Protocol):
    """One shop's products, written in batches."""

    @property
    def limit(self) -> int:
        """The most products (or variants of one product) one call may carry."""
        ...

    def push(self, changes: Sequence[ListingChange]) -> list[PushOutcome]:
        """Create (no channel id yet) or update what changed of each item; one outcome per SKU sent (the product's
        and each changed variant's), a refusal says why."""
        ...


class PushedListings(Protocol):
    """What one channel last accepted, per SKU."""

    def all(self) -> Mapping[str, PushedListing]: ...

    def remember(self, pushed: Sequence[PushedListing]) -> None: ...
