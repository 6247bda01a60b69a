"""The WooCommerce catalog adapter against the simulator, without the rest of the stack: products and variations
the shop made before Koppel (same SKU) are adopted, not duplicated; BC's item categories become the shop's product
categories where BC owns them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import DEFAULT_OWNED, ListedField, Listing, ListingChange, ListingStatus, VariantListing
from integrations.shops.woocommerce.catalog import WooCommerceCatalog
from integrations.shops.woocommerce.client import WooCommerceClient
from localdev.simulators.woocommerce import WooCommerceSimulator

STOCK = ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(4))


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator() as running:
        yield running


def _api(woo: WooCommerceSimulator) -> httpx.Client:
    return httpx.Client(base_url=woo.api_base, auth=(woo.consumer_key, woo.consumer_secret), timeout=30)


def _shirt() -> Listing:
    sizes = (("M", "Medium"), ("XL", "Extra Large"))
    variants = tuple(
        VariantListing(sku=f"TEX-1001-{code}", option=name, regular_price=Decimal("24.20"), stock=STOCK)
        for code, name in sizes
    )
    return Listing(
        sku="TEX-1001",
        name="T-shirt",
        status=ListingStatus.PUBLISHED,
        regular_price=Decimal("24.20"),
        stock=STOCK,
        variants=variants,
    )


def _hand_made(woo: WooCommerceSimulator) -> tuple[int, int]:
    """A variable product TEX-1001 with one variation, TEX-1001-XL, as the shop keeper made them."""
    with _api(woo) as api:
        attribute = {"name": "Variant", "variation": True, "visible": True, "options": ["Extra Large"]}
        made: dict[str, Any] = api.post(
            "/products", json={"name": "Shirt", "sku": "TEX-1001", "type": "variable", "attributes": [attribute]}
        ).json()
        variation: dict[str, Any] = api.post(
            f"/products/{made['id']}/variations",
            json={"sku": "TEX-1001-XL", "attributes": [{"name": "Variant", "option": "Extra Large"}]},
        ).json()
    return int(made["id"]), int(variation["id"])


def test_a_variation_the_shop_has_is_refused_naming_it_then_updated_there(woo: WooCommerceSimulator):
    product_id, variation_id = _hand_made(woo)
    catalog = WooCommerceCatalog(
        WooCommerceClient(httpx.Client(timeout=30), woo.url, woo.consumer_key, woo.consumer_secret)
    )
    shirt = _shirt()

    first = {
        o.sku: o
        for o in catalog.push([ListingChange(listing=shirt, product_changed=True, changed_variants=shirt.variants)])
    }
    ids = {sku: outcome.channel_id for sku, outcome in first.items()}
    retry = ListingChange(listing=shirt, product_changed=False, changed_variants=shirt.variants[1:], channel_ids=ids)
    [second] = catalog.push([retry])

    assert (first["TEX-1001"].channel_id, first["TEX-1001"].error) == (str(product_id), "")
    assert first["TEX-1001-M"].error == ""
    assert (first["TEX-1001-XL"].channel_id, first["TEX-1001-XL"].error[:19]) == (
        str(variation_id),
        "product_invalid_sku",
    )
    assert (second.channel_id, second.error) == (str(variation_id), "")
    with _api(woo) as api:
        variations = api.get(f"/products/{product_id}/variations").json()
    assert sorted((v["sku"], v["regular_price"]) for v in variations) == [
        ("TEX-1001-M", "24.20"),
        ("TEX-1001-XL", "24.20"),
    ]


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
    catalog = WooCommerceCatalog(
        WooCommerceClient(httpx.Client(timeout=30), woo.url, woo.consumer_key, woo.consumer_secret)
    )

    first = catalog.push([_new("KOF-1", "koffie"), _new("THE-1", "Thee")])
    second = catalog.push([_new("THE-2", "Thee")])

    assert [outcome.error for outcome in first + second] == ["", "", ""]
    assert [_categories_of(woo, sku) for sku in ("KOF-1", "THE-1", "THE-2")] == [["Koffie"], ["Thee"], ["Thee"]]
    routes = _routes(woo)
    assert (routes["GET /products/categories"], routes["POST /products/categories/batch"]) == (1, 1)


def test_a_shop_that_keeps_its_own_categories_is_not_asked_for_them(woo: WooCommerceSimulator):
    catalog = WooCommerceCatalog(
        WooCommerceClient(httpx.Client(timeout=30), woo.url, woo.consumer_key, woo.consumer_secret)
    )

    [outcome] = catalog.push([_new("KOF-1", "Koffie", owned=DEFAULT_OWNED)])

    assert outcome.error == ""
    assert _categories_of(woo, "KOF-1") == ["Uncategorized"]
    assert "GET /products/categories" not in _routes(woo)
