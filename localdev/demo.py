"""`make demo`: a realistic day of WooCommerce orders through the real webhook endpoint into the BC simulator.

Starts Azurite, the BC simulator and the local Functions host (running function_app.py), plays about 25 signed
webhooks (a duplicate delivery, an unknown SKU, guests, a B2B order without VAT, a blocked customer, an order that
is paid later), waits until the queue is drained and prints what happened to each order. Exits 0 when every
order ended where it should.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from localdev.azurite import ROOT
from localdev.shop.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery
from localdev.stack import LocalStack

SHOP = "shop-a"
DAY = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
VAT_RATES = {"HOOG": Decimal(21), "LAAG": Decimal(9), "NUL": Decimal(0)}
HOST_LOG = ROOT / ".localdev" / "demo-host.log"
SETTLED = ("in_bc", "needs_attention", "failed", "not_imported")


@dataclass(frozen=True)
class Scenario:
    """One web order of the day and where it is expected to end."""

    order: ShopOrder
    story: str
    expected: str = "in_bc"
    deliveries: int = 1
    paid_later: bool = False


class Catalog:
    """The shop's articles and known customers, read from BC as a connected shop would have them."""

    def __init__(self, stack: LocalStack, rng: random.Random) -> None:
        probe = stack.bc_probe()
        items = {item["id"]: item for item in probe.all("items") if not item["blocked"]}
        self.lines = [_sellable(item["number"], item["displayName"], item) for item in items.values()]
        self.lines += [
            _sellable(f"{items[v['itemId']]['number']}-{v['code']}", v["description"], items[v["itemId"]])
            for v in probe.all("itemVariants")
            if v["itemId"] in items
        ]
        customers = probe.all("customers")
        self.consumers = [c for c in customers if c["type"] == "Person" and c["blocked"].strip() == "" and c["email"]]
        self.blocked = next(c for c in customers if c["blocked"].strip() == "All")
        self.eu_business = next(c for c in customers if not c["taxLiable"])
        self.rng = rng

    def basket(self, size: int) -> tuple[ShopLine, ...]:
        return tuple(
            ShopLine(sku, name[:60], self.rng.randint(1, 3), price, rate)
            for sku, name, price, rate in self.rng.sample(self.lines, size)
        )


def _sellable(sku: str, name: str, item: dict[str, Any]) -> tuple[str, str, Decimal, Decimal]:
    """SKU, name, price including VAT and VAT rate, as the shop shows a BC item or variant."""
    rate = VAT_RATES.get(item["taxGroupCode"], Decimal(21))
    return sku, name, (Decimal(str(item["unitPrice"])) * (1 + rate / 100)).quantize(Decimal("0.01")), rate


def _as_shop_customer(bc_customer: dict[str, Any], customer_id: int) -> ShopCustomer:
    first, _, last = bc_customer["displayName"].partition(" ")
    return ShopCustomer(
        first,
        last,
        bc_customer["email"],
        customer_id=customer_id,
        company=bc_customer["displayName"] if bc_customer["type"] == "Company" else "",
        address_1=bc_customer["addressLine1"],
        city=bc_customer["city"],
        postcode=bc_customer["postalCode"],
        country=bc_customer["country"],
        vat_number=bc_customer["taxRegistrationNumber"],
    )


def plan_day(catalog: Catalog, rng: random.Random) -> list[Scenario]:
    def at(minutes: int) -> datetime:
        return DAY + timedelta(minutes=minutes)

    plan: list[Scenario] = []
    for n in range(19):
        if n % 3 == 0:
            customer = ShopCustomer("Gast", f"Koper {n}", f"gast{n}@example.org")
            story = "guest, new BC customer"
        else:
            customer = _as_shop_customer(rng.choice(catalog.consumers), customer_id=200 + n)
            story = "returning customer"
        coupon = Decimal(10) if n % 7 == 3 else Decimal(0)
        order = ShopOrder(
            4100 + n, customer, catalog.basket(rng.randint(1, 4)), created=at(25 * n), coupon_percent=coupon
        )
        plan.append(Scenario(order, story + (", 10% coupon" if coupon else "")))
    duplicate = plan[4]
    plan[4] = replace(duplicate, deliveries=2, story=duplicate.story + ", delivered twice")
    b2b = _as_shop_customer(catalog.eu_business, customer_id=900)
    plan.append(
        Scenario(ShopOrder(4200, b2b, catalog.basket(3), created=at(300), vat_exempt=True), "B2B in the EU, no VAT")
    )
    unknown = (*catalog.basket(1), ShopLine("DISCONTINUED-77", "Oude koffiemolen", 1, Decimal("49.00")))
    plan.append(
        Scenario(ShopOrder(4201, customer, unknown, created=at(320)), "unknown SKU", expected="needs_attention")
    )
    blocked = _as_shop_customer(catalog.blocked, customer_id=901)
    plan.append(
        Scenario(
            ShopOrder(4202, blocked, catalog.basket(2), created=at(340)), "blocked customer", expected="needs_attention"
        )
    )
    plan.append(
        Scenario(
            ShopOrder(4203, customer, catalog.basket(2), created=at(360), status="pending"),
            "paid later",
            paid_later=True,
        )
    )
    plan.append(Scenario(ShopOrder(4204, customer, catalog.basket(5), created=at(380), currency="EUR"), "big basket"))
    plan.append(
        Scenario(
            ShopOrder(
                4205,
                ShopCustomer("Seán", "O'Brien", "sean.obrien@example.com", customer_id=77),
                catalog.basket(2),
                created=at(400),
            ),
            "quote in the name",
        )
    )
    return plan


