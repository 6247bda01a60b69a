"""The SKU a BC item or item variant is sold under: the item number for the item itself, `ITEM-CODE` for its
variant CODE. The catalog composes it, the portal's order lines too, and order intake reads it back.

Both parts may hold "-" (BC item numbers are Code[20], variant codes Code[10], and both take any character), so a
SKU with several "-" can be read several ways: `A-B-C` is item `A-B`'s variant `C` or item `A`'s variant `B-C`.
`VariantSku.readings` gives each reading BC's field lengths allow, the last "-" first; which one is meant only BC
can say (the first whose item has that variant wins, see the BusinessCentral adapter). A variant code is at most
10 characters, so a SKU has at most ten readings (one per "-" among its last eleven characters).
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "-"
ITEM_NUMBER_LENGTH = 20
"""BC's Item."No." is Code[20]."""
VARIANT_CODE_LENGTH = 10
"""BC's Item Variant.Code is Code[10]."""


@dataclass(frozen=True, order=True)
class VariantSku:
    """Item `item_number`'s variant `variant_code`, sold under `ITEM-CODE`; ordered by item, then code."""

    item_number: str
    variant_code: str

    def __str__(self) -> str:
        return f"{self.item_number}{SEPARATOR}{self.variant_code}"

    @classmethod
    def readings(cls, sku: str) -> tuple[VariantSku, ...]:
        """Every way `sku` can name a variant within BC's field lengths, splitting at the last "-" first (the one
        way it was read before variant codes with "-" were known); none when it has no "-"."""
        last_possible = max(1, len(sku) - 1 - VARIANT_CODE_LENGTH)
        splits = (position for position in range(len(sku) - 2, last_possible - 1, -1) if sku[position] == SEPARATOR)
        candidates = (cls(sku[:position], sku[position + 1 :]) for position in splits)
        return tuple(reading for reading in candidates if reading.fits())

    def fits(self) -> bool:
        """Both parts present and no longer than BC keeps them."""
        return 0 < len(self.item_number) <= ITEM_NUMBER_LENGTH and 0 < len(self.variant_code) <= VARIANT_CODE_LENGTH


def sku_of(item_number: str, variant_code: str = "") -> str:
    """The SKU of the item itself (no variant code) or of its variant."""
    return str(VariantSku(item_number, variant_code)) if variant_code else item_number
