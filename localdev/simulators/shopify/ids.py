"""Shopify-style int64 ids, all above 2**53: a client that parses them as floats gets them wrong."""

from __future__ import annotations

from itertools import count

FLOAT_EXACT_LIMIT = 2**53


def odd_ids(start: int) -> count[int]:
    """Odd numbers from `start` on; no odd number above 2**53 survives a round trip through a float64."""
    if start <= FLOAT_EXACT_LIMIT or start % 2 == 0 or start >= 2**63:
        raise ValueError("ids must be odd int64 values above 2**53")
    return count(start, 2)


class ShopifyIds:
    """Fresh ids for orders and lines; one product and variant id per SKU, one customer id per e-mail."""

    def __init__(self) -> None:
        self._orders = odd_ids(5_790_000_000_000_000_001)
        self._line_items = odd_ids(6_120_000_000_000_000_001)
        self._shipping_lines = odd_ids(4_410_000_000_000_000_001)
        self._products = odd_ids(8_050_000_000_000_000_001)
        self._variants = odd_ids(7_330_000_000_000_000_001)
        self._customers = odd_ids(3_860_000_000_000_000_001)
        self._by_sku: dict[str, tuple[int, int]] = {}
        self._by_email: dict[str, int] = {}

    def order(self) -> int:
        return next(self._orders)

    def line_item(self) -> int:
        return next(self._line_items)

    def shipping_line(self) -> int:
        return next(self._shipping_lines)

    def product_and_variant(self, sku: str) -> tuple[int, int]:
        if sku not in self._by_sku:
            self._by_sku[sku] = (next(self._products), next(self._variants))
        return self._by_sku[sku]

    def customer(self, email: str) -> int:
        key = email.lower()
        if key not in self._by_email:
            self._by_email[key] = next(self._customers)
        return self._by_email[key]