def deliver(client: httpx.Client, stack: LocalStack, payload: dict[str, Any], topic: str) -> int:
    body, headers = signed_delivery(payload, stack.shop_secrets[SHOP], topic)
    return client.post(f"/api/webhooks/woocommerce/{SHOP}", content=body, headers=headers).status_code


def play(stack: LocalStack, plan: list[Scenario]) -> Counter[int]:
    """Post every webhook of the day, as WooCommerce would; return how many got each HTTP status."""
    answers: Counter[int] = Counter()
    with httpx.Client(base_url=stack.host_url, timeout=30) as client:
        for scenario in plan:
            payload = order_payload(scenario.order)
            for _ in range(scenario.deliveries):
                answers[deliver(client, stack, payload, "order.created")] += 1
        for scenario in plan:
            if scenario.paid_later:
                paid = replace(scenario.order, status="processing")
                payload = order_payload(paid, modified=scenario.order.created + timedelta(minutes=12))
                answers[deliver(client, stack, payload, "order.updated")] += 1
    return answers


def settle(stack: LocalStack, plan: list[Scenario], timeout: float = 180.0) -> dict[int, dict[str, Any]]:
    """Each order's dossier once the worker is done with it."""
    dossiers: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=stack.host_url, timeout=30) as client:
        while time.monotonic() < deadline:
            for scenario in plan:
                response = client.get(f"/api/orders/woocommerce/{SHOP}/{scenario.order.order_id}")
                if response.status_code == 200:
                    dossiers[scenario.order.order_id] = response.json()
            if all(_settled(dossiers.get(s.order.order_id), s) for s in plan):
                return dossiers
            time.sleep(0.5)
    return dossiers


def _settled(dossier: dict[str, Any] | None, scenario: Scenario) -> bool:
    if dossier is None or dossier["status"] not in SETTLED:
        return False
    return not (scenario.paid_later and dossier["status"] == "not_imported")


def report(stack: LocalStack, plan: list[Scenario], dossiers: dict[int, dict[str, Any]]) -> list[str]:
    """Print one row per web order; return what did not end as expected."""
    probe = stack.bc_probe()
    header = (
        f"{'web order':<10} {'story':<38} {'BC order':<12} {'customer':<9} {'status':<16} {'web total':>10}"
        f" {'BC total':>10}  agree  problem"
    )
    print(header)
    print("-" * len(header))
    surprises: list[str] = []
    for scenario in plan:
        number = str(scenario.order.order_id)
        dossier = dossiers.get(scenario.order.order_id, {})
        in_bc = probe.sales_orders(number)
        status = dossier.get("status", "missing")
        web_total = order_payload(scenario.order)["total"]
        bc_total = f"{in_bc[0]['totalAmountIncludingTax']:.2f}" if in_bc else "-"
        agree = {True: "yes", False: "NO", None: "-"}[dossier.get("totals_agree")]
        print(
            f"{number:<10} {scenario.story[:38]:<38} {in_bc[0]['number'] if in_bc else '-':<12} "
            f"{dossier.get('bc_customer_number') or '-':<9} {status:<16} "
            f"{web_total:>10} {bc_total:>10}  {agree:<5}  {dossier.get('problem', '')}"
        )
        expected_documents = 1 if scenario.expected == "in_bc" else 0
        if status != scenario.expected or len(in_bc) != expected_documents or agree == "NO":
            surprises.append(
                f"{number}: expected {scenario.expected} with {expected_documents} BC order(s), "
                f"got {status} with {len(in_bc)}"
            )
    return surprises


def main() -> int:
    started = time.monotonic()
    print("Starting Azurite, the Business Central simulator and the local Functions host ...", flush=True)
    HOST_LOG.parent.mkdir(exist_ok=True)
    HOST_LOG.unlink(missing_ok=True)
    with LocalStack(in_process=False, bc_latency_ms=20, host_log=HOST_LOG) as stack:
        rng = random.Random(20261127)
        plan = plan_day(Catalog(stack, rng), rng)
        print(f"Playing a day of {len(plan)} WooCommerce orders into {stack.host_url}/api/webhooks/woocommerce/{SHOP}")
        answers = play(stack, plan)
        print("Webhook answers: " + ", ".join(f"{count} x HTTP {status}" for status, count in sorted(answers.items())))
        dossiers = settle(stack, plan)
        print()
        surprises = report(stack, plan, dossiers)
    in_bc = sum(1 for d in dossiers.values() if d["status"] == "in_bc")
    parked = sum(1 for d in dossiers.values() if d["status"] == "needs_attention")
    print()
    print(
        f"{len(plan)} web orders: {in_bc} in BC (one sales order each), {parked} need attention with a reason; "
        f"{time.monotonic() - started:.1f} s in all."
    )
    for surprise in surprises:
        print(f"UNEXPECTED {surprise}")
    return 1 if surprises else 0


if __name__ == "__main__":
    sys.exit(main())
