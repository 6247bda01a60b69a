"""Operations through the real endpoints: the attention list and replaying a parked order once fixed."""

from __future__ import annotations

from typing import Any

import httpx

from localdev.stack import LocalStack
from tests.integration.support import a_catalog_order, deliver_order, settled_dossier, wait_for
from tests.support.woocommerce import ShopCustomer, ShopOrder


def _attention(stack: LocalStack) -> dict[str, dict[str, Any]]:
    body = httpx.get(f"{stack.host_url}/api/ops/attention").json()
    assert body["count"] == len(body["orders"])
    return {entry["key"]: entry for entry in body["orders"]}


def _replay(stack: LocalStack, order_id: int | str) -> httpx.Response:
    return httpx.post(f"{stack.host_url}/api/ops/orders/woocommerce/shop-a/{order_id}/replay")


def test_a_blocked_customer_is_listed_then_replayed_into_bc_once_unblocked(stack: LocalStack):
    probe = stack.bc_probe()
    blocked = next(c for c in probe.all("customers") if c["blocked"] == "All")
    basket = a_catalog_order(stack)
    buyer = ShopCustomer("Geblokkeerd", "Klant", blocked["email"], customer_id=4242)
    order = ShopOrder(basket.order_id, buyer, basket.lines)
    deliver_order(stack, order)
    assert settled_dossier(stack, order.order_id)["status"] == "needs_attention"
    key = f"woocommerce:shop-a:{order.order_id}"
    listed = _attention(stack)[key]
    assert listed["status"] == "needs_attention"
    assert f"Customer {blocked['number']} is blocked (All)" in listed["problem"]
    assert listed["age_seconds"] >= 0

    probe.patch(f"customers({blocked['id']})", {"blocked": " "})
    replayed = _replay(stack, order.order_id)

    assert replayed.status_code == 202
    wait_for(lambda: settled_dossier(stack, order.order_id)["status"] == "in_bc")
    assert key not in _attention(stack)
    assert len(probe.sales_orders(str(order.order_id))) == 1
    again = _replay(stack, order.order_id)
    assert again.status_code == 409
    assert "in BC already" in again.json()["error"]["message"]


def test_replaying_an_unknown_or_impossible_order_is_a_clear_error(stack: LocalStack):
    assert _replay(stack, 99999999).status_code == 404
    impossible = httpx.post(f"{stack.host_url}/api/ops/orders/woocommerce/shop-a/%23x/replay")
    assert impossible.status_code == 400
    assert impossible.json()["error"]["code"] == "malformed"


def test_the_preflight_passes_against_the_local_stack(stack: LocalStack):
    body = httpx.get(f"{stack.host_url}/api/ops/preflight", timeout=60).json()

    assert [check for check in body["checks"] if not check["passed"]] == []
    names = {check["name"] for check in body["checks"]}
    assert {"BC company", "WooCommerce shop shop-a: REST API key", "Stripe account main: API key"} <= names
