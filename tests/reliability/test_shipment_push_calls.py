"""The shipment push at small scale (`bench shipments` at 10,000): 44 posted shipments, some orders in two parts,
some tracked only after posting, pushed to the Shopify and WooCommerce simulators through the local Functions host.
Every shipment version reaches its shop once, the shipment poll reads BC a page at a time, and the shop calls per
shipment stay within what Koppel makes today: one write per shipment or tracking change (WooCommerce: a note and, once
the order is fully shipped, its status), the state and status reads batched per run (docs/benchmarks.md,
"shipments")."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from localdev.shipment_bench import (
    SETTINGS,
    Order,
    Run,
    post_first_round,
    post_second_round,
    run_until_done,
    seed,
    set_limits,
    shipments_planned,
)
from localdev.stack import LocalStack

SHIPMENTS = 44
BC_PAGE = 10
SHIPMENT_SETS = ("salesShipments", "koppel/shipping/salesShipments")
PAGES_ABOVE = 0
"""BC requests of a poll run beyond one per page of each of the two entity sets (a page past the last is none)."""


@pytest.fixture(scope="module")
def pushed() -> Iterator[tuple[list[Order], list[Run]]]:
    """The orders seeded and every run of both rounds."""
    with LocalStack(in_process=False, extra_settings=SETTINGS) as stack, httpx.Client(timeout=60) as http:
        set_limits(stack, bc_page_size=BC_PAGE, shopify_restore_rate=1000.0)
        orders = seed(stack, SHIPMENTS, random.Random(5))
        runs: list[Run] = []
        for post in (post_first_round, post_second_round):
            post(stack, orders)
            runs += run_until_done(http, stack, "bc-shipments") + run_until_done(http, stack, "shop-shipments")
        yield orders, runs


def _notices(orders: list[Order], source: str) -> tuple[int, int]:
    """Shipments and later tracking changes the orders of `source` make."""
    mine = [order for order in orders if order.key.source == source]
    return shipments_planned(mine), sum(1 for order in mine if order.role == "late tracking")


def _calls(runs: list[Run]) -> Counter[str]:
    calls: Counter[str] = Counter()
    for run in runs:
        if run.name == "shop-shipments":
            calls.update(run.shop_calls)
    return calls


@pytest.mark.timeout(120)
def test_every_shipment_version_is_told_to_its_shop_once_and_none_refused(pushed: tuple[list[Order], list[Run]]):
    orders, runs = pushed
    shop_runs = [run for run in runs if run.name == "shop-shipments"]
    late = sum(1 for order in orders if order.role == "late tracking")

    assert shipments_planned(orders) == SHIPMENTS
    assert {order.role for order in orders} == {"plain", "two parts", "late tracking"}
    assert sum(run.summary["pushed"] for run in shop_runs) == SHIPMENTS + late
    assert sum(run.summary["failed"] for run in shop_runs) == 0


@pytest.mark.timeout(120)
def test_each_shipment_poll_reads_bc_one_request_per_page_of_each_entity_set(pushed: tuple[list[Order], list[Run]]):
    _orders, runs = pushed
    polls = [run for run in runs if run.name == "bc-shipments"]

    assert len(polls) == 2
    for run in polls:
        pages = max(1, math.ceil(run.summary["read"] / BC_PAGE))
        assert pages > 1
        assert all(run.bc[entity] <= pages + PAGES_ABOVE for entity in SHIPMENT_SETS), run.bc
        assert set(run.bc) <= set(SHIPMENT_SETS), run.bc


ORDERS_PER_STATE_READ = 10
"""Shopify orders whose fulfillment state one `nodes(ids:)` read brings (integrations/shops/shopify/order_states.py)."""
ORDERS_PER_STATUS_READ = 100
"""WooCommerce orders whose status one list call brings."""


def _shop_runs(runs: list[Run]) -> int:
    return sum(1 for run in runs if run.name == "shop-shipments")


@pytest.mark.timeout(120)
def test_shopify_takes_a_state_read_per_ten_orders_and_one_write_per_shipment_or_tracking_change(
    pushed: tuple[list[Order], list[Run]],
):
    orders, runs = pushed
    shipments, retracked = _notices(orders, "shopify")
    calls = _calls(runs)
    state_reads = calls["Shopify nodes"] + calls["Shopify order"]
    carried_out = sum(n for kind, n in calls.items() if kind.startswith("Shopify") and "throttled" not in kind)

    assert calls["Shopify fulfillmentCreate"] <= shipments
    assert calls["Shopify fulfillmentTrackingInfoUpdate"] <= retracked
    assert state_reads <= math.ceil((shipments + retracked) / ORDERS_PER_STATE_READ) + _shop_runs(runs)
    assert carried_out <= shipments + retracked + state_reads, calls


@pytest.mark.timeout(120)
def test_woocommerce_takes_a_note_per_notice_a_status_write_per_order_and_reads_in_lists(
    pushed: tuple[list[Order], list[Run]],
):
    orders, runs = pushed
    shipments, retracked = _notices(orders, "woocommerce")
    woo_orders = sum(1 for order in orders if order.key.source == "woocommerce")
    calls = _calls(runs)
    woo = sum(n for kind, n in calls.items() if kind.startswith("WooCommerce"))

    assert calls["WooCommerce POST /orders/{order_id}/notes"] <= shipments + retracked
    assert calls["WooCommerce PUT /orders/{order_id}"] <= woo_orders
    assert calls["WooCommerce GET /orders/{order_id}/notes"] <= retracked
    assert calls["WooCommerce GET /orders"] <= math.ceil(woo_orders / ORDERS_PER_STATUS_READ) + _shop_runs(runs)
    assert calls["WooCommerce GET /orders/{order_id}"] == 0
    assert woo <= 2 * (shipments + retracked), calls
