"""The payments proof run: every payment of a web order booked in BC exactly once, and the customer balances right.

Places WooCommerce orders in the simulator (it sends its own signed webhooks into the local host, which runs in its
own process) and pays each through the Mollie or the Stripe simulator (their own webhooks, as the shop's payment
plugin would make them). Some payments are made and paid before their order is placed, some webhooks are delivered
twice (Stripe's resend control; for Mollie the same `id=` hint posted again), some orders are paid in two parts;
the BC simulator injects 429, 503, lost responses and latency throughout. Once every order is in BC, each is shipped
and invoiced in BC as the warehouse would; BC's salesInvoices webhook and the booking timer's poll file the invoices,
and the booking timer books every matched payment in Koppel's payment journal, applied to its invoice. The run
waits, bounded, until every payment shows booked, clears the faults and checks BC: every invoice paid, one payment
ledger entry per payment, each customer's balance what it was plus their invoices minus their payments, nothing
unmatched, the journal and the queues empty.

Shared by tests/reliability/test_payments_proof.py (a size that fits `make test`) and `python -m bench payments`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
from azure.core.exceptions import AzureError
from azure.storage.queue import QueueClient

from integrations.storage.account import BC_NOTIFICATIONS_QUEUE, ORDERS_QUEUE, PAYMENTS_QUEUE
from localdev.demo import Catalog
from localdev.proof import Tally, on_own_stack, read_dossier
from localdev.stack import PAYMENT_ACCOUNT, WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopOrder, order_payload

FIRST_ORDER_ID = 810_001
CENT = Decimal("0.01")
JOURNAL = "KOPPEL"
QUEUES = (ORDERS_QUEUE, PAYMENTS_QUEUE, BC_NOTIFICATIONS_QUEUE)
DOSSIERS_PER_ROUND = 40
QUEUES_TIMEOUT_S = 300.0
"""How long the check waits for the queues to drain, messages a worker still holds included (a queue's count has
them): one collection notification read 463 invoices under injected 429s for 54 s. Checking before that work ends
would count it as left over and fail a run whose every payment was booked."""
BEFORE_ORDER_LEAD_S = 3.0
"""A payment made before its order: the order is placed this long after the payment was paid."""
PAY_AFTER_S = 1.0
"""Other payments: paid this long after their order was placed."""


@dataclass(frozen=True)
class PaymentsPlan:
    orders: int = 500
    before_order_share: float = 0.15
    duplicate_share: float = 0.20
    partial_share: float = 0.10
    stripe_share: float = 0.30
    rate_429: float = 0.05
    rate_503: float = 0.05
    rate_lost_response: float = 0.02
    latency_ms: int = 10
    orders_per_second: float = 10.0
    placers: int = 6
    invoicers: int = 3
    in_bc_timeout_s: float = 180.0
    booked_timeout_s: float = 300.0
    seed: int = 20261201


@dataclass
class WebPayment:
    """One payment at Mollie or Stripe for a web order, and how it is delivered."""

    provider: str
    amount: Decimal
    order_id: int
    twice: str = ""
    """"" once; "soon": the webhook again right after; "late": again once the orders are invoiced."""
    payment_id: str = ""
    booked: dict[str, Any] | None = None


@dataclass
class PaidOrder:
    order_id: int
    customer: ShopCustomer
    basket: tuple[Any, ...]
    total: Decimal
    before_order: bool
    payments: list[WebPayment]
    number: str = ""
    bc_order_id: str = ""

    @property
    def dossier_path(self) -> str:
        return f"/api/orders/woocommerce/{WOOCOMMERCE_SHOP}/{self.order_id}"


@dataclass
class PaymentsReport:
    plan: PaymentsPlan
    orders: list[PaidOrder] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    faults: dict[str, int] = field(default_factory=dict)
    bc_requests: int = 0
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    not_in_bc: list[str] = field(default_factory=list)
    not_invoiced: list[str] = field(default_factory=list)
    not_booked: list[str] = field(default_factory=list)
    booked_twice: list[str] = field(default_factory=list)
    wrong_bookings: list[str] = field(default_factory=list)
    open_invoices: list[str] = field(default_factory=list)
    wrong_balances: list[str] = field(default_factory=list)
    stray_ledger: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    journal_left: int = -1
    queues_left: dict[str, int] = field(default_factory=dict)
    customers: int = 0
    invoiced_total: Decimal = Decimal(0)
    paid_total: Decimal = Decimal(0)
    elapsed_s: float = 0.0
    placing_s: float = 0.0
    in_bc_s: float = 0.0
    invoicing_s: float = 0.0
    booking_s: float = 0.0
    drain_s: float = 0.0

    @property
    def payments(self) -> list[WebPayment]:
        return [payment for order in self.orders for payment in order.payments]

    @property
    def held(self) -> bool:
        """Every payment booked once against its invoice, every invoice paid, every balance right, nothing left."""
        broken = (
            self.not_in_bc,
            self.not_invoiced,
            self.not_booked,
            self.booked_twice,
            self.wrong_bookings,
            self.open_invoices,
            self.wrong_balances,
            self.stray_ledger,
            self.unmatched,
        )
        queues_empty = len(self.queues_left) == 2 * len(QUEUES) and not any(self.queues_left.values())
        return not any(broken) and self.journal_left == 0 and queues_empty and len(self.orders) > 0

    @property
    def duplicated(self) -> int:
        return sum(1 for payment in self.payments if payment.twice)

    @property
    def before_order(self) -> int:
        return sum(1 for order in self.orders if order.before_order)

    @property
    def partial(self) -> int:
        return sum(1 for order in self.orders if len(order.payments) > 1)

    @property
    def booked(self) -> int:
        return sum(1 for payment in self.payments if payment.booked is not None)

    def lines(self) -> list[str]:
        c = self.counts
        payments = self.payments
        by_provider = Counter(payment.provider for payment in payments)
        twice = Counter(payment.twice for payment in payments if payment.twice)
        faults = self.faults
        runs = list(self.runs.values())
        queues = ", ".join(f"{name} {count}" for name, count in self.queues_left.items())
        return [
            f"payments run: {len(self.orders)} WooCommerce orders placed over {self.placing_s:.1f} s with "
            f"{len(payments)} payments (Mollie {by_provider['mollie']}, Stripe {by_provider['stripe']})",
            f"  before their order:  {self.before_order} orders paid before they were placed",
            f"  partial payments:    {self.partial} orders paid in two parts",
            f"  duplicates:          {self.duplicated} payments whose webhook was delivered twice (right after "
            f"{twice['soon']}, after invoicing {twice['late']}; Stripe resends {c['stripe_resends']}, Mollie "
            f"hints re-posted {c['mollie_reposts']}); without 2xx: {c['duplicate_failed']}",
            f"  faults injected:     429 {faults.get('429', 0)}, 503 {faults.get('503', 0)}, lost responses "
            f"{faults.get('lost_response', 0)} in {self.bc_requests} BC requests, latency {self.plan.latency_ms} ms",
            f"  in BC:               {len(self.orders) - len(self.not_in_bc)} of {len(self.orders)} orders "
            f"after {self.in_bc_s:.1f} s; invoiced in BC {c['invoiced']} in {self.invoicing_s:.1f} s "
            f"({c['invoice_retries']} retries of ship-and-invoice under the faults)",
            f"  booking runs:        {len(runs)} seen ({sum(1 for r in runs if not r.get('completed'))} stopped "
            f"early by a fault), booked {sum(int(r.get('pushed', 0)) for r in runs)}, parked "
            f"{sum(int(r.get('failed', 0)) for r in runs)}, invoice states filed by their poll "
            f"{sum(int(r.get('changed', 0)) for r in runs)} (an invoice again when BC changed it, e.g. paid)",
            f"  booked:              {self.booked} of {len(payments)} payments, {self.booking_s:.1f} s after the "
            f"last invoice; not booked {len(self.not_booked)}, booked twice {len(self.booked_twice)}, booking "
            f"not as paid {len(self.wrong_bookings)}",
            f"  BC:                  {len(self.orders) - len(self.open_invoices)} of {len(self.orders)} orders' "
            f"invoices paid (EUR {self.invoiced_total} invoiced, EUR {self.paid_total} paid); {self.customers} "
            f"customers, balance not as expected {len(self.wrong_balances)}; payment ledger entries not for a "
            f"run payment {len(self.stray_ledger)}",
            f"  left over:           unmatched {len(self.unmatched)}, journal {JOURNAL} lines {self.journal_left}; "
            f"queues {queues} (after waiting {self.drain_s:.1f} s for work in flight)",
            f"  elapsed:             {self.elapsed_s:.1f} s (first order placed to BC checked)",
            f"  invariants:          {'HELD' if self.held else 'BROKEN'}",
        ]


def run_payments_proof(plan: PaymentsPlan, workdir: Path, say: Callable[[str], None] = print) -> PaymentsReport:
    """Start a stack of its own under `workdir` (Azurite data, host log), run the plan, stop everything."""

    def run(stack: LocalStack) -> PaymentsReport:
        with PaymentsRun(stack, plan, say) as payments:
            return payments.execute()

    return on_own_stack(workdir, run)


class PaymentsRun:
    """The run on a stack already started; its HTTP client lives until the `with` ends, so a later phase on the same
    stack (localdev/refunds_proof.py) can go on with the same orders and deliver their webhooks again."""

    def __init__(self, stack: LocalStack, plan: PaymentsPlan, say: Callable[[str], None]) -> None:
        assert stack.bc is not None
        assert stack.woocommerce is not None
        assert stack.mollie is not None
        assert stack.stripe is not None
        self.stack = stack
        self.bc = stack.bc
        self.woo = stack.woocommerce
        self.mollie = stack.mollie
        self.stripe = stack.stripe
        self.plan = plan
        self.say = say
        self.rng = random.Random(plan.seed)
        self.report = PaymentsReport(plan)
        self.tally = Tally(self.report.counts)
        self._http = httpx.Client(timeout=30)

    def __enter__(self) -> PaymentsRun:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def execute(self) -> PaymentsReport:
        report = self.report
        probe = self.stack.bc_probe()
        catalog = Catalog(self.stack, self.rng)
        balances = {c["id"]: Decimal(str(c["balanceDue"])) for c in probe.all("customers")}
        ledger_before = len(self.bc.store.customer_ledger)
        self._http.post(f"{self.stack.host_url}/api/ops/sync/bc-subscriptions/run").raise_for_status()
        report.orders = self._plan_orders(catalog)
        self._inject_faults()
        started = time.monotonic()
        self._place_and_pay()
        report.placing_s = time.monotonic() - started
        self.say(f"placed and paid {len(report.orders)} orders in {report.placing_s:.1f} s; waiting for BC")
        step = time.monotonic()
        self._wait_in_bc(step + self.plan.in_bc_timeout_s)
        report.in_bc_s = time.monotonic() - step
        step = time.monotonic()
        self._invoice()
        report.invoicing_s = time.monotonic() - step
        self.say(f"invoiced {report.counts['invoiced']} orders in BC in {report.invoicing_s:.1f} s")
        self._deliver_late_duplicates()
        step = time.monotonic()
        self._wait_booked(step + self.plan.booked_timeout_s)
        report.booking_s = time.monotonic() - step
        step = time.monotonic()
        self.wait_queues_empty(step + QUEUES_TIMEOUT_S)
        report.drain_s = time.monotonic() - step
        self.say(f"booking waited {report.booking_s:.1f} s, the queues {report.drain_s:.1f} s; checking BC")
        self._verify(balances, ledger_before)
        report.elapsed_s = time.monotonic() - started
        return report

    def _inject_faults(self) -> None:
        plan = self.plan
        faults = {
            "rate_429": plan.rate_429,
            "rate_503": plan.rate_503,
            "rate_lost_response": plan.rate_lost_response,
            "latency_ms": plan.latency_ms,
        }
        self._http.post(f"{self.bc.url}/_sim/faults", json=faults).raise_for_status()
        self._http.post(f"{self.bc.url}/_sim/stats/reset").raise_for_status()

    # -- the plan ------------------------------------------------------------------------------------------------

    def _plan_orders(self, catalog: Catalog) -> list[PaidOrder]:
        plan, rng = self.plan, self.rng
        orders = []
        for n in range(plan.orders):
            order_id = FIRST_ORDER_ID + n
            customer = self._customer(catalog, n)
            basket = catalog.basket(rng.randint(1, 4))
            total = self._total(ShopOrder(order_id, customer, basket, created=_now()))
            provider = "stripe" if rng.random() < plan.stripe_share else "mollie"
            if rng.random() < plan.partial_share:
                first = (total * Decimal(str(rng.uniform(0.3, 0.7)))).quantize(CENT, ROUND_HALF_UP)
                amounts = [first, total - first]
            else:
                amounts = [total]
            payments = [WebPayment(provider, amount, order_id) for amount in amounts]
            for payment in payments:
                if rng.random() < plan.duplicate_share:
                    payment.twice = rng.choice(("soon", "late"))
            before = rng.random() < plan.before_order_share
            orders.append(PaidOrder(order_id, customer, basket, total, before, payments))
        return orders

    def _customer(self, catalog: Catalog, n: int) -> ShopCustomer:
        """A third guests (a new BC customer each), the rest returning customers known in BC (several orders each)."""
        if n % 3 == 0 or not catalog.consumers:
            return ShopCustomer("Betaal", f"Gast {n}", f"betaal.gast.{n}@example.org")
        known = self.rng.choice(catalog.consumers)
        first, _, last = known["displayName"].partition(" ")
        return ShopCustomer(first, last or "-", known["email"], customer_id=6000 + catalog.consumers.index(known))

    @staticmethod
    def _total(order: ShopOrder) -> Decimal:
        return Decimal(str(order_payload(order)["total"]))

    # -- placing and paying --------------------------------------------------------------------------------------

    def _place_and_pay(self) -> None:
        """Each order at its slot; a payment before its order some seconds ahead of it, the others just after."""
        rate = self.plan.orders_per_second
        steps: list[tuple[float, int, Callable[[], None]]] = []
        placed: dict[int, threading.Event] = {o.order_id: threading.Event() for o in self.report.orders}
        paid: dict[int, threading.Event] = {o.order_id: threading.Event() for o in self.report.orders}
        for n, order in enumerate(self.report.orders):
            slot = n / rate
            if order.before_order:
                steps.append((slot, 2 * n, _then(self._pay_all, order, paid)))
                steps.append((slot + BEFORE_ORDER_LEAD_S, 2 * n + 1, _after(paid, order, self._place, placed)))
            else:
                steps.append((slot, 2 * n, _then(self._place, order, placed)))
                steps.append((slot + PAY_AFTER_S, 2 * n + 1, _after(placed, order, self._pay_all, paid)))
        steps.sort(key=lambda step: (step[0], step[1]))
        started = time.monotonic()
        with ThreadPoolExecutor(self.plan.placers, thread_name_prefix="place") as pool:
            futures: list[Future[None]] = [pool.submit(_at, started + slot, action) for slot, _, action in steps]
            for future in futures:
                future.result()

    def _place(self, order: PaidOrder) -> None:
        self._keep_woo_webhook_enabled()
        shop_order = ShopOrder(order.order_id, order.customer, order.basket, created=_now())
        body = self.woo.place_order(shop_order)
        order.number = str(body["number"]).upper()
        if Decimal(str(body["total"])) != order.total:
            raise RuntimeError(f"order {order.order_id}: the shop's total {body['total']} is not {order.total}")

    def _pay_all(self, order: PaidOrder) -> None:
        for payment in order.payments:
            if payment.provider == "mollie":
                self._pay_mollie(payment)
            else:
                self._pay_stripe(payment)
            if payment.twice == "soon":
                self.deliver_again(payment)

    def _pay_mollie(self, payment: WebPayment) -> None:
        created = self._call(
            "POST",
            f"{self.mollie.url}/v2/payments",
            json={
                "amount": {"currency": "EUR", "value": f"{payment.amount:.2f}"},
                "description": f"Bestelling {payment.order_id}",
                "redirectUrl": "https://shop.example.nl/bedankt",
                "webhookUrl": f"{self.stack.host_url}/api/webhooks/mollie/{PAYMENT_ACCOUNT}",
                "metadata": {"order_id": str(payment.order_id)},
            },
            headers={"Authorization": f"Bearer {self.mollie.api_key}"},
        )
        payment.payment_id = str(created["id"])
        self._call("POST", f"{self.mollie.url}/_sim/payments/{payment.payment_id}/status", json={"status": "paid"})
        self.tally.add("mollie_payments")

    def _pay_stripe(self, payment: WebPayment) -> None:
        form = {
            "amount": str(int(payment.amount * 100)),
            "currency": "eur",
            "metadata[order_id]": str(payment.order_id),
        }
        intent = self._call(
            "POST",
            f"{self.stripe.url}/v1/payment_intents",
            data=form,
            headers={"Authorization": f"Bearer {self.stripe.api_key}"},
        )
        payment.payment_id = str(intent["id"])
        self._call("POST", f"{self.stripe.url}/_sim/payment_intents/{payment.payment_id}/succeed", json={})
        self.tally.add("stripe_payments")

    def deliver_again(self, payment: WebPayment, stripe_event: str = "payment_intent.succeeded") -> None:
        """The provider's webhook once more: Stripe resends the payment's latest `stripe_event` (the intent's, or a
        charge's of it); Mollie's `id=` hint posted again."""
        if payment.provider == "stripe":
            events = self._call("GET", f"{self.stripe.url}/_sim/events")
            found = [
                event["id"]
                for event in _listed(events)
                if event["type"] == stripe_event
                and payment.payment_id in (event["data"]["object"]["id"], event["data"]["object"].get("payment_intent"))
            ]
            if not found:
                self.tally.add("duplicate_failed")
                return
            sent = self._call("POST", f"{self.stripe.url}/_sim/events/{found[-1]}/resend", json={})
            self.tally.add("stripe_resends")
            outcomes = [d.get("outcome") for d in _listed(sent)]
            if not any(isinstance(o, int) and 200 <= o < 300 for o in outcomes):
                self.tally.add("duplicate_failed")
            return
        try:
            status = self._http.post(
                f"{self.stack.host_url}/api/webhooks/mollie/{PAYMENT_ACCOUNT}",
                content=f"id={payment.payment_id}".encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ).status_code
        except httpx.HTTPError:
            status = 0
        self.tally.add("mollie_reposts")
        if not 200 <= status < 300:
            self.tally.add("duplicate_failed")

    def _deliver_late_duplicates(self) -> None:
        late = [payment for payment in self.report.payments if payment.twice == "late"]
        with ThreadPoolExecutor(self.plan.placers, thread_name_prefix="again") as pool:
            for future in [pool.submit(self.deliver_again, payment) for payment in late]:
                future.result()

    def _keep_woo_webhook_enabled(self) -> None:
        """WooCommerce disables a webhook after 5 failed deliveries in a row; the shop owner switches it back on."""
        if not self.woo.webhook.enabled:
            self._http.post(f"{self.woo.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
            self.tally.add("woo_webhook_reenabled")

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self._http.request(method, url, **kwargs)
        response.raise_for_status()
        return response.json()

    # -- BC: in, invoiced, booked --------------------------------------------------------------------------------

    def _wait_in_bc(self, deadline: float) -> None:
        """Until every order is a sales order in BC (read in process: no injected faults)."""
        pending = list(self.report.orders)
        while pending and time.monotonic() < deadline:
            in_bc = self._bc_orders()
            for order in pending:
                order.bc_order_id = in_bc.get(order.number, "")
            pending = [order for order in pending if not order.bc_order_id]
            if pending:
                time.sleep(1.0)
        self.report.not_in_bc = [f"{o.order_id}: {self._status(o)}" for o in pending]

    def _bc_orders(self) -> dict[str, str]:
        for _ in range(20):
            try:
                rows = list(self.bc.store.sales_orders.rows.values())
            except RuntimeError:
                continue
            return {str(row.get("externalDocumentNumber", "")): str(row["id"]) for row in rows}
        return {}

    def _status(self, order: PaidOrder) -> str:
        dossier = self._dossier(order)
        return f"{dossier.get('status')}: {dossier.get('problem')}" if dossier else "no dossier"

    def _invoice(self) -> None:
        """Ship and invoice every order in BC, as the warehouse would, through the faults."""
        probe = self.stack.bc_probe()
        orders = [order for order in self.report.orders if order.bc_order_id]
        with ThreadPoolExecutor(self.plan.invoicers, thread_name_prefix="invoice") as pool:
            for future in [pool.submit(self._ship_and_invoice, probe, order) for order in orders]:
                future.result()

    def _ship_and_invoice(self, probe: Any, order: PaidOrder) -> None:
        for attempt in range(30):
            if attempt and self.bc.store.sales_orders.get(order.bc_order_id) is None:
                break  # the answer was lost, the invoice was posted
            try:
                probe.ship_and_invoice(order.bc_order_id)
                break
            except httpx.HTTPError:
                self.tally.add("invoice_retries")
                time.sleep(0.2 * (attempt + 1))
        else:
            self.report.not_invoiced.append(str(order.order_id))
            return
        self.tally.add("invoiced")

    def _wait_booked(self, deadline: float) -> None:
        """Until every payment's dossier shows it booked: a few dossiers per round, oldest pending first."""
        pending = [order for order in self.report.orders if order.bc_order_id]
        while pending and time.monotonic() < deadline:
            self._read_runs()
            done = [order for order in pending[:DOSSIERS_PER_ROUND] if self._all_booked(order)]
            rest = [order for order in pending if order not in done]
            pending = rest[DOSSIERS_PER_ROUND:] + rest[:DOSSIERS_PER_ROUND]
            if pending and not done:
                time.sleep(1.0)
        self._read_runs()

    def wait_queues_empty(self, deadline: float) -> None:
        """BC notifies a change a second after it: until the queues are empty twice in a row, seconds apart. A
        message a worker holds counts until it is done, so work in flight is waited for, not counted as left."""
        empty_rounds = 0
        while empty_rounds < 2 and time.monotonic() < deadline:
            empty = all(self._queue_length(name) == 0 for name in QUEUES)
            empty_rounds = empty_rounds + 1 if empty else 0
            time.sleep(2.0)

    def _all_booked(self, order: PaidOrder) -> bool:
        dossier = self._dossier(order)
        if dossier is None:
            return False
        shown = {str(p.get("payment_id")): p for p in dossier.get("payments", [])}
        for payment in order.payments:
            booking = (shown.get(payment.payment_id) or {}).get("booking")
            payment.booked = booking if booking and booking.get("state") == "booked" else None
        return all(payment.booked is not None for payment in order.payments)

    def _read_runs(self) -> None:
        try:
            body = self._http.get(f"{self.stack.host_url}/api/ops/sync/payments-bc").json()
        except (httpx.HTTPError, ValueError):
            return
        for run in body.get("runs", []):
            self.report.runs[str(run.get("started_at"))] = run

    def _dossier(self, order: PaidOrder) -> dict[str, Any] | None:
        return read_dossier(self._http, self.stack, order.dossier_path)

    # -- checking ------------------------------------------------------------------------------------------------

    def _verify(self, balances: dict[str, Decimal], ledger_before: int) -> None:
        report = self.report
        stats = self._call("GET", f"{self.bc.url}/_sim/stats")
        report.faults = dict(stats["faults"])
        report.bc_requests = int(stats["requests"])
        self._http.delete(f"{self.bc.url}/_sim/faults").raise_for_status()
        probe = self.stack.bc_probe()
        self._check_bookings()
        invoices_of: dict[str, list[dict[str, Any]]] = {}
        for invoice in probe.all("salesInvoices"):
            invoices_of.setdefault(str(invoice.get("orderId")), []).append(invoice)
        expected = dict(balances)
        customers: set[str] = set()
        for order in report.orders:
            invoices = invoices_of.get(order.bc_order_id, []) if order.bc_order_id else []
            if not invoices:
                continue
            for invoice in invoices:
                total = Decimal(str(invoice["totalAmountIncludingTax"]))
                customer = str(invoice["billToCustomerId"])
                expected[customer] = expected.get(customer, Decimal(0)) + total
                report.invoiced_total += total
                if Decimal(str(invoice["remainingAmount"])) != 0 or invoice["status"] != "Paid":
                    report.open_invoices.append(
                        f"{order.order_id}: invoice {invoice['number']} {invoice['status']}, remaining "
                        f"{invoice['remainingAmount']} of {invoice['totalAmountIncludingTax']}"
                    )
            customer = str(invoices[0]["billToCustomerId"])
            customers.add(customer)
            paid = sum((payment.amount for payment in order.payments), Decimal(0))
            expected[customer] -= paid
            report.paid_total += paid
        report.customers = len(customers)
        self._check_balances(probe, balances, expected)
        self._check_ledger(ledger_before)
        self._check_left_over(probe)

    def _check_bookings(self) -> None:
        report = self.report
        for order in report.orders:
            if order.bc_order_id and any(payment.booked is None for payment in order.payments):
                self._all_booked(order)
            for payment in order.payments:
                booking = payment.booked
                if booking is None:
                    report.not_booked.append(f"{order.order_id} {payment.provider} {payment.amount}")
                    continue
                reference = str(booking.get("external_document_number", ""))
                if reference != payment.payment_id.upper() or Decimal(str(booking.get("amount"))) != payment.amount:
                    report.wrong_bookings.append(
                        f"{order.order_id} {payment.provider}: booked {booking.get('amount')} as {reference}, "
                        f"paid {payment.amount}"
                    )

    def _check_balances(self, probe: Any, before: dict[str, Decimal], expected: dict[str, Decimal]) -> None:
        """Every customer the run sold to: balance before + invoices - payments; every other one: unchanged."""
        report = self.report
        now = {str(c["id"]): c for c in probe.all("customers")}
        for customer_id in sorted(set(now) | set(expected)):
            found = now.get(customer_id)
            if found is None:
                report.wrong_balances.append(f"customer {customer_id}: gone from BC")
                continue
            balance = Decimal(str(found["balanceDue"])).quantize(CENT)
            want = expected.get(customer_id, Decimal(0)).quantize(CENT)
            if balance != want:
                report.wrong_balances.append(
                    f"customer {found['number']}: balanceDue {balance}, expected {want} "
                    f"(before the run {before.get(customer_id, Decimal(0))})"
                )

    def _check_ledger(self, ledger_before: int) -> None:
        """One payment entry in BC's customer ledger per payment (read in process: the API serves no ledger)."""
        report = self.report
        entries = list(self.bc.store.customer_ledger)[ledger_before:]
        references = Counter(e.external_document_number for e in entries if e.document_type == "Payment")
        ours = {payment.payment_id.upper(): payment for payment in report.payments}
        for reference, count in references.items():
            if reference not in ours:
                report.stray_ledger.append(f"{reference}: {count} payment entries")
            elif count > 1:
                payment = ours[reference]
                report.booked_twice.append(f"{payment.order_id} {payment.provider}: {count} payment entries")
        for reference, payment in ours.items():
            if references[reference] == 0 and payment.booked is not None:
                report.not_booked.append(f"{payment.order_id} {payment.provider}: booked, but no entry in BC")

    def _check_left_over(self, probe: Any) -> None:
        report = self.report
        body = self._call("GET", f"{self.stack.host_url}/api/ops/payments/unmatched")
        report.unmatched = [
            f"{entry.get('payment', {}).get('provider')} {entry.get('payment', {}).get('payment_id')}: "
            f"{entry.get('status')} {entry.get('note', '')}"
            for entry in body.get("payments", [])
        ]
        journals = probe.all("customerPaymentJournals", **{"$filter": f"code eq '{JOURNAL}'"})
        report.journal_left = sum(
            len(probe.all(f"customerPaymentJournals({journal['id']})/customerPayments")) for journal in journals
        )
        for name in QUEUES:
            report.queues_left[name] = self._queue_length(name)
            report.queues_left[f"{name}-poison"] = self._queue_length(f"{name}-poison")

    def _queue_length(self, name: str) -> int:
        """Messages in the queue; 0 for a queue that was never made (nothing was ever poisoned)."""
        client = QueueClient.from_connection_string(self.stack.azurite.connection_string, name)
        try:
            with client:
                count: int = client.get_queue_properties().approximate_message_count or 0
                return count
        except AzureError as error:
            return 0 if getattr(error, "error_code", "") == "QueueNotFound" else -1


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _listed(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        for key in ("data", "events", "deliveries", "value"):
            if isinstance(body.get(key), list):
                return list(body[key])
    return list(body) if isinstance(body, list) else []


def _at(when: float, action: Callable[[], None]) -> None:
    time.sleep(max(0.0, when - time.monotonic()))
    action()


def _then(
    action: Callable[[PaidOrder], None], order: PaidOrder, done: dict[int, threading.Event]
) -> Callable[[], None]:
    def step() -> None:
        try:
            action(order)
        finally:
            done[order.order_id].set()

    return step


def _after(
    first: dict[int, threading.Event],
    order: PaidOrder,
    action: Callable[[PaidOrder], None],
    done: dict[int, threading.Event],
) -> Callable[[], None]:
    """`action` once the order's first step is over (it started earlier on the same pool, so it is running)."""

    def step() -> None:
        first[order.order_id].wait(timeout=120)
        _then(action, order, done)()

    return step
