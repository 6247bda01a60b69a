"""Catalog push: BC's items (50,000 by default, 10% with 3-8 variants, 3 price lists) to the WooCommerce simulator.

Runs, each in a fresh process so its peak memory is its own (the simulators and Azurite run here and in Node):
1. the first full push: WooCommerce batch calls against the minimum the batch limits allow, ceil(N/100) product
   calls plus, per product with variants, ceil(variants/100) calls to its own variations batch;
2. a run after 1% of the items changed in BC (an item's description, or for an item with variants the stock of one
   variant): calls against ceil(renamed/100) plus one variations call per product whose variant changed;
3. the naive baseline in the same state: a run that reads and pushes every listing again (it forgets the
   fingerprints);
4. the delta computation alone (listings, fingerprints, comparison for every item; BC read beforehand): CPU time;
   and the CPU time of choosing what a delta run reads (fingerprints of every item's price lines and stock).
Each push run reports wall time, CPU time and the peak RSS of its process (VmHWM: ru_maxrss is no good here, Linux
keeps it across the exec that starts a spawned child, so it would report the size of this parent process, which
holds the simulators' 50,000 items, at the fork).

`python -m bench catalog`; KOPPEL_BENCH_CATALOG_ITEMS sets the size. Only 127.0.0.1; everything started here is
stopped in finally blocks.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx

from domain.catalog.availability import DisplayMode, StockFacts, StockPolicy, availability
from domain.catalog.listing import ListingPolicy, PushedListing, change, listing
from domain.catalog.reading import input_fingerprints
from domain.catalog.sync_catalog import WATERMARK_MARGIN, CatalogSync, sync_catalog
from integrations.businesscentral.catalog import BusinessCentralCatalog
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.stock import BusinessCentralStock
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.businesscentral.vat import BusinessCentralVat
from integrations.settings import BC_DEFAULT_SCOPE
from integrations.shops.woocommerce.catalog import BATCH_LIMIT, WooCommerceCatalog
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.storage.account import StorageAccount
from integrations.storage.pushed_listings import TablePushedListings
from integrations.storage.sync_runs import TableSyncRuns
from integrations.storage.sync_state import TableSyncState
from localdev.azurite import on_free_ports
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.catalog_reference import DOMESTIC_VAT_GROUP
from localdev.simulators.businesscentral.published import ITEM_LOCATION_STOCK, ITEM_UNITS, PRICE_LIST_LINES, VAT_SETUP
from localdev.simulators.businesscentral.published import ITEMS as ITEM_LIST_SERVICE
from localdev.simulators.woocommerce import WooCommerceSimulator

ITEMS = int(os.environ.get("KOPPEL_BENCH_CATALOG_ITEMS", "50000"))
CHANGED_SHARE = 0.01
CHANNEL = "woocommerce:bench"
MEMORY_TARGET_MB = 300
POLICY = ListingPolicy(stock=StockPolicy(display=DisplayMode.EXACT_QUANTITY), prices_include_vat=True)
"""A shop's default policy (Settings.listing_policy without per-shop settings)."""


@dataclass(frozen=True)
class Endpoints:
    """What a run's process needs to reach BC, the shop and storage (picklable)."""

    bc_company_url: str
    bc_token_url: str
    bc_client_id: str
    bc_client_secret: str
    price_lines_url: str
    stock_url: str
    units_url: str
    item_list_url: str
    vat_setup_url: str
    woo_url: str
    woo_key: str
    woo_secret: str
    storage: str


@dataclass(frozen=True)
class Measured:
    read: int
    changed: int
    pushed: int
    failed: int
    wall_s: float
    cpu_s: float
    peak_mb: float
    started_on: date
    """The company day the run started on (the benchmark's clock is UTC)."""


class _Forgetful:
    """The naive baseline's memory of the shop: the product ids, never the fingerprints, so all is pushed."""

    def __init__(self, pushed: TablePushedListings) -> None:
        self._pushed = pushed

    def all(self) -> dict[str, PushedListing]:
        return {sku: row.model_copy(update={"fingerprint": ""}) for sku, row in self._pushed.all().items()}

    def remember(self, pushed: Sequence[PushedListing]) -> None:
        self._pushed.remember(pushed)


def _catalog(endpoints: Endpoints) -> tuple[BusinessCentralCatalog, httpx.Client]:
    http = httpx.Client(timeout=120)
    token = ClientCredentialsToken(
        http, endpoints.bc_token_url, endpoints.bc_client_id, endpoints.bc_client_secret, BC_DEFAULT_SCOPE
    )
    client = BusinessCentralClient(http, endpoints.bc_company_url, token, RequestThrottle(5, 5800), max_attempts=6)
    stock = BusinessCentralStock(client, endpoints.stock_url, endpoints.units_url)
    vat = BusinessCentralVat(client, endpoints.item_list_url, endpoints.vat_setup_url, DOMESTIC_VAT_GROUP)
    return BusinessCentralCatalog(client, endpoints.price_lines_url, stock, vat), http


