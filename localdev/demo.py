"""`make demo`: a realistic day of web orders from every channel into the Business Central simulator.

Starts Azurite, the BC simulator, the WooCommerce and Shopify simulators and the local Functions host (running
function_app.py unchanged). The shops send their own signed webhooks; the B2B portal posts Standard Webhooks.
The day includes guests and returning customers, a coupon, a duplicate delivery, an unknown SKU, a blocked
customer, a B2B order without VAT, an order paid later, an unpaid Shopify order, portal orders priced by BC, and
a stretch in which the WooCommerce webhook fails so that the recovery timer has to find the orders. It waits
until every order has settled and prints what happened to each. Then it ships a few of them in BC and follows
them to delivery (demo_shipments.py). Exits 0 when every order ended as expected.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from standardwebhooks import Webhook

from integrations.businesscentral.odata import enum_value
from integrations.settings import shop_setting
from localdev.azurite import ROOT
from localdev.demo_returns import return_from_bc, return_in_shopify
from localdev.demo_shipments import ship_and_follow
from localdev.stack import ONCE_A_YEAR, SHOPIFY_SHOP, WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, signed_delivery

VAT_RATES = {"HOOG": Decimal(21), "LAAG": Decimal(9), "NUL": Decimal(0)}
SETTLED = ("in_bc", "needs_attention", "failed", "cancelled")
HOST_LOG = ROOT / ".localdev" / "demo-host.log"
PORTAL_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
DEMO_SETTINGS = {
    "KOPPEL_RECOVERY_SCHEDULE": "*/5 * * * * *",
    "KOPPEL_PORTAL_SECRET": PORTAL_SECRET,
    "KOPPEL_BC_RELEASE_API": "koppel/sales/v1.0",
    "KOPPEL_BC_SHIPPING_API": "koppel/shipping/v1.0",
    "KOPPEL_SHIPMENTS_SCHEDULE": ONCE_A_YEAR,  # once a year: the demo runs the shipment runs when it has shipped
    shop_setting("shopify", "CARRIERS", SHOPIFY_SHOP): "POSTNL=PostNL,DHL=DHL Parcel",
    "KOPPEL_BC_REFUND_API": "koppel/payments/v1.0",
    "KOPPEL_BC_RETURNS_API": "koppel/returns/v1.0",
    shop_setting("woocommerce", "REFUND_ORIGIN", WOOCOMMERCE_SHOP): "bc",
}


@dataclass
class Played:
    """One web order of the day: where to find it, and where it should end."""

    channel: str
    dossier_path: str
    bc_number: str
    story: str
    expected: str = "in_bc"
    dossier: dict[str, Any] = field(default_factory=dict)


class Catalog:
    """The shop's articles and known customers, read from BC as a connected shop would have them."""

    def __init__(self, stack: LocalStack, rng: random.Random) -> None:
        probe = stack.bc_probe()
        items = {item["id"]: item for item in probe.all("items") if not item["blocked"]}
        rates = {number: VAT_RATES[group] for number, group in probe.vat_groups().items()}
        self.items = list(items.values())
        self.lines = [_sellable(item["number"], item["displayName"], item, rates) for item in items.values()]
        self.lines += [
            _sellable(f"{items[v['itemId']]['number']}-{v['code']}", v["description"], items[v["itemId"]], rates)
            for v in probe.all("itemVariants")
            if v["itemId"] in items
        ]
        customers = probe.all("customers")
        self.consumers = [c for c in customers if c["type"] == "Person" and not enum_value(c["blocked"]) and c["email"]]
        self.companies = [c for c in customers if c["type"] == "Company" and not enum_value(c["blocked"])]
        self.blocked = next(c for c in customers if enum_value(c["blocked"]) == "All")
        self.eu_business = next(c for c in customers if not c["taxLiable"])
        self.rng = rng

    def basket(self, size: int) -> tuple[ShopLine, ...]:
        return tuple(
            ShopLine(sku, name[:60], self.rng.randint(1, 3), price, rate)
            for sku, name, price, rate in self.rng.sample(self.lines, size)
        )


def _sellable(
    sku: str, name: str, item: dict[str, Any], rates: dict[str, Decimal]
) -> tuple[str, str, Decimal, Decimal]:
    """SKU, name, price including VAT and VAT rate (`rates` by item number), as the shop shows a BC item or variant."""
    rate = rates[item["number"]]
    return sku, name, (Decimal(str(item["unitPrice"])) * (1 + rate / 100)).quantize(Decimal("0.01")), rate


def _shop_customer(bc_customer: dict[str, Any], customer_id: int) -> ShopCustomer:
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


