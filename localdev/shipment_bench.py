"""Posted BC shipments pushed to the shops at scale, as `bench shipments` and tests/reliability measure it.

Seeds the web orders directly instead of through intake (10,000 orders at BC's limits would take hours): each order
is placed in its shop's simulator with the shops' order webhooks off (they stay off: the order.updated webhook a
completed WooCommerce order sends would have the order worker read BC again for each, outside what is measured
here), its BC sales order is created in the BC simulator's
store (released, two item lines, externalDocumentNumber as Koppel claims it: the WooCommerce number, the Shopify
name, in capitals) and Koppel's record of it is written with Koppel's own order store, as the order worker leaves
it: in BC, released, naming that sales order (which also files the document number the shipment poll finds the
order by). Half the orders are Shopify's, half WooCommerce's.

The shipments are then posted through the BC simulator's /_sim/ controls, in two rounds: first every order's first
shipment (one in eleven orders ships only its first line, one in ten single-part orders without a tracking
number), then the second parts and, on the untracked shipments, the tracking number ("Update Document"). After each
round `bc-shipments` and then `shop-shipments` run through the host (`POST /api/ops/sync/{name}/run`) until nothing
is due, each run's BC requests (by entity set) and the shop calls (by kind) counted by the simulators.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from domain.models import OrderStatus, WebOrderKey
from domain.orders.release_gate import RELEASED
from domain.records import OrderRecord
from integrations.businesscentral.api import sales_order_from
from integrations.storage.account import StorageAccount
from integrations.storage.order_store import TableOrderStore
from localdev.bc_shipping import post_shipment, update_shipment
from localdev.simulators.businesscentral.sales_orders import SalesOrders
from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from localdev.stack import SHOPIFY_SHOP, TIMERS_OFF, WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

TWO_PARTS_EVERY = 11
"""One shipment in eleven is an order's second part: ~10 % of the orders ship in two parts."""
LATE_TRACKING_EVERY = 10
"""One in ten of the other orders is posted without a tracking number, which BC gets later."""
AGENTS = ("POSTNL", "DHL", "DPD")
SHIPMENT_RUNS_AT_MOST = 200
"""A bound on shop-shipments runs per round, so a run that stops making progress ends the round."""
SETTINGS = {"KOPPEL_BC_SHIPPING_API": "koppel/shipping/v1.0"} | TIMERS_OFF
"""Koppel's shipment page published; every timer once a year, so the runs the benchmark starts are all that run."""


@dataclass
class Order:
    """One seeded web order and its shipments."""

    key: WebOrderKey
    sales_order: dict[str, Any]
    lines: list[dict[str, Any]]
    role: str
    """'plain', 'two parts' or 'late tracking'."""
    shipment_ids: list[str] = field(default_factory=list)

    @property
    def channel(self) -> str:
        return self.key.source


@dataclass
class Run:
    """One run through the host: its summary, the BC requests by entity set, the shop calls by kind."""

    name: str
    summary: dict[str, Any]
    bc: Counter[str]
    shop_calls: Counter[str]
    seconds: float
    shopify_points: tuple[int, int] = (0, 0)
    """The Shopify GraphQL cost points the run's calls requested, and used (the bucket is charged these)."""


def shipments_planned(orders: Iterable[Order]) -> int:
    return sum(2 if order.role == "two parts" else 1 for order in orders)


def plan_roles(shipments: int, rng: random.Random) -> list[str]:
    """The role of each order, for `shipments` posted shipments in all."""
    two_parts = shipments // TWO_PARTS_EVERY
    count = shipments - two_parts
    late = (count - two_parts) // LATE_TRACKING_EVERY
    roles = ["two parts"] * two_parts + ["late tracking"] * late + ["plain"] * (count - two_parts - late)
    rng.shuffle(roles)
    return roles


def seed(stack: LocalStack, shipments: int, rng: random.Random) -> list[Order]:
    """The web orders of `shipments` shipments, in the shops, in BC and in Koppel's order store."""
    assert stack.bc is not None
    items = [item for item in stack.bc.store.items.values() if item["type"] == "Inventory" and not item["blocked"]]
    with httpx.Client(timeout=30) as http:
        shop_webhooks_off(http, stack)
    orders = [
        _place(stack, index, role, rng.sample(items, 2), rng) for index, role in enumerate(plan_roles(shipments, rng))
    ]
    store = TableOrderStore(StorageAccount(stack.azurite.connection_string))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda order: store.create(_record(order)), orders))
    return orders


def shop_webhooks_off(http: httpx.Client, stack: LocalStack) -> None:
    """The shops' order webhooks off: the orders are in BC already, and an order.updated is not what is measured."""
    assert stack.woocommerce is not None
    assert stack.shopify is not None
    http.post(f"{stack.woocommerce.url}/_sim/webhook", json={"enabled": False}).raise_for_status()
    http.post(f"{stack.shopify.url}/_sim/webhook", json={"url": None}).raise_for_status()


def set_limits(stack: LocalStack, *, bc_page_size: int, shopify_restore_rate: float) -> None:
    """The BC simulator's server page size (API v2.0 and Koppel's shipment page), and the Shopify GraphQL bucket's
    restore rate (points a second: the plan's), on the running simulators."""
    assert stack.bc is not None
    assert stack.shopify is not None
    stack.bc.simulation.api.page_size = bc_page_size
    stack.bc.simulation.shipment_page.page_size = bc_page_size
    stack.shopify.shop.graphql.bucket.restore_rate = shopify_restore_rate


