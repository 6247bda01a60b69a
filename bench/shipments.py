"""shipments: posted BC shipments pushed to Shopify and WooCommerce, the shop calls, BC requests and memory it takes.

KOPPEL_BENCH_SHIPMENTS posted shipments (default 10,000; half the orders Shopify's, half WooCommerce's; ~10 % of
the orders in two parts, ~10 % tracked only after posting), seeded as localdev/shipment_bench.py describes, then
`bc-shipments` and `shop-shipments` run through the local Functions host (its own process) until nothing is due,
in two rounds. Measured against baselines in the same run:

- shop calls / minimum, per shop: the minimum is one call per shipment (a fulfillment, or the order's status or a
  note) plus one per later tracking change;
- BC requests of each bc-shipments run / ceil(shipments read / BC page size), by entity set;
- the host process's peak resident memory (VmHWM) against the idle host's, read before the first run.

KOPPEL_BENCH_BC_PAGE sets the BC simulator's server page size (default 20,000, as the simulator has it);
KOPPEL_BENCH_WOO_TRACKING=shipment-tracking has the WooCommerce shop use the Shipment Tracking extension (default:
tracking as customer notes).

The Shopify simulator's GraphQL bucket restores at Shopify Plus's 1,000 points a second (shopify.dev, "GraphQL
Admin API rate limits"), so the run measures Koppel, not the plan; throttled calls are counted as calls.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from functools import partial

import httpx

from integrations.settings import shop_setting
from localdev.azurite import ROOT
from localdev.shipment_bench import (
    SETTINGS,
    Order,
    Run,
    peak_memory_kib,
    post_first_round,
    post_second_round,
    run_until_done,
    seed,
    set_limits,
    shipments_planned,
)
from localdev.stack import WOOCOMMERCE_SHOP, LocalStack

HOST_LOG = ROOT / ".localdev" / "bench-shipments-host.log"
SHOPIFY_PLUS_RESTORE_RATE = 1000.0
MEMORY_TARGET_MB = 300
SHIPMENT_SETS = ("salesShipments", "koppel/shipping/salesShipments")
"""The entity sets the shipment poll reads: API v2.0's shipments (lines expanded), Koppel's page (tracking)."""


def _timed(label: str, step: Callable[[], object], timings: dict[str, float]) -> None:
    started = time.perf_counter()
    step()
    timings[label] = time.perf_counter() - started
    print(f"  {label}: {timings[label]:.1f} s", flush=True)


def _runs(runs: list[Run], http: httpx.Client, stack: LocalStack, name: str) -> None:
    runs.extend(run_until_done(http, stack, name))


def _minimum(orders: list[Order], source: str) -> tuple[int, int]:
    """Shipments and later tracking changes of the orders of `source`."""
    mine = [order for order in orders if order.key.source == source]
    return shipments_planned(mine), sum(1 for order in mine if order.role == "late tracking")


def _shop_calls(runs: list[Run], shop: str) -> Counter[str]:
    calls: Counter[str] = Counter()
    for run in runs:
        calls.update({kind: n for kind, n in run.shop_calls.items() if kind.startswith(shop)})
    return calls


def _bc_rows(runs: list[Run], page: int) -> list[str]:
    rows = []
    for number, run in enumerate(runs, start=1):
        read = int(run.summary["read"])
        pages = math.ceil(read / page) if read else 1
        shipment_requests = sum(run.bc[entity] for entity in SHIPMENT_SETS)
        other = {entity: n for entity, n in run.bc.items() if entity not in SHIPMENT_SETS}
        rows.append(
            f"| bc-shipments {number} | {read:,} | {page:,} | {pages} | "
            f"{', '.join(f'{entity} {run.bc[entity]}' for entity in SHIPMENT_SETS)} | {shipment_requests} | "
            f"{shipment_requests - len(SHIPMENT_SETS) * pages:+d} | {other or '-'} | {run.seconds:.1f} s |"
        )
    return rows


def _shop_rows(orders: list[Order], shop_runs: list[Run]) -> list[str]:
    rows = []
    for source, shop in (("shopify", "Shopify"), ("woocommerce", "WooCommerce")):
        shipped, retracked = _minimum(orders, source)
        calls = _shop_calls(shop_runs, shop)
        total = sum(calls.values())
        kinds = ", ".join(f"{kind.removeprefix(shop + ' ')} {n:,}" for kind, n in sorted(calls.items()))
        rows.append(
            f"| {shop} | {shipped:,} + {retracked:,} = {shipped + retracked:,} | {total:,} | "
            f"{total / (shipped + retracked):.2f} | {kinds} |"
        )
    return rows


def _report(orders: list[Order], runs: list[Run], memory: dict[str, int], timings: dict[str, float], page: int) -> None:
    bc_runs = [run for run in runs if run.name == "bc-shipments"]
    shop_runs = [run for run in runs if run.name == "shop-shipments"]
    told = sum(int(run.summary["pushed"]) for run in shop_runs)
    refused = sum(int(run.summary["failed"]) for run in shop_runs)
    shipped = shipments_planned(orders)
    retracked = sum(1 for order in orders if order.role == "late tracking")
    print(f"\nshipment versions told to the shops {told:,} (expected {shipped + retracked:,}), refused {refused}")
    print(f"shop-shipments runs: {len(shop_runs)} ({sum(r.seconds for r in shop_runs):.1f} s)")
    requested, used = (sum(run.shopify_points[i] for run in shop_runs) for i in (0, 1))
    shopify_calls = sum(n for kind, n in _shop_calls(shop_runs, "Shopify").items())
    print(
        f"Shopify GraphQL cost: {requested:,} points requested, {used:,} used = "
        f"{used / max(shopify_calls, 1):.1f} used per call"
    )
    print("\n| shop | minimum: shipments + later tracking | shop calls | calls / minimum | by kind |")
    print("| --- | --- | --- | --- | --- |")
    for row in _shop_rows(orders, shop_runs):
        print(row)
    print(
        "\n| run | shipments read | BC page | ceil(read / page) | requests by shipment entity set | total | "
        "above one per page per set | other BC requests | run time |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in _bc_rows(bc_runs, page):
        print(row)
    idle, peak = memory["idle"], max(memory.values())
    steps = ", ".join(f"{label} {kib / 1024:.0f} MB" for label, kib in memory.items())
    print(
        f"\nhost VmHWM: idle {idle / 1024:.0f} MB, peak {peak / 1024:.0f} MB = {peak / idle:.2f} x idle, "
        f"+{(peak - idle) / 1024:.0f} MB for {shipped:,} shipments; target < {MEMORY_TARGET_MB} MB ({steps})"
    )
    pushing = sum(seconds for label, seconds in timings.items() if label.startswith("round"))
    print(
        f"time: {', '.join(f'{k} {v:.0f} s' for k, v in timings.items())}; "
        f"runs {pushing / shipped * 1000:.1f} s per 1,000 shipments"
    )


def main() -> None:
    count = int(os.environ.get("KOPPEL_BENCH_SHIPMENTS", "10000"))
    page = int(os.environ.get("KOPPEL_BENCH_BC_PAGE", "20000"))
    tracking = os.environ.get("KOPPEL_BENCH_WOO_TRACKING", "")
    print(
        f"# shipments: {count:,} posted shipments, BC page size {page:,}, WooCommerce tracking "
        f"{tracking or 'as customer notes'}, host log {HOST_LOG}",
        flush=True,
    )
    HOST_LOG.parent.mkdir(exist_ok=True)
    HOST_LOG.write_bytes(b"")
    woo_tracking = {shop_setting("woocommerce", "TRACKING", WOOCOMMERCE_SHOP): tracking} if tracking else {}
    stack = LocalStack(in_process=False, extra_settings=SETTINGS | woo_tracking, host_log=HOST_LOG)
    runs: list[Run] = []
    memory: dict[str, int] = {}
    timings: dict[str, float] = {}
    with stack, httpx.Client(timeout=60) as http:
        set_limits(stack, bc_page_size=page, shopify_restore_rate=SHOPIFY_PLUS_RESTORE_RATE)
        if tracking:
            assert stack.woocommerce is not None
            stack.woocommerce.install_shipment_tracking()
        pid = stack.host_pids["host"]
        memory["idle"] = peak_memory_kib(pid)
        orders: list[Order] = []
        _timed("seed", lambda: orders.extend(seed(stack, count, random.Random(13))), timings)
        for round_number, post in ((1, post_first_round), (2, post_second_round)):
            _timed(f"post round {round_number}", partial(post, stack, orders), timings)
            for name in ("bc-shipments", "shop-shipments"):
                label = f"round {round_number} {name}"
                _timed(label, partial(_runs, runs, http, stack, name), timings)
                memory[label] = peak_memory_kib(pid)
    _report(orders, runs, memory, timings, page)
