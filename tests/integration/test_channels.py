"""Shopify and WooCommerce simulators sending their own signed webhooks into the stack."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from localdev.stack import SHOPIFY_SHOP, LocalStack
from tests.integration.support import a_catalog_order, wait_for
from tests.support.woocommerce import ShopCustomer, ShopLine

EXACT_BEYOND_FLOAT = 2**53


def _shopify_lines(stack: LocalStack) -> list[ShopLine]:
    return list(a_catalog_order(stack).lines)


def _dossier(stack: LocalStack, order_id: int) -> dict[str, Any] | None:
    response = httpx.get(f"{stack.host_url}/api/orders/shopify/{SHOPIFY_SHOP}/{order_id}")
    if response.status_code != 200:
        return None
    body: dict[str, Any] = response.json()
    return body if body["status"] in ("in_bc", "needs_attention", "failed") else None


def _settled(stack: LocalStack, order_id: int) -> dict[str, Any]:
    return wait_for(lambda: _dossier(stack, order_id))


def test_a_shopify_order_reaches_bc_once_under_its_name_with_its_exact_id(stack: LocalStack):
    assert stack.shopify is not None
    placed = stack.shopify.place_order(_shopify_lines(stack), ShopCustomer("Noor", "Visser", "noor.visser@example.nl"))
    order_id = placed["id"]
    assert order_id > EXACT_BEYOND_FLOAT

    found = wait_for(lambda: _dossier(stack, order_id))

    assert found["status"] == "in_bc"
    assert found["key"] == f"shopify:{SHOPIFY_SHOP}:{order_id}"
    assert found["totals_agree"] is True
    in_bc = stack.bc_probe().sales_orders(placed["name"])
    assert [document["number"] for document in in_bc] == [found["bc_document"]["number"]]
    assert Decimal(str(in_bc[0]["totalAmountIncludingTax"])) == Decimal(placed["total_price"])


def test_shopify_duplicates_some_concurrent_give_one_bc_order(stack: LocalStack):
    assert stack.shopify is not None
    httpx.post(f"{stack.shopify.url}/_sim/faults", json={"duplicate_rate": 1.0}).raise_for_status()
    try:
        placed = [
            stack.shopify.place_order(
                _shopify_lines(stack), ShopCustomer("Dubbel", f"Koper{n}", f"dubbel{n}@example.nl")
            )
            for n in range(3)
        ]
        stack.shopify.wait_for_deliveries(timeout=30)
    finally:
        httpx.delete(f"{stack.shopify.url}/_sim/faults").raise_for_status()

    for order in placed:
        assert _settled(stack, order["id"])["status"] == "in_bc"
        assert len(stack.bc_probe().sales_orders(order["name"])) == 1
    delivered_twice = [d for d in stack.shopify.deliveries if d.order_id in {o["id"] for o in placed}]
    assert len(delivered_twice) >= 2 * len(placed)


def test_shopify_deliveries_out_of_order_give_one_bc_order_and_no_failure(stack: LocalStack):
    assert stack.shopify is not None
    httpx.post(f"{stack.shopify.url}/_sim/faults", json={"reorder": True, "reorder_window_s": 1.0}).raise_for_status()
    try:
        placed = stack.shopify.place_order(_shopify_lines(stack), ShopCustomer("Laat", "Bericht", "laat@example.nl"))
        stack.shopify.update_order(placed["id"], tags="vip")
        stack.shopify.wait_for_deliveries(timeout=30)
    finally:
        httpx.delete(f"{stack.shopify.url}/_sim/faults").raise_for_status()

    found = wait_for(lambda: _dossier(stack, placed["id"]))
    wait_for(lambda: all(e["status"] != "received" for e in (_dossier(stack, placed["id"]) or found)["events"]))
    events = (_dossier(stack, placed["id"]) or found)["events"]
    assert found["status"] == "in_bc"
    assert len(stack.bc_probe().sales_orders(placed["name"])) == 1
    assert len(events) == 2
    assert {e["status"] for e in events} <= {"processed", "ignored"}
