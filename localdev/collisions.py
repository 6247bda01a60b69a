"""The document-number collision run: two WooCommerce shops without a document prefix each post an order with the
same number, at the same moment, against the local stack (the host in its own process, BC slow and faulty), for
several numbers at once. Proof that BC ends with exactly one sales order per externalDocumentNumber and that the other
web order of each pair is parked with a reason naming the web order that holds the number.

BC does not keep externalDocumentNumber unique (a second order with it is accepted; the Sales Header only notifies:
microsoft/BCApps src/Layers/W1/BaseApp/Sales/Document/SalesHeader.Table.al, field 100), so Koppel claims the number in
storage before it creates. Shared by tests/reliability/test_document_collisions.py.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from integrations.settings import shop_setting
from localdev.demo import Catalog
from localdev.proof import on_own_stack, read_dossier
from localdev.stack import WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopOrder, order_payload, signed_delivery

SECOND_SHOP = "shop-c"
"""A second WooCommerce shop, webhooks only (no REST feed), that shares the BC company without a prefix."""
SETTLED = ("in_bc", "needs_attention", "failed", "not_imported", "cancelled")


@dataclass(frozen=True)
class CollisionPlan:
    numbers: int = 12
    """How many order numbers both shops post: one pair of web orders each."""
    latency_ms: int = 60
    """Per BC request: the look-ups before a create take long enough for the two of a pair to overlap."""
    rate_429: float = 0.05
    rate_lost_response: float = 0.02
    settle_timeout_s: float = 90.0
    first_order_id: int = 910_001
    seed: int = 20261207


@dataclass
class CollisionReport:
    plan: CollisionPlan
    in_bc: dict[str, int] = field(default_factory=dict)
    """BC sales orders per externalDocumentNumber posted."""
    outcomes: dict[str, str] = field(default_factory=dict)
    """Per web order key: its dossier's status and problem."""
    doubled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    """Numbers whose pair is not one order in BC and the other parked naming it."""
    faults: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0

    @property
    def held(self) -> bool:
        return bool(self.in_bc) and not (self.doubled or self.missing or self.unexplained)

    def lines(self) -> list[str]:
        faults = self.faults
        return [
            f"collision run: {len(self.in_bc)} order numbers, each posted by {WOOCOMMERCE_SHOP} and {SECOND_SHOP} "
            f"(no document prefix) at the same moment; settled in {self.elapsed_s:.1f} s",
            f"  BC latency {self.plan.latency_ms} ms; faults injected: 429 {faults.get('429', 0)}, lost responses "
            f"{faults.get('lost_response', 0)}",
            f"  doubled: {len(self.doubled)}   missing: {len(self.missing)}   not one in BC and one parked naming "
            f"it: {len(self.unexplained)}",
            *[f"    {line}" for line in (self.doubled + self.missing + self.unexplained)[:10]],
            f"  invariants: {'HELD' if self.held else 'BROKEN'}",
        ]


def run_collisions(plan: CollisionPlan, workdir: Path, say: Callable[[str], None] = print) -> CollisionReport:
    """Start a stack of its own under `workdir` with the second shop, run the plan, stop everything."""
    secret = secrets.token_urlsafe(24)
    second_shop = {
        "KOPPEL_WOOCOMMERCE_SHOPS": f"{WOOCOMMERCE_SHOP},{SECOND_SHOP}",
        shop_setting("woocommerce", "SECRET", SECOND_SHOP): secret,
        "KOPPEL_BC_PAYMENT_JOURNAL": "",
    }
    return on_own_stack(
        workdir, lambda stack: _CollisionRun(stack, plan, secret, say).execute(), extra_settings=second_shop
    )


