"""Playing the shop against a running stack, and waiting for what Koppel does with it."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from localdev.stack import LocalStack
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

T = TypeVar("T")
_order_ids = itertools.count(50_000)


def next_order_id() -> int:
    return next(_order_ids)


def a_catalog_order(stack: LocalStack, order_id: int | None = None, sku: str | None = None) -> ShopOrder:
    """An order for two real BC items, bought by a new guest."""
    items = [item for item in stack.bc_probe().all("items", **{"$top": "40"}) if not item["blocked"]]
    first, second = items[0], items[1]
    lines = (
        ShopLine(sku or first["number"], first["displayName"], 2, Decimal(str(first["unitPrice"]))),
        ShopLine(second["number"], second["displayName"], 1, Decimal(str(second["unitPrice"]))),
    )
    oid = order_id or next_order_id()
    return ShopOrder(oid, ShopCustomer("Sam", "Jansen", f"sam.{oid}@example.nl"), lines, created=datetime.now(UTC))


def woo_call(stack: LocalStack, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The WooCommerce simulator's REST API as the shop owner's screens call it (`path` under /wp-json/wc/v3)."""
    woo = stack.woocommerce
    assert woo is not None
    answer = httpx.request(
        method, f"{woo.api_base}{path}", json=body, auth=(woo.consumer_key, woo.consumer_secret), timeout=30
    )
    answer.raise_for_status()
    return answer.json()


def deliver(
    stack: LocalStack, payload: dict[str, Any], shop: str = "shop-a", topic: str = "order.created"
) -> httpx.Response:
    body, headers = signed_delivery(payload, stack.shop_secrets[shop], topic)
    return httpx.post(f"{stack.host_url}/api/webhooks/woocommerce/{shop}", content=body, headers=headers, timeout=30)


def deliver_order(stack: LocalStack, order: ShopOrder) -> httpx.Response:
    return deliver(stack, order_payload(order))


def dossier(stack: LocalStack, order_id: int, shop: str = "shop-a") -> httpx.Response:
    return httpx.get(f"{stack.host_url}/api/orders/woocommerce/{shop}/{order_id}", timeout=30)


def wait_for(check: Callable[[], T | None], timeout: float = 30.0, every: float = 0.2) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"not reached within {timeout} s")


def settled_dossier(stack: LocalStack, order_id: int, timeout: float = 30.0) -> dict[str, Any]:
    """The dossier once the order is in BC, parked or failed, and its events say so (the worker writes the order's
    outcome just before its event's)."""

    def settled() -> dict[str, Any] | None:
        response = dossier(stack, order_id)
        if response.status_code != 200:
            return None
        body: dict[str, Any] = response.json()
        outcome = body["status"] in ("in_bc", "needs_attention", "failed", "not_imported", "cancelled")
        return body if outcome and all(event["status"] != "received" for event in body["events"]) else None

    return wait_for(settled, timeout)


def sim_faults(stack: LocalStack, **faults: Any) -> None:
    assert stack.bc is not None
    httpx.post(f"{stack.bc.url}/_sim/faults", json=faults).raise_for_status()


def clear_sim_faults(stack: LocalStack) -> None:
    assert stack.bc is not None
    httpx.delete(f"{stack.bc.url}/_sim/faults").raise_for_status()


def sim_stats(stack: LocalStack) -> dict[str, Any]:
    assert stack.bc is not None
    stats: dict[str, Any] = httpx.get(f"{stack.bc.url}/_sim/stats").json()
    return stats