def _run(endpoints: Endpoints, naive: bool, answer: Any) -> None:
    """In a child process: one catalog run; its summary, CPU time and peak memory go back through `answer`."""
    source, http = _catalog(endpoints)
    account = StorageAccount(endpoints.storage)
    pushed = TablePushedListings(account, CHANNEL)
    sync = CatalogSync(
        name="catalog-bench",
        source=source,
        channel=WooCommerceCatalog(WooCommerceClient(http, endpoints.woo_url, endpoints.woo_key, endpoints.woo_secret)),
        pushed=_Forgetful(pushed) if naive else pushed,
        runs=TableSyncRuns(account),
        clock=_Clock(),
        policy=POLICY,
        state=TableSyncState(account),
    )
    started, cpu = time.perf_counter(), time.process_time()
    run = sync_catalog(sync, full=naive)
    answer.put(
        Measured(
            read=run.read,
            changed=run.changed,
            pushed=run.pushed,
            failed=run.failed,
            wall_s=time.perf_counter() - started,
            cpu_s=time.process_time() - cpu,
            peak_mb=_peak_rss_mb(),
            started_on=run.started_at.date(),
        )
    )


def _delta_cpu(endpoints: Endpoints, answer: Any) -> None:
    """In a child process: BC read first, then only the delta computation for every item, timed in CPU seconds."""
    source, _ = _catalog(endpoints)
    items, lines, stock = list(source.items()), source.price_lines(), source.stock()
    known = TablePushedListings(StorageAccount(endpoints.storage), CHANNEL).all()
    started = time.process_time()
    today = date.today()
    listings = (
        listing(
            item,
            lines.get(item.number, ()),
            lambda key: availability(stock.get(key, StockFacts(item=key)), POLICY.stock, today),
            POLICY,
            today,
        )
        for item in items
    )
    differing = sum(1 for found in listings if change(found, known) is not None)
    listed = time.process_time()
    input_fingerprints(lines, stock, [sku for sku, row in known.items() if row.inputs])
    answer.put((len(items), differing, listed - started, time.process_time() - listed))


def _peak_rss_mb() -> float:
    """The process's high-water resident set size since it was exec'd (VmHWM, in kB in /proc/self/status)."""
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def _in_child(target: Any, *args: Any) -> Any:
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    process = context.Process(target=target, args=(*args, answer))
    process.start()
    result = answer.get(timeout=1800)
    process.join(timeout=60)
    if process.exitcode not in (0, None):
        raise RuntimeError(f"the benchmark's run process exited with {process.exitcode}")
    return result


def _batch_calls(woo: WooCommerceSimulator) -> int:
    """Batch calls so far: products and every product's variations."""
    by_route = httpx.get(f"{woo.url}/_sim/stats", timeout=30).json()["by_route"]
    return sum(int(count) for route, count in by_route.items() if route.startswith("POST") and route.endswith("/batch"))


def _minimum_first_push(bc: BusinessCentralSimulator) -> int:
    variants = Counter(variant["itemNumber"] for variant in bc.store.item_variants.values())
    products = sum(1 for _ in bc.store.items.values())
    return math.ceil(products / BATCH_LIMIT) + sum(math.ceil(count / BATCH_LIMIT) for count in variants.values())


def _change(bc: BusinessCentralSimulator, numbers: Sequence[str]) -> int:
    """An edit in BC for each item: a new description, or for an item with variants stock posted for its first
    variant. Returns the fewest batch calls that can carry them."""
    first_variant: dict[str, str] = {}
    for variant in bc.store.item_variants.values():
        first_variant.setdefault(variant["itemNumber"], variant["code"])
    renamed = [number for number in numbers if number not in first_variant]
    with httpx.Client(base_url=bc.url, timeout=30) as client:
        for number in renamed:
            client.patch(f"/_sim/items/{number}", json={"displayName": f"{number} (nieuw)"}).raise_for_status()
        for number in (number for number in numbers if number in first_variant):
            stock = {"location": "HOOFD", "quantity": 1, "variant": first_variant[number]}
            client.post(f"/_sim/items/{number}/stock", json=stock).raise_for_status()
    return math.ceil(len(renamed) / BATCH_LIMIT) + len(numbers) - len(renamed)


