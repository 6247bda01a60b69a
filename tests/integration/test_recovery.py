"""Missed-webhook recovery: with intake switched off, the recovery timer still brings every order into BC."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from domain.orders.recover_orders import JOB
from integrations.storage.account import StorageAccount
from integrations.storage.sync_state import TableSyncState
from localdev.azurite import ROOT
from localdev.stack import SHOPIFY_SHOP, WOOCOMMERCE_SHOP, LocalStack
from tests.integration.conftest import FAST_QUEUES
from tests.integration.support import a_catalog_order, settled_dossier, wait_for
from tests.support.woocommerce import ShopCustomer


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """A stack whose recovery timer runs every two seconds."""
    host_json = json.loads((ROOT / "host.json").read_text())
    host_json["extensions"]["queues"] = FAST_QUEUES
    with LocalStack(host_json=host_json, extra_settings={"KOPPEL_RECOVERY_SCHEDULE": "*/2 * * * * *"}) as running:
        yield running


def test_orders_placed_while_webhooks_fail_reach_bc_through_recovery(stack: LocalStack):
    woo = stack.woocommerce
    assert woo is not None
    httpx.post(f"{woo.url}/_sim/webhook", json={"enabled": False}).raise_for_status()
    missed = [woo.place_order(a_catalog_order(stack)) for _ in range(3)]
    httpx.post(f"{woo.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
    delivered = woo.place_order(a_catalog_order(stack))

    for order in [*missed, delivered]:
        assert settled_dossier(stack, order["id"], timeout=60)["status"] == "in_bc"
        assert len(stack.bc_probe().sales_orders(order["number"])) == 1
    recovered_topics = {event["topic"] for order in missed for event in settled_dossier(stack, order["id"])["events"]}
    assert recovered_topics == {"order.recovered"}
    assert not any(d.order_id in {o["id"] for o in missed} for d in woo.deliveries)


def test_an_order_whose_webhook_arrived_is_not_taken_in_twice(stack: LocalStack):
    woo = stack.woocommerce
    assert woo is not None
    order = woo.place_order(a_catalog_order(stack))
    first = settled_dossier(stack, order["id"], timeout=60)

    _a_recovery_run_started_after(stack, datetime.now(UTC))
    again = settled_dossier(stack, order["id"])
    assert [e["topic"] for e in again["events"]] == [e["topic"] for e in first["events"]] == ["order.created"]


def test_a_shopify_order_whose_webhooks_all_failed_is_recovered(stack: LocalStack):
    shopify = stack.shopify
    assert shopify is not None
    httpx.post(f"{shopify.url}/_sim/webhook", json={"url": "http://127.0.0.1:9/unreachable"}).raise_for_status()
    try:
        placed = shopify.place_order(
            list(a_catalog_order(stack).lines), ShopCustomer("Kwijt", "Bericht", "kwijt@example.nl")
        )
        shopify.wait_for_deliveries(timeout=30)
    finally:
        httpx.post(
            f"{shopify.url}/_sim/webhook", json={"url": f"{stack.host_url}/api/webhooks/shopify/{SHOPIFY_SHOP}"}
        ).raise_for_status()

    found = _shopify_dossier(stack, placed["id"])
    assert found["status"] == "in_bc"
    assert "order.recovered" in [event["topic"] for event in found["events"]]
    assert len(stack.bc_probe().sales_orders(placed["name"])) == 1


def _a_recovery_run_started_after(stack: LocalStack, moment: datetime) -> None:
    """Waits (at most 30 s) until a recovery run that began after `moment` has read the WooCommerce shop: its
    watermark is the start of the last run done, written after what the run took in."""
    state = TableSyncState(StorageAccount(stack.azurite.connection_string))

    def passed() -> bool:
        watermark = state.get(JOB, f"woocommerce:{WOOCOMMERCE_SHOP}")
        return watermark is not None and datetime.fromisoformat(watermark) > moment

    wait_for(passed, timeout=30)


def _shopify_dossier(stack: LocalStack, order_id: int) -> dict[str, Any]:
    def settled() -> dict[str, Any] | None:
        response = httpx.get(f"{stack.host_url}/api/orders/shopify/{SHOPIFY_SHOP}/{order_id}")
        body: dict[str, Any] = response.json() if response.status_code == 200 else {}
        return body if body.get("status") == "in_bc" else None

    return wait_for(settled, timeout=60)