def play_woocommerce(stack: LocalStack, catalog: Catalog, rng: random.Random) -> list[Played]:
    woo = stack.woocommerce
    assert woo is not None
    played: list[Played] = []
    now = datetime.now(UTC).replace(microsecond=0)
    order_ids = itertools.count(4101)

    def place(order: ShopOrder, story: str, expected: str = "in_bc") -> dict[str, Any]:
        placed = woo.place_order(replace(order, order_id=next(order_ids)))
        path = f"woocommerce/{WOOCOMMERCE_SHOP}/{placed['id']}"
        played.append(Played("WooCommerce", path, placed["number"], story, expected))
        return placed

    for n in range(10):
        guest = n % 3 == 0
        customer = (
            ShopCustomer("Gast", f"Koper {n}", f"gast{n}.{rng.randrange(10**6)}@example.org")
            if guest
            else _shop_customer(rng.choice(catalog.consumers), customer_id=200 + n)
        )
        coupon = Decimal(10) if n == 3 else Decimal(0)
        story = ("guest, new BC customer" if guest else "returning customer") + (", 10% coupon" if coupon else "")
        order = ShopOrder(0, customer, catalog.basket(rng.randint(1, 4)), created=now, coupon_percent=coupon)
        placed = place(order, story)
        if n == 4:
            body, headers = signed_delivery(placed, woo.webhook_secret, "order.created")
            httpx.post(f"{stack.host_url}/api/webhooks/woocommerce/{WOOCOMMERCE_SHOP}", content=body, headers=headers)
            played[-1].story += ", delivered twice"
    b2b = _shop_customer(catalog.eu_business, customer_id=900)
    place(ShopOrder(0, b2b, catalog.basket(3), created=now, vat_exempt=True), "B2B in the EU, no VAT")
    unknown = (*catalog.basket(1), ShopLine("DISCONTINUED-77", "Oude koffiemolen", 1, Decimal("49.00")))
    place(ShopOrder(0, customer, unknown, created=now), "unknown SKU", "needs_attention")
    blocked = _shop_customer(catalog.blocked, customer_id=901)
    place(ShopOrder(0, blocked, catalog.basket(2), created=now), "blocked customer", "needs_attention")
    pending = place(ShopOrder(0, customer, catalog.basket(2), created=now, status="pending"), "paid later")
    woo.update_order(pending["id"], status="processing")
    httpx.post(f"{woo.url}/_sim/webhook", json={"enabled": False}).raise_for_status()
    for _ in range(3):
        place(ShopOrder(0, customer, catalog.basket(2), created=now), "webhook failed: found by recovery")
    httpx.post(f"{woo.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
    return played


def play_shopify(stack: LocalStack, catalog: Catalog, rng: random.Random) -> list[Played]:
    shopify = stack.shopify
    assert shopify is not None
    played: list[Played] = []
    for n in range(5):
        buyer = _shop_customer(rng.choice(catalog.consumers), customer_id=0)
        unpaid = n == 4
        placed = shopify.place_order(
            catalog.basket(rng.randint(1, 3)), buyer, financial_status="pending" if unpaid else "paid"
        )
        story = "unpaid: held for prepayment" if unpaid else "paid"
        played.append(Played("Shopify", f"shopify/{SHOPIFY_SHOP}/{placed['id']}", placed["name"], story))
    shopify.wait_for_deliveries(timeout=30)
    return played


def play_portal(stack: LocalStack, catalog: Catalog, rng: random.Random) -> list[Played]:
    played: list[Played] = []
    customers = [c["number"] for c in rng.sample(catalog.companies, 3)] + ["C99999"]
    for n, customer_number in enumerate(customers, start=1):
        order_id = f"PO-{n:04d}"
        order = {
            "orderId": order_id,
            "customerNumber": customer_number,
            "purchaseOrderReference": f"Inkoop {4700 + n}",
            "requestedDeliveryDate": (datetime.now(UTC) + timedelta(days=3)).date().isoformat(),
            "lines": [
                {"itemNumber": item["number"], "quantity": rng.randint(6, 24)} for item in rng.sample(catalog.items, 2)
            ],
            "placedAt": datetime.now(UTC).isoformat(),
        }
        _post_portal(stack, order)
        unknown = customer_number == "C99999"
        story = "unknown customer number" if unknown else "B2B, BC prices"
        played.append(
            Played("Portal", f"portal/b2b/{order_id}", order_id, story, "needs_attention" if unknown else "in_bc")
        )
    return played


def _post_portal(stack: LocalStack, order: dict[str, Any]) -> None:
    body = json.dumps(order)
    message_id = f"msg_{secrets.token_hex(8)}"
    sent = datetime.now(UTC)
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": Webhook(PORTAL_SECRET).sign(message_id, sent, body),
        "Content-Type": "application/json",
    }
    httpx.post(f"{stack.host_url}/api/webhooks/portal", content=body, headers=headers).raise_for_status()


