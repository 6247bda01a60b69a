"""BC's catalog pushed to the WooCommerce simulator through the real endpoint, adapters and storage."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest

from localdev.stack import SHOPIFY_SHOP, LocalStack

RUN = "catalog-woocommerce-shop-a"
LAAG_VAT = Decimal("1.09")
"""Coffee and tea carry the low Dutch VAT rate, 9%."""
CENT = Decimal("0.01")


def _run(stack: LocalStack) -> dict[str, Any]:
    response = httpx.post(f"{stack.host_url}/api/ops/sync/{RUN}/run", timeout=120)
    assert response.status_code == 200, response.text
    summary: dict[str, Any] = response.json()
    return summary


def _woo(stack: LocalStack) -> httpx.Client:
    assert stack.woocommerce is not None
    return httpx.Client(
        base_url=f"{stack.woocommerce.url}/wp-json/wc/v3",
        auth=(stack.woocommerce.consumer_key, stack.woocommerce.consumer_secret),
        timeout=30,
    )


def _product(stack: LocalStack, sku: str) -> dict[str, Any]:
    with _woo(stack) as woo:
        [found] = woo.get("/products", params={"sku": sku}).json()
    return dict(found)


def _batch_calls(stack: LocalStack) -> int:
    assert stack.woocommerce is not None
    stats = httpx.get(f"{stack.woocommerce.url}/_sim/stats", timeout=30).json()
    return int(stats["by_route"].get("POST /products/batch", 0))


@pytest.fixture(scope="module")
def first_run(stack: LocalStack) -> dict[str, Any]:
    """A product the shop had before Koppel, with its own description, then the first run."""
    with _woo(stack) as woo:
        made = woo.post(
            "/products", json={"name": "Oude naam", "sku": "KOF-1002", "description": "Onze lekkerste bonen."}
        )
        assert made.status_code == 201, made.text
    return _run(stack)


def test_the_first_run_lists_every_bc_item_in_as_few_batches_as_the_limit_allows(
    stack: LocalStack, first_run: dict[str, Any]
):
    items = stack.bc_probe().all("items")

    assert (first_run["read"], first_run["pushed"], first_run["failed"]) == (len(items), len(items), 0)
    assert first_run["completed"] is True
    assert _batch_calls(stack) == -(-len(items) // 100) + 1, "one more for the product adopted by its SKU"
    blocked = next(item for item in items if item["blocked"])
    assert _product(stack, blocked["number"])["status"] == "draft"


def test_a_listed_price_is_bcs_price_for_all_customers_including_vat(stack: LocalStack, first_run: dict[str, Any]):
    [koffie] = stack.bc_probe().all("items", **{"$filter": "number eq 'KOF-1001'"})
    listed = _product(stack, "KOF-1001")
    assert Decimal(listed["regular_price"]) == (Decimal(str(koffie["unitPrice"])) * LAAG_VAT).quantize(
        CENT, ROUND_HALF_UP
    )
    assert listed["manage_stock"] is True
    assert listed["stock_quantity"] == int(koffie["inventory"])


def test_a_product_the_shop_had_is_adopted_and_keeps_its_description(stack: LocalStack, first_run: dict[str, Any]):
    with _woo(stack) as woo:
        same_sku = woo.get("/products", params={"sku": "KOF-1002", "per_page": 100}).json()
    assert len(same_sku) == 1
    assert same_sku[0]["name"] != "Oude naam"
    assert "Onze lekkerste bonen." in same_sku[0]["description"]


def test_an_unchanged_catalog_costs_no_call_and_one_price_change_one_update(
    stack: LocalStack, first_run: dict[str, Any]
):
    before = _batch_calls(stack)
    quiet = _run(stack)
    assert (quiet["changed"], quiet["pushed"], _batch_calls(stack)) == (0, 0, before)

    assert stack.bc is not None
    httpx.patch(f"{stack.bc.url}/_sim/items/THE-1003", json={"unitPrice": 4.5}, timeout=30).raise_for_status()
    changed = _run(stack)

    assert (changed["changed"], changed["pushed"], _batch_calls(stack)) == (1, 1, before + 1)
    assert _product(stack, "THE-1003")["regular_price"] == str(
        (Decimal("4.5") * LAAG_VAT).quantize(CENT, ROUND_HALF_UP)
    )
    runs = httpx.get(f"{stack.host_url}/api/ops/sync/{RUN}", timeout=30).json()["runs"]
    assert [run["changed"] for run in runs[:2]] == [1, 0]


def _variation_batch_calls(stack: LocalStack) -> int:
    assert stack.woocommerce is not None
    by_route = httpx.get(f"{stack.woocommerce.url}/_sim/stats", timeout=30).json()["by_route"]
    return sum(count for route, count in by_route.items() if route.startswith("POST") and "variations/batch" in route)


def _variations(stack: LocalStack, product_id: int) -> dict[str, dict[str, Any]]:
    with _woo(stack) as woo:
        found = woo.get(f"/products/{product_id}/variations", params={"per_page": 100}).json()
    return {variation["sku"]: variation for variation in found}


def test_an_item_with_variants_is_a_variable_product_with_a_variation_per_variant_priced_by_its_own_lines(
    stack: LocalStack, first_run: dict[str, Any]
):
    """TEX-1001 (21% VAT) has sizes S-XL; the all-customers list prices XL 2.00 above the others."""
    probe = stack.bc_probe()
    [shirt] = probe.all("items", **{"$filter": "number eq 'TEX-1001'"})
    variants = probe.all("itemVariants", **{"$filter": "itemNumber eq 'TEX-1001'"})
    codes = [variant["code"] for variant in variants]
    with_variants = {variant["itemNumber"] for variant in probe.all("itemVariants")}

    listed = _product(stack, "TEX-1001")
    variations = _variations(stack, listed["id"])

    assert listed["type"] == "variable"
    assert listed["attributes"][0]["options"] == [variant["description"] for variant in variants]
    assert set(variations) == {f"TEX-1001-{code}" for code in codes}
    price = Decimal(str(shirt["unitPrice"]))
    assert Decimal(variations["TEX-1001-M"]["regular_price"]) == (price * Decimal("1.21")).quantize(CENT, ROUND_HALF_UP)
    assert Decimal(variations["TEX-1001-XL"]["regular_price"]) == ((price + 2) * Decimal("1.21")).quantize(
        CENT, ROUND_HALF_UP
    )
    assert _variation_batch_calls(stack) >= len(with_variants), "one variations call per product with variants"


def test_stock_posted_for_one_variant_updates_that_variation_alone(stack: LocalStack, first_run: dict[str, Any]):
    assert stack.bc is not None
    _run(stack)
    shirt_id = _product(stack, "TEX-1001")["id"]
    before = _variations(stack, shirt_id)["TEX-1001-L"]["stock_quantity"]
    products, variations = _batch_calls(stack), _variation_batch_calls(stack)
    stock = {"location": "HOOFD", "quantity": 7, "variant": "L"}
    httpx.post(f"{stack.bc.url}/_sim/items/TEX-1001/stock", json=stock, timeout=30).raise_for_status()

    changed = _run(stack)

    assert (changed["changed"], changed["pushed"], changed["failed"]) == (1, 1, 0)
    assert (_batch_calls(stack), _variation_batch_calls(stack)) == (products, variations + 1)
    assert _variations(stack, shirt_id)["TEX-1001-L"]["stock_quantity"] == before + 7


def test_an_unknown_run_is_404(stack: LocalStack):
    assert httpx.get(f"{stack.host_url}/api/ops/sync/catalog-nowhere", timeout=30).status_code == 404
    assert httpx.post(f"{stack.host_url}/api/ops/sync/catalog-nowhere/run", timeout=30).status_code == 404


def test_the_shopify_shop_gets_the_same_catalog_through_its_own_run(stack: LocalStack):
    """The stack's Shopify shop has an Admin API token, so it has a catalog run of its own: every BC item becomes a
    product, draft when blocked."""
    assert stack.shopify is not None
    items = stack.bc_probe().all("items")
    response = httpx.post(f"{stack.host_url}/api/ops/sync/catalog-shopify-{SHOPIFY_SHOP}/run", timeout=180)

    assert response.status_code == 200, response.text
    summary = response.json()
    assert (summary["read"], summary["pushed"], summary["failed"], summary["completed"]) == (
        len(items),
        len(items),
        0,
        True,
    )
    products = httpx.get(f"{stack.shopify.url}/_sim/products", timeout=30).json()["products"]
    assert len(products) == len(items)
    blocked = {item["displayName"] for item in items if item["blocked"]}
    assert {product["title"] for product in products if product["status"] == "DRAFT"} == blocked
