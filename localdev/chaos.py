"""The chaos run: proof that no web order is lost or doubled on the way into BC.

Places orders in the WooCommerce and Shopify simulators (each sends its own signed webhooks into the local host,
which runs in its own process), delivers about 30% of them twice (Shopify's `duplicate_rate`; WooCommerce bodies
re-posted alongside the shop's own delivery, right after it, or after all orders are placed), while the BC
simulator injects 429, 503, lost responses and latency. Mid-run the host process is SIGKILLed and started again,
and Azurite (on disk) is restarted. One WooCommerce order, placed first, has its webhook stored but never queued, as
when the host dies between the two: only the recovery timer can bring it in. Then it waits, bounded, until every
order is in BC or parked, and checks BC: exactly one sales order per web order (by externalDocumentNumber), with the
web order's line count and total.

Shared by tests/reliability/test_chaos.py (a size that fits `make test`) and `python -m bench chaos`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from azure.core.exceptions import AzureError
from azure.storage.queue import QueueClient

from domain.errors import StorageUnavailable
from domain.intake.ingest_webhook import Delivery, Intake, receive_woocommerce
from domain.records import StreamMessage
from functions.wiring.adapters import SystemClock
from integrations.storage.account import ORDERS_QUEUE, StorageAccount
from integrations.storage.event_log import TableEventLog
from localdev.chaos_shipments import SETTINGS as SHIPMENT_SETTINGS
from localdev.chaos_shipments import ShipmentChaosPlan, ShipmentChaosReport, ship_and_follow
from localdev.demo import Catalog
from localdev.proof import Tally, on_own_stack, read_dossier
from localdev.simulators.woocommerce.store import OrderBook, StoredOrder
from localdev.stack import SHOPIFY_SHOP, WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopOrder, signed_delivery

SETTLED_ELSEWHERE = ("needs_attention", "failed", "not_imported")
SHOPIFY_RETRY_DELAYS_S = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
"""Shopify retries a failed webhook 8 times over 4 hours; these cover an outage of about a minute."""
FIRST_WOO_ORDER_ID = 700_001
ENQUEUE_LOST_ORDER_ID = 700_000
DOSSIERS_PER_ROUND = 20


@dataclass(frozen=True)
class ChaosPlan:
    orders: int = 150
    shopify_share: float = 0.5
    duplicate_share: float = 0.3
    rate_429: float = 0.10
    rate_503: float = 0.05
    rate_lost_response: float = 0.02
    latency_ms: int = 20
    kill_host_after: float = 0.3
    """Share of the orders placed when the host process is SIGKILLed (and started again at once)."""
    restart_azurite_after: float = 0.65
    orders_per_second: float = 15.0
    placers: int = 32
    """Threads placing orders. Each waits for its delivery's answer, so at 20 orders a second and host answers
    slowed to a second by the load, 6 placers fell behind the schedule and then placed the backlog in a burst
    while the host was down (the kill struck at 30% of the orders but at 95% of the placing time)."""
    recovery_schedule: str = "*/10 * * * * *"
    settle_timeout_s: float = 120.0
    seed: int = 20261129
    shipping: ShipmentChaosPlan | None = None
    """When set, the orders in BC are then shipped and followed to delivery (localdev/chaos_shipments.py)."""


@dataclass(frozen=True)
class WebOrder:
    """A placed web order and what BC must end up holding for it."""

    source: str
    shop: str
    order_id: int
    number: str
    total: Decimal
    lines: int

    @property
    def key(self) -> str:
        return f"{self.source}:{self.shop}:{self.order_id}"

    @property
    def dossier_path(self) -> str:
        return f"/api/orders/{self.source}/{self.shop}/{self.order_id}"


@dataclass
class ChaosReport:
    plan: ChaosPlan
    placed: list[WebOrder] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    faults: dict[str, int] = field(default_factory=dict)
    bc_requests: int = 0
    found: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    wrong_totals: list[str] = field(default_factory=list)
    wrong_lines: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    parked: dict[str, str] = field(default_factory=dict)
    unsettled: int = 0
    queue_left: int = -1
    poison_left: int = -1
    created_in_run: int = 0
    events: list[str] = field(default_factory=list)
    struck: dict[str, int] = field(default_factory=dict)
    """Per fault (`host_kill`, `azurite_restart`), how many orders were placed when it struck."""
    elapsed_s: float = 0.0
    placing_s: float = 0.0
    settle_s: float = 0.0
    shipping: ShipmentChaosReport | None = None

    @property
    def held(self) -> bool:
        """Exactly one BC sales order per web order, none missing, each with the right lines and total; when the
        plan ships them, the shipment path held too."""
        broken = (self.missing, self.doubled, self.wrong_totals, self.wrong_lines, self.strays)
        shipped = self.shipping.held if self.shipping is not None else self.plan.shipping is None
        return not any(broken) and len(self.placed) > 0 and shipped

    @property
    def delivered_twice(self) -> int:
        c = self.counts
        return c["woo_repost_parallel"] + c["woo_repost_after"] + c["woo_repost_late"] + c["shopify_duplicated"]

    def lines(self) -> list[str]:
        c = self.counts
        by_source = Counter(order.source for order in self.placed)
        twice = self.delivered_twice
        woo_twice = twice - c["shopify_duplicated"]
        share = twice / len(self.placed) if self.placed else 0.0
        faults = self.faults
        return [
            f"chaos run: {len(self.placed)} web orders placed ({by_source['woocommerce']} WooCommerce, "
            f"{by_source['shopify']} Shopify) over {self.placing_s:.1f} s; then settled in {self.settle_s:.1f} s",
            f"  deliveries sent:     {c['deliveries']} webhook POSTs (WooCommerce shop {c['woo_sim_posts']}, "
            f"re-posted {c['woo_reposts']}; Shopify {c['shopify_posts']} incl. retries); without 2xx: "
            f"{c['deliveries_failed']}",
            f"  duplicates:          {twice} orders delivered twice ({share:.0%}): WooCommerce {woo_twice} "
            f"(in parallel {c['woo_repost_parallel']}, right after {c['woo_repost_after']}, late "
            f"{c['woo_repost_late']}), Shopify {c['shopify_duplicated']} (same webhook id, about half side by side)",
            f"  faults injected:     429 {faults.get('429', 0)}, 503 {faults.get('503', 0)}, lost responses "
            f"{faults.get('lost_response', 0)} in {self.bc_requests} BC requests, latency {self.plan.latency_ms} ms",
            f"  host kills:          {c['host_kills']} (SIGKILL, restarted; down {c['host_down_ms']} ms)",
            f"  Azurite restarts:    {c['azurite_restarts']} (on disk; down {c['azurite_down_ms']} ms); "
            f"WooCommerce webhook re-enabled {c['woo_webhook_reenabled']}x",
            f"  missed webhooks:     {c['woo_delivery_failed_orders']} WooCommerce orders whose webhook failed, "
            f"{c['woo_recovered']} of them taken in by the recovery timer, {c['woo_came_by_repost']} by their "
            "second delivery",
            f"  enqueue lost:        {c['enqueue_lost']} WooCommerce webhook stored, not queued (no 2xx to the shop), "
            f"{c['enqueue_lost_recovered']} of it in BC through the recovery timer",
            f"  BC orders found:     {sum(1 for n in self.found.values() if n)} of {len(self.placed)} web orders "
            f"({self.created_in_run} sales orders created during the run, {len(self.strays)} not for a web order)",
            f"  missing:             {len(self.missing)}   doubled: {len(self.doubled)}   wrong totals: "
            f"{len(self.wrong_totals)}   wrong line counts: {len(self.wrong_lines)}",
            f"  parked:              {len(self.parked)} (needs_attention / failed); not settled at the deadline: "
            f"{self.unsettled}; left in queue orders: {self.queue_left}, orders-poison: {self.poison_left}",
            *[f"    {key}: {status}" for key, status in list(self.parked.items())[:10]],
            *[f"  event: {event}" for event in self.events],
            f"  elapsed:             {self.elapsed_s:.1f} s (first order placed to BC checked)",
            *(self.shipping.lines() if self.shipping is not None else []),
            f"  invariants:          {'HELD' if self.held else 'BROKEN'}",
        ]


def run_chaos(plan: ChaosPlan, workdir: Path, say: Callable[[str], None] = print) -> ChaosReport:
    """Start a stack of its own under `workdir` (Azurite data, host log), run the plan, stop everything."""
    settings = {"KOPPEL_RECOVERY_SCHEDULE": plan.recovery_schedule, "KOPPEL_BC_PAYMENT_JOURNAL": ""}
    if plan.shipping is not None:
        settings |= SHIPMENT_SETTINGS
    return on_own_stack(
        workdir,
        lambda stack: _ChaosRun(stack, plan, say).execute(),
        extra_settings=settings,
        shopify_retry_delays_s=SHOPIFY_RETRY_DELAYS_S,
    )


class _ChaosRun:
    def __init__(self, stack: LocalStack, plan: ChaosPlan, say: Callable[[str], None]) -> None:
        assert stack.bc is not None
        assert stack.woocommerce is not None
        assert stack.shopify is not None
        self.stack = stack
        self.bc = stack.bc
        self.woo = stack.woocommerce
        self.shopify = stack.shopify
        self.plan = plan
        self.say = say
        self.rng = random.Random(plan.seed)
        self.report = ChaosReport(plan)
        self.tally = Tally(self.report.counts)
        self.placed = 1  # the order whose enqueue is lost
        self._started = time.monotonic()
        self._placed_lock = threading.Lock()
        self._late: list[dict[str, Any]] = []
        self._reposted: set[int] = set()
        # Per fault (host kill, Azurite restart): the orders placed when it is to strike, and an event set once it
        # has. No order past a mark is placed before, so the plan holds on a slow machine too, where a host restart
        # took longer than placing every order left (tests run in parallel: the restart struck at 100 of 100).
        self._fault_marks = [
            (round(plan.orders * share), threading.Event())
            for share in (plan.kill_host_after, plan.restart_azurite_after)
        ]
        self._http = httpx.Client(timeout=30)

    def execute(self) -> ChaosReport:
        try:
            return self._execute()
        finally:
            self._http.close()

    def _execute(self) -> ChaosReport:
        catalog = Catalog(self.stack, self.rng)
        before = {order["id"] for order in self.stack.bc_probe().all("salesOrders")}
        self._inject_faults()
        self.report.placed.append(self._place_with_enqueue_lost(catalog))
        started = self._started = time.monotonic()
        jobs = self._jobs(catalog)
        first = len(self.report.placed) + 1
        with ThreadPoolExecutor(self.plan.placers, thread_name_prefix="place") as placers:
            futures = [
                placers.submit(self._place, job, started + n / self.plan.orders_per_second, first + n)
                for n, job in enumerate(jobs)
            ]
            self._chaos(self.plan.orders)
            for future in futures:
                self.report.placed.append(future.result())
            self._repost_late(placers)
        self.report.placing_s = time.monotonic() - started
        self.say(f"placed {len(jobs)} orders in {self.report.placing_s:.1f} s; waiting for them to settle")
        settling = time.monotonic()
        self._settle(started + self.plan.settle_timeout_s + len(jobs) / self.plan.orders_per_second)
        self.report.settle_s = time.monotonic() - settling
        self._verify(before)
        self.report.elapsed_s = time.monotonic() - started
        if self.plan.shipping is not None:
            self.say("orders checked in BC; shipping them")
            self.report.shipping = ship_and_follow(self.stack, self.report.placed, self.plan.shipping, self.say)
        return self.report

    def _inject_faults(self) -> None:
        plan = self.plan
        self._http.post(
            f"{self.bc.url}/_sim/faults",
            json={
                "rate_429": plan.rate_429,
                "rate_503": plan.rate_503,
                "rate_lost_response": plan.rate_lost_response,
                "latency_ms": plan.latency_ms,
            },
        ).raise_for_status()
        self._http.post(f"{self.bc.url}/_sim/stats/reset").raise_for_status()
        self._http.post(
            f"{self.shopify.url}/_sim/faults", json={"duplicate_rate": plan.duplicate_share}
        ).raise_for_status()

    # -- placing -------------------------------------------------------------------------------------------------

    def _jobs(self, catalog: Catalog) -> list[Callable[[], WebOrder]]:
        jobs: list[Callable[[], WebOrder]] = []
        for n in range(self.plan.orders - len(self.report.placed)):
            customer = self._customer(catalog, n)
            basket = catalog.basket(self.rng.randint(1, 4))
            discount = Decimal(10) if self.rng.random() < 0.1 else Decimal(0)
            if self.rng.random() < self.plan.shopify_share:
                jobs.append(partial(self._place_shopify, customer, basket, discount))
                continue
            order = ShopOrder(
                FIRST_WOO_ORDER_ID + n,
                customer,
                basket,
                created=datetime.now(UTC).replace(microsecond=0),
                coupon_percent=discount,
            )
            twice = (
                self.rng.choice(("parallel", "after", "late")) if self.rng.random() < self.plan.duplicate_share else ""
            )
            jobs.append(partial(self._place_woocommerce, order, twice))
        return jobs

    def _place_with_enqueue_lost(self, catalog: Catalog) -> WebOrder:
        """A WooCommerce order whose webhook intake stored and could not queue (the host killed between the two):
        the shop does not deliver it (its webhook switched off meanwhile); intake runs on Azurite with a queue that
        fails, so the sender would get no 2xx."""
        order = ShopOrder(
            ENQUEUE_LOST_ORDER_ID,
            ShopCustomer("Chaos", "Verloren", "chaos.verloren@example.org"),
            catalog.basket(2),
            created=datetime.now(UTC).replace(microsecond=0),
        )
        self._http.post(f"{self.woo.url}/_sim/webhook", json={"enabled": False}).raise_for_status()
        placed = self.woo.place_order(order)
        self._http.post(f"{self.woo.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
        body, headers = signed_delivery(placed, self.stack.shop_secrets[WOOCOMMERCE_SHOP], "order.created")
        events = TableEventLog(StorageAccount(self.stack.azurite.connection_string))
        intake = Intake(events=events, queue=_QueueLost(), clock=SystemClock())
        try:
            secret = self.stack.shop_secrets[WOOCOMMERCE_SHOP]
            receive_woocommerce(intake, Delivery(WOOCOMMERCE_SHOP, secret, headers, body), 1 << 20)
        except StorageUnavailable:
            self.tally.add("enqueue_lost")
        return self._web_order(order.order_id, placed)

    def _customer(self, catalog: Catalog, n: int) -> ShopCustomer:
        if n % 3 == 0 or not catalog.consumers:
            return ShopCustomer("Chaos", f"Gast {n}", f"chaos.gast.{n}@example.org")
        known = self.rng.choice(catalog.consumers)
        first, _, last = known["displayName"].partition(" ")
        return ShopCustomer(first, last or "-", known["email"], customer_id=5000 + catalog.consumers.index(known))

    def _place(self, job: Callable[[], WebOrder], not_before: float, number: int) -> WebOrder:
        """Place the `number`th order at `not_before`, or once each fault whose mark it is past has struck."""
        time.sleep(max(0.0, not_before - time.monotonic()))
        for mark, struck in self._fault_marks:
            if number > mark:
                struck.wait()
        try:
            return job()
        finally:
            with self._placed_lock:
                self.placed += 1

    def _place_shopify(self, customer: ShopCustomer, basket: tuple[Any, ...], discount: Decimal) -> WebOrder:
        order = self.shopify.place_order(basket, customer, discount_percent=discount)
        shipping = sum(1 for line in order["shipping_lines"] if Decimal(line["price"]))
        return WebOrder(
            "shopify",
            SHOPIFY_SHOP,
            order["id"],
            order["name"].upper(),
            Decimal(order["total_price"]),
            len(order["line_items"]) + shipping,
        )

    def _place_woocommerce(self, order: ShopOrder, twice: str) -> WebOrder:
        self._keep_woo_webhook_enabled()
        order = replace(order, created=datetime.now(UTC).replace(microsecond=0))
        if twice:
            with self._placed_lock:
                self._reposted.add(order.order_id)
        if twice == "parallel":
            payload = OrderBook(self.woo.site.book.site_offset).payload(
                StoredOrder(order, order.created.astimezone(UTC).replace(microsecond=0))
            )
            copy = threading.Thread(target=self._repost, args=(payload,), name=f"repost-{order.order_id}")
            copy.start()
            placed = self.woo.place_order(order)
            copy.join()
            self.tally.add("woo_repost_parallel")
        else:
            placed = self.woo.place_order(order)
        if twice == "after":
            self._repost(placed)
            self.tally.add("woo_repost_after")
        elif twice == "late":
            with self._placed_lock:
                self._late.append(placed)
        return self._web_order(order.order_id, placed)

    @staticmethod
    def _web_order(order_id: int, placed: dict[str, Any]) -> WebOrder:
        charges = [*placed["shipping_lines"], *placed["fee_lines"]]
        return WebOrder(
            "woocommerce",
            WOOCOMMERCE_SHOP,
            order_id,
            placed["number"].upper(),
            Decimal(placed["total"]),
            len(placed["line_items"]) + sum(1 for charge in charges if Decimal(charge["total"])),
        )

    def _repost(self, payload: dict[str, Any]) -> None:
        """Post the order as WooCommerce would, signed with the shop's secret: a second delivery of it."""
        body, headers = signed_delivery(payload, self.stack.shop_secrets[WOOCOMMERCE_SHOP], "order.created")
        self.tally.add("woo_reposts")
        try:
            status = self._http.post(
                f"{self.stack.host_url}/api/webhooks/woocommerce/{WOOCOMMERCE_SHOP}", content=body, headers=headers
            ).status_code
        except httpx.HTTPError:
            status = 0
        if not 200 <= status < 300:
            self.tally.add("woo_repost_failed")

    def _repost_late(self, pool: ThreadPoolExecutor) -> None:
        late: list[Future[None]] = [pool.submit(self._repost, payload) for payload in self._late]
        for future in late:
            future.result()
        self.tally.add("woo_repost_late", len(late))

    def _keep_woo_webhook_enabled(self) -> None:
        """WooCommerce disables a webhook after 5 failed deliveries in a row; the shop owner switches it back on."""
        if not self.woo.webhook.enabled:
            self._http.post(f"{self.woo.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
            self.tally.add("woo_webhook_reenabled")

    # -- chaos ---------------------------------------------------------------------------------------------------

    def _chaos(self, total: int) -> None:
        """Kill the host process, start it again, then restart Azurite, each once its share of the orders is placed.
        Where each struck is the count placed at that instant; what was in BC is looked at after the fault, so
        that looking never delays it."""
        try:
            self._kill_host_then_restart_azurite(total)
        finally:
            for _mark, struck in self._fault_marks:
                struck.set()

    def _kill_host_then_restart_azurite(self, total: int) -> None:
        (kill_planned, host_killed), (restart_planned, azurite_restarted) = self._fault_marks
        self._wait_placed(kill_planned)
        struck, down = self.placed, time.monotonic()
        host_killed.set()
        self.stack.kill_host()
        self.tally.add("host_kills")
        self.stack.start_host()
        self.tally.add("host_down_ms", round((time.monotonic() - down) * 1000))
        self._struck("host_kill", "host SIGKILLed, restarted", (struck, down), kill_planned, total)
        self._keep_woo_webhook_enabled()
        self._wait_placed(restart_planned)
        struck, down = self.placed, time.monotonic()
        azurite_restarted.set()
        self.stack.restart_azurite()
        self.tally.add("azurite_restarts")
        self.tally.add("azurite_down_ms", round((time.monotonic() - down) * 1000))
        self._struck("azurite_restart", "Azurite restarted", (struck, down), restart_planned, total)
        self._keep_woo_webhook_enabled()

    def _struck(self, fault: str, what: str, when: tuple[int, float], planned: int, total: int) -> None:
        """`when`: the orders placed and the moment when the fault struck."""
        struck, at = when
        self.report.struck[fault] = struck
        scheduled = min(total, round((at - self._started) * self.plan.orders_per_second))
        self.report.events.append(
            f"{what} after {struck} of {total} orders placed (planned: {planned}; due by then: {scheduled}); "
            f"once back, {self.placed} placed, {self._not_yet_in_bc()}"
        )

    def _not_yet_in_bc(self) -> str:
        in_bc = sum(1 for number, count in self._bc_numbers().items() if count and number)
        return f"{max(0, self.placed - in_bc)} of them not yet in BC"

    def _wait_placed(self, count: int) -> None:
        deadline = time.monotonic() + count / self.plan.orders_per_second + 120
        while self.placed < count and time.monotonic() < deadline:
            time.sleep(0.02)

    # -- settling and checking -----------------------------------------------------------------------------------

    def _settle(self, deadline: float) -> None:
        """Until every order is in BC or parked, the shops have nothing left to send and the queue is empty."""
        with ThreadPoolExecutor(1) as waiter:
            shopify_idle = waiter.submit(self.shopify.wait_for_deliveries, max(1.0, deadline - time.monotonic()))
            pending = list(self.report.placed)
            while True:
                in_bc = self._bc_numbers()
                pending = [order for order in pending if order.number not in in_bc]
                pending = self._drop_parked(pending)
                queued = self._queue_length(ORDERS_QUEUE)
                if not pending and queued == 0 and shopify_idle.done():
                    break
                if time.monotonic() > deadline:
                    break
                time.sleep(1.0)
            self.report.unsettled = len(pending)

    def _drop_parked(self, pending: list[WebOrder]) -> list[WebOrder]:
        """Look at a few dossiers per round (the oldest pending first), to keep the host free for the work."""
        parked = []
        for order in pending[:DOSSIERS_PER_ROUND]:
            dossier = self._dossier(order)
            if dossier is not None and dossier.get("status") in SETTLED_ELSEWHERE:
                self.report.parked[order.key] = f"{dossier['status']}: {dossier.get('problem')}"
                parked.append(order)
        rest = [order for order in pending if order not in parked]
        return rest[DOSSIERS_PER_ROUND:] + rest[:DOSSIERS_PER_ROUND]

    def _dossier(self, order: WebOrder) -> dict[str, Any] | None:
        return read_dossier(self._http, self.stack, order.dossier_path)

    def _bc_numbers(self) -> Counter[str]:
        """externalDocumentNumbers of the simulator's sales orders, read in process (no injected faults)."""
        for _ in range(20):
            try:
                rows = list(self.bc.store.sales_orders.rows.values())
            except RuntimeError:
                continue
            return Counter(str(row.get("externalDocumentNumber", "")) for row in rows)
        return Counter()

    def _queue_length(self, name: str) -> int:
        try:
            client = QueueClient.from_connection_string(self.stack.azurite.connection_string, name)
            with client:
                count: int = client.get_queue_properties().approximate_message_count or 0
                return count
        except AzureError:
            return -1

    def _verify(self, before: set[str]) -> None:
        report = self.report
        stats = self._http.get(f"{self.bc.url}/_sim/stats").raise_for_status().json()
        report.faults = dict(stats["faults"])
        report.bc_requests = int(stats["requests"])
        self._http.delete(f"{self.bc.url}/_sim/faults").raise_for_status()
        self._http.delete(f"{self.shopify.url}/_sim/faults").raise_for_status()
        report.queue_left = self._queue_length(ORDERS_QUEUE)
        report.poison_left = self._queue_length(f"{ORDERS_QUEUE}-poison")
        self._count_deliveries()
        documents = self.stack.bc_probe().all("salesOrders", **{"$expand": "salesOrderLines"})
        by_number: dict[str, list[dict[str, Any]]] = {}
        for document in documents:
            by_number.setdefault(document["externalDocumentNumber"], []).append(document)
        numbers = {order.number for order in report.placed}
        created = [document for document in documents if document["id"] not in before]
        report.created_in_run = len(created)
        report.strays = [d["number"] for d in created if d["externalDocumentNumber"] not in numbers]
        for order in report.placed:
            self._check(order, by_number.get(order.number, []))
        self._count_recovered()

    def _count_recovered(self) -> None:
        """WooCommerce orders whose webhook failed: how many reached Koppel through the recovery timer. Likewise the
        order whose webhook was stored and never queued."""
        lost = next(order for order in self.report.placed if order.order_id == ENQUEUE_LOST_ORDER_ID)
        if self.report.found.get(lost.key) and self._came_by_recovery(lost):
            self.tally.add("enqueue_lost_recovered")
        failed = {d.order_id for d in self.woo.deliveries if not (isinstance(d.outcome, int) and d.outcome < 300)}
        for order in self.report.placed:
            if order.source == "woocommerce" and order.order_id in failed:
                self.tally.add("woo_delivery_failed_orders")
                if self._came_by_recovery(order):
                    self.tally.add("woo_recovered")
                elif order.order_id in self._reposted and self.report.found.get(order.key):
                    self.tally.add("woo_came_by_repost")

    def _came_by_recovery(self, order: WebOrder) -> bool:
        dossier = self._dossier(order) or {}
        return any(event.get("topic") == "order.recovered" for event in dossier.get("events", []))

    def _check(self, order: WebOrder, found: list[dict[str, Any]]) -> None:
        report = self.report
        key = order.key
        report.found[key] = len(found)
        if not found:
            report.missing.append(key)
            dossier = self._dossier(order)
            status = f"{dossier.get('status')}: {dossier.get('problem')}" if dossier else "no dossier"
            report.parked.setdefault(key, status)
            return
        if len(found) > 1:
            report.doubled.append(f"{key} -> {', '.join(document['number'] for document in found)}")
        document = found[0]
        if Decimal(str(document["totalAmountIncludingTax"])) != order.total:
            report.wrong_totals.append(f"{key}: BC {document['totalAmountIncludingTax']} web {order.total}")
        if len(document["salesOrderLines"]) != order.lines:
            report.wrong_lines.append(f"{key}: BC {len(document['salesOrderLines'])} lines, web {order.lines}")

    def _count_deliveries(self) -> None:
        tally = self.tally
        woo = self.woo.deliveries
        tally.add("woo_sim_posts", len(woo))
        tally.add("deliveries_failed", sum(1 for d in woo if not (isinstance(d.outcome, int) and d.outcome < 300)))
        tally.add("deliveries_failed", self.report.counts["woo_repost_failed"])
        shopify = self.shopify.deliveries
        tally.add("shopify_posts", len(shopify))
        tally.add("deliveries_failed", sum(1 for d in shopify if not (isinstance(d.outcome, int) and d.outcome < 300)))
        copies = Counter(d.webhook_id for d in shopify if d.attempt == 1)
        tally.add("shopify_duplicated", sum(1 for n in copies.values() if n > 1))
        tally.add("deliveries", len(woo) + len(shopify) + self.report.counts["woo_reposts"])


class _QueueLost:
    """The orders queue gone between the event's store and its enqueue."""

    def send(self, message: StreamMessage, delay: object = None) -> None:  # noqa: ARG002 - the WorkQueue port's
        raise StorageUnavailable("storage unreachable: the host was killed before the enqueue")
