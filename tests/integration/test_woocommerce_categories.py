"""BC's item categories as the shop's product categories, when BC owns them: looked up by name, made when missing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import DEFAULT_OWNED, ListedField, Listing, ListingChange, ListingStatus
from integrations.shops.woocommerce_catalog import WooCommerceCatalog
from localdev.simulators.woocommerce import WooCommerceSimulator


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator() as running:
        yield running


def _new(
    sku: str, category: str, owned: frozenset[ListedField] = DEFAULT_OWNED | {ListedField.CATEGORY}
) -> ListingChange:
    listing = Listing(
        sku=sku,
        name=f"Artikel {sku}",
        status=ListingStatus.PUBLISHED,
        category=category,
        regular_price=Decimal("9.95"),
        stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(3)),
        owned=owned,
    )
    return ListingChange(listing=listing, product_changed=True)


def _categories_of(woo: WooCommerceSimulator, sku: str) -> list[str]:
    with httpx.Client(base_url=woo.api_base, auth=(woo.consumer_key, woo.consumer_secret), timeout=30) as api:
        [found] = api.get("/products", params={"sku": sku}).json()
    return [term["name"] for term in found["categories"]]


def _routes(woo: WooCommerceSimulator) -> dict[str, Any]:
    by_route: dict[str, Any] = httpx.get(f"{woo.url}/_sim/stats", timeout=30).json()["by_route"]
    return by_route


def test_a_category_the_shop_has_is_used_and_a_missing_one_made_once(woo: WooCommerceSimulator):
    httpx.post(f"{woo.url}/_sim/categories", json={"name": "Koffie"}, timeout=30).raise_for_status()
    catalog = WooCommerceCatalog(httpx.Client(timeout=30), woo.url, woo.consumer_key, woo.consumer_secret)

    first = catalog.push([_new("KOF-1", "koffie"), _new("THE-1", "Thee")])
    second = catalog.push([_new("THE-2", "Thee")])

    assert [outcome.error for outcome in first + second] == ["", "", ""]
    assert [_categories_of(woo, sku) for sku in ("KOF-1", "THE-1", "THE-2")] == [["Koffie"], ["Thee"], ["Thee"]]
    routes = _routes(woo)
    assert (routes["GET /products/categories"], routes["POST /products/categories/batch"]) == (1, 1)


def test_a_shop_that_keeps_its_own_categories_is_not_asked_for_them(woo: WooCommerceSimulator):
    catalog = WooCommerceCatalog(httpx.Client(timeout=30), woo.url, woo.consumer_key, woo.consumer_secret)

    [outcome] = catalog.push([_new("KOF-1", "Koffie", owned=DEFAULT_OWNED)])

    assert outcome.error == ""
    assert _categories_of(woo, "KOF-1") == ["Uncategorized"]
    assert "GET /products/categories" not in _routes(woo)