def _place(stack: LocalStack, index: int, role: str, items: list[dict[str, Any]], rng: random.Random) -> Order:
    assert stack.shopify is not None
    assert stack.woocommerce is not None
    assert stack.bc is not None
    customer = ShopCustomer("Bench", f"Klant {index}", f"bench.{index}@example.org")
    lines = tuple(
        ShopLine(item["number"], item["displayName"][:60], rng.randint(1, 3), Decimal("9.95")) for item in items
    )
    if index % 2:
        placed = stack.shopify.place_order(lines, customer)
        key, number = WebOrderKey(source="shopify", shop=SHOPIFY_SHOP, order_id=str(placed["id"])), placed["name"]
    else:
        created = datetime.now(UTC).replace(microsecond=0)
        placed = stack.woocommerce.place_order(ShopOrder(500_000 + index, customer, lines, created=created))
        key, number = (
            WebOrderKey(source="woocommerce", shop=WOOCOMMERCE_SHOP, order_id=str(placed["id"])),
            placed["number"],
        )
    orders = SalesOrders(stack.bc.store)
    body = {
        "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
        "externalDocumentNumber": str(number).upper(),
        "salesOrderLines": [
            {"lineType": "Item", "lineObjectNumber": line.sku, "quantity": line.quantity} for line in lines
        ],
    }
    sales_order = orders.create(body)
    sales_order["status"] = "Open"
    return Order(key, sales_order, orders.lines(sales_order), role)


def _record(order: Order) -> OrderRecord:
    """Koppel's record of the order as the order worker writes it once the order is in BC and released."""
    header, now = order.sales_order, datetime.now(UTC)
    document = sales_order_from({**header, "salesOrderLines": order.lines})
    return OrderRecord(
        key=order.key,
        status=OrderStatus.IN_BC,
        web_number=header["externalDocumentNumber"],
        web_status="processing",
        bc=document,
        bc_version=now,
        bc_fingerprint=document.fingerprint(),
        bc_customer_number=document.customer_number,
        totals_agree=True,
        release=RELEASED,
        updated_at=now,
    )


def tracking_number(order: Order, part: str = "") -> str:
    return f"3SKOPB{order.sales_order['number'].removeprefix('S-ORD')}{part}"


def post_first_round(stack: LocalStack, orders: list[Order]) -> None:
    """Every order's first shipment: a two-part order's first line, a late-tracking order's without a number."""

    def body(order: Order) -> dict[str, Any]:
        agent = AGENTS[int(order.sales_order["number"].removeprefix("S-ORD")) % len(AGENTS)]
        if order.role == "late tracking":
            return {"shippingAgentCode": agent}
        shipped: dict[str, Any] = {"shippingAgentCode": agent, "packageTrackingNumber": tracking_number(order, "A")}
        if order.role == "two parts":
            first = order.lines[0]
            shipped["lines"] = [{"sequence": first["sequence"], "quantity": first["quantity"]}]
        return shipped

    _post_each(orders, lambda http, order: _post_shipment(http, stack, order, body(order)))


def post_second_round(stack: LocalStack, orders: list[Order]) -> None:
    """The second parts, and the tracking numbers of the shipments posted without one."""
    assert stack.bc is not None
    bc_url = stack.bc.url

    def second(http: httpx.Client, order: Order) -> None:
        if order.role == "two parts":
            agent = {"shippingAgentCode": "POSTNL", "packageTrackingNumber": tracking_number(order, "B")}
            _post_shipment(http, stack, order, agent)
        elif order.role == "late tracking":
            update = {"packageTrackingNumber": tracking_number(order, "L")}
            update_shipment(http, bc_url, order.shipment_ids[0], update)

    _post_each([order for order in orders if order.role != "plain"], second)


def _post_each(orders: list[Order], post: Callable[[httpx.Client, Order], None]) -> None:
    with httpx.Client(timeout=30) as http, ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda order: post(http, order), orders))


def _post_shipment(http: httpx.Client, stack: LocalStack, order: Order, body: dict[str, Any]) -> None:
    assert stack.bc is not None
    order.shipment_ids.append(post_shipment(http, stack.bc.url, order.sales_order["id"], body))


def run_once(http: httpx.Client, stack: LocalStack, name: str) -> Run:
    """One run of `name` through the host, with the BC requests and shop calls it made."""
    assert stack.bc is not None
    assert stack.shopify is not None
    assert stack.woocommerce is not None
    stats = (
        f"{stack.bc.url}/_sim/stats",
        f"{stack.shopify.url}/_sim/graphql/stats",
        f"{stack.woocommerce.url}/_sim/stats",
    )
    for url in stats:
        http.post(f"{url}/reset").raise_for_status()
    started = datetime.now(UTC)
    summary = http.post(f"{stack.host_url}/api/ops/sync/{name}/run", timeout=3600).raise_for_status().json()
    seconds = (datetime.now(UTC) - started).total_seconds()
    bc, shopify, woo = (http.get(url).raise_for_status().json() for url in stats)
    calls = Counter({f"Shopify {field}": n for field, n in shopify["calls"].items()})
    calls.update({f"Shopify throttled {field}": n for field, n in shopify["throttled"].items()})
    calls.update({f"WooCommerce {route}": n for route, n in woo["by_route"].items()})
    points = (int(shopify["cost"]["requested"]), int(shopify["cost"]["actual"]))
    return Run(name, summary, Counter(bc["by_entity"]), calls, seconds, points)


def run_until_done(http: httpx.Client, stack: LocalStack, name: str) -> list[Run]:
    """`name` run again while the one before left some for the next run."""
    runs = [run_once(http, stack, name)]
    while not runs[-1].summary["completed"] and runs[-1].summary["read"] and len(runs) < SHIPMENT_RUNS_AT_MOST:
        runs.append(run_once(http, stack, name))
    return runs


def peak_memory_kib(pid: int) -> int:
    """The process's peak resident set size so far (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")