class _CollisionRun:
    def __init__(self, stack: LocalStack, plan: CollisionPlan, second_secret: str, say: Callable[[str], None]):
        assert stack.bc is not None
        self.stack = stack
        self.bc = stack.bc
        self.plan = plan
        self.secrets = {WOOCOMMERCE_SHOP: stack.shop_secrets[WOOCOMMERCE_SHOP], SECOND_SHOP: second_secret}
        self.say = say
        self.report = CollisionReport(plan)
        self._http = httpx.Client(timeout=30)

    def execute(self) -> CollisionReport:
        try:
            started = time.monotonic()
            orders = self._orders(Catalog(self.stack, random.Random(self.plan.seed)))
            self._inject_faults()
            self._post_in_pairs(orders)
            self.say(f"posted {len(orders)} order numbers from two shops; waiting for them to settle")
            self._settle(orders, started + self.plan.settle_timeout_s)
            self.report.elapsed_s = time.monotonic() - started
            self._verify(orders)
            return self.report
        finally:
            self._http.close()

    def _orders(self, catalog: Catalog) -> list[ShopOrder]:
        """One order per number: the same basket in both shops, so a look-alike could pass for the other."""
        created = datetime.now(UTC).replace(microsecond=0)
        return [
            ShopOrder(
                self.plan.first_order_id + n,
                ShopCustomer("Botsing", f"Gast {n}", f"botsing.{n}@example.org"),
                catalog.basket(2),
                created=created,
            )
            for n in range(self.plan.numbers)
        ]

    def _inject_faults(self) -> None:
        faults = {
            "rate_429": self.plan.rate_429,
            "rate_lost_response": self.plan.rate_lost_response,
            "latency_ms": self.plan.latency_ms,
            "next": [{"fault": "lost_response", "method": "POST", "path_contains": "salesOrders"}],
        }
        self._http.post(f"{self.bc.url}/_sim/faults", json=faults).raise_for_status()

    def _post_in_pairs(self, orders: list[ShopOrder]) -> None:
        """Each order posted to both shops' webhook URLs at once (a barrier per pair), all pairs together."""
        with ThreadPoolExecutor(2 * len(orders), thread_name_prefix="collide") as pool:
            posts = []
            for order in orders:
                together = threading.Barrier(2)
                payload = order_payload(order)
                posts += [pool.submit(self._post, shop, payload, together) for shop in self.secrets]
            for post in posts:
                post.result()

    def _post(self, shop: str, payload: dict[str, Any], together: threading.Barrier) -> None:
        body, headers = signed_delivery(payload, self.secrets[shop], "order.created")
        together.wait()
        url = f"{self.stack.host_url}/api/webhooks/woocommerce/{shop}"
        self._http.post(url, content=body, headers=headers).raise_for_status()

    def _settle(self, orders: list[ShopOrder], deadline: float) -> None:
        pending = [(shop, order.order_id) for order in orders for shop in self.secrets]
        while pending and time.monotonic() < deadline:
            pending = [(shop, order_id) for shop, order_id in pending if not self._settled(shop, order_id)]
            time.sleep(1.0)

    def _settled(self, shop: str, order_id: int) -> bool:
        dossier = self._dossier(shop, order_id)
        if dossier is None or dossier["status"] not in SETTLED:
            return False
        self.report.outcomes[f"woocommerce:{shop}:{order_id}"] = f"{dossier['status']}: {dossier.get('problem')}"
        return True

    def _dossier(self, shop: str, order_id: int) -> dict[str, Any] | None:
        return read_dossier(self._http, self.stack, f"/api/orders/woocommerce/{shop}/{order_id}")

    def _verify(self, orders: list[ShopOrder]) -> None:
        report = self.report
        report.faults = dict(self._http.get(f"{self.bc.url}/_sim/stats").raise_for_status().json()["faults"])
        self._http.delete(f"{self.bc.url}/_sim/faults").raise_for_status()
        by_number: dict[str, int] = {}
        for document in self.stack.bc_probe().all("salesOrders"):
            number = document["externalDocumentNumber"]
            by_number[number] = by_number.get(number, 0) + 1
        for order in orders:
            number = str(order.order_id)
            report.in_bc[number] = by_number.get(number, 0)
            if report.in_bc[number] > 1:
                report.doubled.append(f"{number}: {report.in_bc[number]} BC orders")
            elif report.in_bc[number] == 0:
                report.missing.append(f"{number}: no BC order")
            elif not self._one_holds_and_one_is_parked(order.order_id):
                pair = {key: outcome for key, outcome in report.outcomes.items() if key.endswith(f":{number}")}
                report.unexplained.append(f"{number}: {pair or 'not settled'}")

    def _one_holds_and_one_is_parked(self, order_id: int) -> bool:
        outcomes = {shop: self.report.outcomes.get(f"woocommerce:{shop}:{order_id}", "") for shop in self.secrets}
        holders = [shop for shop, outcome in outcomes.items() if outcome.startswith("in_bc")]
        if len(holders) != 1:
            return False
        (other,) = set(outcomes) - set(holders)
        return (
            outcomes[other].startswith("needs_attention")
            and f"woocommerce:{holders[0]}:{order_id}" in (outcomes[other])
        )