def _stamp_catalog_before(bc: BusinessCentralSimulator, moment: datetime) -> None:
    """Stamp every item and variant as changed at `moment`: a catalog BC had before Koppel's first run, outside
    its look-back. The simulator stamps what it seeds with the moment it seeds it, a minute before the first run,
    inside the look-back (WATERMARK_MARGIN) that every delta run reads again, so the delta run read everything."""
    stamped = moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    for table in (bc.store.items, bc.store.item_variants):
        for row in table.values():
            table.stamp(row, stamped)


def _delta_verdict(first: Measured, delta: Measured, changed: int) -> str:
    """A delta run reads the items changed in BC and no others; a run on another company day than the first
    reads everything by design (prices move with the calendar), so that is said instead of judged."""
    if delta.started_on != first.started_on:
        return f"delta read: not judged, the runs fell on two company days ({first.started_on}, {delta.started_on})"
    verdict = "MET" if delta.read == changed else "NOT MET"
    return f"delta read: {delta.read} items read for {changed} changed in BC: {verdict}"


def _line(name: str, calls: int, minimum: int, measured: Measured) -> str:
    return (
        f"{name:<34} calls {calls:>5}  minimum {minimum:>5}  ratio {calls / max(minimum, 1):5.2f}  "
        f"read {measured.read}  changed {measured.changed}  pushed {measured.pushed}  failed {measured.failed}  "
        f"{measured.wall_s:6.1f} s wall, {measured.cpu_s:5.1f} s CPU, peak {measured.peak_mb:5.0f} MB"
    )


def main() -> None:
    azurite = on_free_ports()
    azurite.start()
    bc = BusinessCentralSimulator(client_id="catalog-bench", catalog_items=ITEMS).start()
    woo = WooCommerceSimulator().start()
    try:
        _stamp_catalog_before(bc, datetime.now(UTC) - 2 * WATERMARK_MARGIN)
        company = f"{bc.odata_base}/Company('{bc.company_name}')"
        endpoints = Endpoints(
            bc_company_url=f"{bc.api_base}/companies({bc.company_id})",
            bc_token_url=bc.token_url,
            bc_client_id=bc.client_id,
            bc_client_secret=bc.client_secret,
            price_lines_url=f"{company}/{PRICE_LIST_LINES}",
            stock_url=f"{company}/{ITEM_LOCATION_STOCK}",
            units_url=f"{company}/{ITEM_UNITS}",
            item_list_url=f"{company}/{ITEM_LIST_SERVICE}",
            vat_setup_url=f"{company}/{VAT_SETUP}",
            woo_url=woo.url,
            woo_key=woo.consumer_key,
            woo_secret=woo.consumer_secret,
            storage=azurite.connection_string,
        )
        print(
            f"# catalog: {ITEMS:,} generated items plus the demo catalog, pushed to WooCommerce ({BATCH_LIMIT} a call)"
        )
        first = _in_child(_run, endpoints, False)
        first_calls, first_minimum = _batch_calls(woo), _minimum_first_push(bc)
        numbers = sorted(item["number"] for item in bc.store.items.values())
        to_change = numbers[:: int(1 / CHANGED_SHARE)]
        delta_minimum = _change(bc, to_change)
        delta = _in_child(_run, endpoints, False)
        delta_calls = _batch_calls(woo) - first_calls
        naive = _in_child(_run, endpoints, True)
        naive_calls = _batch_calls(woo) - first_calls - delta_calls
        items, differing, delta_cpu, inputs_cpu = _in_child(_delta_cpu, endpoints)
    finally:
        woo.stop()
        bc.stop()
        azurite.stop()
    print(_line("first full push", first_calls, first_minimum, first))
    print(_line(f"after {len(to_change)} items changed", delta_calls, delta_minimum, delta))
    print(_line("naive: push everything", naive_calls, delta_minimum, naive))
    print(_delta_verdict(first, delta, len(to_change)))
    print(
        f"Koppel / naive after the changes: {naive_calls / max(delta_calls, 1):.0f}x fewer calls, "
        f"{naive.wall_s / max(delta.wall_s, 1e-9):.1f}x less wall time"
    )
    print(
        f"delta computation for {items:,} items ({differing} differing from what the shop has): "
        f"{delta_cpu:.2f} s CPU ({delta_cpu / max(items, 1) * 1e6:.0f} µs an item)"
    )
    print(f"which items a delta run reads (price line and stock fingerprints of every item): {inputs_cpu:.2f} s CPU")
    peak = max(first.peak_mb, delta.peak_mb, naive.peak_mb)
    print(f"peak memory of a run: {peak:.0f} MB (target < {MEMORY_TARGET_MB} MB)")