def settle(stack: LocalStack, played: list[Played], timeout: float = 120.0) -> None:
    """Wait until every order's dossier says it is done (or the deadline passes)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=stack.host_url, timeout=30) as client:
        while time.monotonic() < deadline:
            for order in played:
                if order.dossier.get("status") not in SETTLED:
                    response = client.get(f"/api/orders/{order.dossier_path}")
                    order.dossier = response.json() if response.status_code == 200 else {}
            if all(order.dossier.get("status") in SETTLED for order in played):
                return
            time.sleep(0.5)


def _outcome(dossier: dict[str, Any]) -> str:
    """Released, or why not: the hold with the failed control's words, or the reason it was parked."""
    release, problem = str(dossier.get("release", "")), str(dossier.get("problem", ""))
    if release.startswith("held"):
        return f"held: {problem}"
    return release or problem


def report(stack: LocalStack, played: list[Played]) -> list[str]:
    """Print one row per web order; return what did not end as expected."""
    probe = stack.bc_probe()
    columns: list[tuple[str, int, Callable[[Played, list[dict[str, Any]]], str]]] = [
        ("channel", 11, lambda p, _: p.channel),
        ("web order", 12, lambda p, _: p.bc_number),
        ("story", 34, lambda p, _: p.story),
        ("BC order", 12, lambda _, bc: bc[0]["number"] if bc else "-"),
        ("customer", 9, lambda p, _: p.dossier.get("bc_customer_number") or "-"),
        ("status", 16, lambda p, _: p.dossier.get("status", "missing")),
        ("BC total", 10, lambda _, bc: f"{bc[0]['totalAmountIncludingTax']:.2f}" if bc else "-"),
        ("release / problem", 0, lambda p, _: _outcome(p.dossier)),
    ]
    print("  ".join(f"{title:<{width}}" for title, width, _ in columns))
    print("-" * 150)
    surprises: list[str] = []
    for order in played:
        in_bc = probe.sales_orders(order.bc_number)
        print("  ".join(f"{show(order, in_bc)[: width or 200]:<{width}}" for _, width, show in columns))
        expected_documents = 1 if order.expected == "in_bc" else 0
        if order.dossier.get("status") != order.expected or len(in_bc) != expected_documents:
            surprises.append(
                f"{order.channel} {order.bc_number}: expected {order.expected} with {expected_documents} BC order(s), "
                f"got {order.dossier.get('status', 'nothing')} with {len(in_bc)}"
            )
        elif order.channel != "Portal" and order.expected == "in_bc" and order.dossier.get("totals_agree") is not True:
            surprises.append(f"{order.channel} {order.bc_number}: web and BC totals differ")
    return surprises


def main() -> int:
    started = time.monotonic()
    print("Starting Azurite, the BC, WooCommerce and Shopify simulators and the local Functions host ...", flush=True)
    HOST_LOG.parent.mkdir(exist_ok=True)
    HOST_LOG.unlink(missing_ok=True)
    with LocalStack(in_process=False, bc_latency_ms=20, host_log=HOST_LOG, extra_settings=DEMO_SETTINGS) as stack:
        rng = random.Random(20261127)
        catalog = Catalog(stack, rng)
        print("Playing a day of orders: WooCommerce (webhook off for three of them), Shopify, B2B portal ...")
        played = (
            play_woocommerce(stack, catalog, rng) + play_shopify(stack, catalog, rng) + play_portal(stack, catalog, rng)
        )
        settle(stack, played)
        print()
        surprises = report(stack, played)
        print()
        print("Shipping five of them in BC; the shops are told, Sendcloud follows the parcels ...")
        shipments_started = time.monotonic()
        surprises += ship_and_follow(stack, played)
        print(f"Shipments part: {time.monotonic() - shipments_started:.1f} s.")
        print()
        print("A return handled in BC: paid through Mollie, invoiced, one article back on a credit memo ...")
        surprises += return_from_bc(stack, catalog.basket(2))
        print()
        print("A return refunded in the shop: paid in Shopify, invoiced, one article refunded in Shopify's admin ...")
        surprises += return_in_shopify(stack, catalog.basket(2))
    in_bc = sum(1 for order in played if order.dossier.get("status") == "in_bc")
    released = sum(1 for order in played if order.dossier.get("release") == "released")
    parked = sum(1 for order in played if order.dossier.get("status") == "needs_attention")
    print()
    print(
        f"{len(played)} web orders: {in_bc} in BC (one sales order each, {released} released automatically), "
        f"{parked} need attention with a reason; {time.monotonic() - started:.1f} s in all. "
        f"Host log: {HOST_LOG.relative_to(ROOT)}"
    )
    for surprise in surprises:
        print(f"UNEXPECTED {surprise}")
    return 1 if surprises else 0


if __name__ == "__main__":
    sys.exit(main())
