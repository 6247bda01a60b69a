"""The shop refunds proof run: every refund a shop owner makes in WooCommerce, on a shop whose refunds start in the
shop and whose credit memos Koppel posts, becomes exactly one posted BC credit memo, which the provider's refund pays
back in BC.

First the payments proof's run on the same stack (localdev/payments_proof.py: WooCommerce orders paid through
Mollie and Stripe, invoiced in BC and booked). Then the shop owner refunds about a third of the orders paid in one
payment in WooCommerce (`POST orders/{id}/refunds`, itemised as the refund screen sends it): full ones (every line
and the shipping), partial ones (one unit of one line) and two-step ones (one unit, then the rest some seconds
later); for each the shop's payment plugin refunds the same amount at the provider (Mollie `POST
/v2/payments/{id}/refunds`, Stripe `POST /v1/refunds`). Meanwhile BC injects 429, 503 and lost answers, the order's
`order.updated` is delivered once more for some orders (right after the refund and again once it is credited, with
the provider's refund webhook), and the host process is SIGKILLed and started again once. The run waits, bounded,
until every refund's credit (dossier `shop_refunds`) is finished and BC shows its credit memo Paid, clears the
faults and checks: one BC credit memo per refund (by the order's externalDocumentNumber and the marker comment line
naming the refund), of the refund's amount, posted and Paid; none that names no refund of the run; every customer's
balance back where it was; nothing for a person; the payment journal empty.

Shared by tests/reliability/test_shop_refunds_proof.py (a size that fits `make test`) and `python -m bench
shop-refunds`.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from domain.refunds.shop_refund_credit import FINISHED
from localdev.payments_proof import QUEUES_TIMEOUT_S, PaidOrder, PaymentsPlan, PaymentsReport, PaymentsRun
from localdev.proof import on_own_stack, read_dossier
from localdev.refunds_proof import (
    HostKill,
    Invariants,
    after_payments,
    inject_bc_faults,
    journal_lines_left,
    keep_woo_webhook_enabled,
    kill_host_once,
    money,
    paid_first,
    wait_credit_memos_paid,
    wrong_balances,
)
from localdev.shop_refunds_plan import RefundedOrder, ShopRefund, plan_refunds
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import NOT_RETURNED_ACCOUNT_NUMBER, ROUNDING_ACCOUNT_NUMBER
from localdev.stack import WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import signed_delivery

SETTINGS = {
    "KOPPEL_BC_REFUND_API": "koppel/payments/v1.0",
    "KOPPEL_WOOCOMMERCE_CREDIT_MEMOS_SHOP_A": "post",
    "KOPPEL_BC_ROUNDING_ACCOUNT": ROUNDING_ACCOUNT_NUMBER,
    "KOPPEL_BC_REFUNDED_NOT_RETURNED_ACCOUNT": NOT_RETURNED_ACCOUNT_NUMBER,
    "KOPPEL_BOOKING_SCHEDULE": "*/2 * * * * *",
    "KOPPEL_RECOVERY_SCHEDULE": "*/10 * * * * *",
}
"""Koppel's refund API page in BC (its refund lines book the provider's refund against the credit memo), shop-a's
credit memos posted by Koppel (its refunds start in the shop, the default), a credit memo BC's VAT rounding leaves a
cent or so from its refund brought to it on the 0 % rounding account, units refunded without being taken back on the
allowance account, the booking timer (which the shop refunds run is on) every 2 seconds, and the recovery timer
(which reads the orders changed since its last run: a refund's `order.updated` WooCommerce delivered while the host
was down, and never again) every 10 seconds, as the chaos proof has it."""
CREDITING_READS = 3
"""The reads a credit memo needs at least: the exactly-once look-up before it is made, the invoice with its lines
(one GET with $expand), and the credit memo's total once its lines are in."""


@dataclass(frozen=True)
class ShopRefundsPlan:
    payments: PaymentsPlan = field(default_factory=lambda: PaymentsPlan(orders=500))
    refunded_orders: int = 150
    """Orders paid in one payment the shop owner refunds: a third each full, partial and two-step."""
    second_after_s: float = 4.0
    """A two-step refund: its second refund is made this long after the first."""
    refunds_per_second: float = 5.0
    rate_429: float = 0.10
    rate_503: float = 0.05
    rate_lost_answer: float = 0.02
    """At BC (its `rate_lost_response`)."""
    latency_ms: int = 10
    duplicate_share: float = 0.25
    """Refunded orders whose `order.updated` is delivered once more after each refund, and again (with the provider's
    refund webhook) once their refunds are credited."""
    kill_host_after: float = 0.5
    """Share of the refunds made when the host process is SIGKILLed (and started again at once)."""
    credited_timeout_s: float = 300.0
    paid_timeout_s: float = 300.0
    seed: int = 20261207


@dataclass
class ShopRefundsReport(Invariants):
    plan: ShopRefundsPlan
    payments: PaymentsReport | None = None
    payments_lines: list[str] = field(default_factory=list)
    orders: list[RefundedOrder] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    faults: dict[str, int] = field(default_factory=dict)
    bc_calls: Counter[str] = field(default_factory=Counter)
    """BC API calls during the refund phase by route (`POST salesCreditMemos({id})/salesCreditMemoLines`)."""
    woo_calls: Counter[str] = field(default_factory=Counter)
    """Koppel's WooCommerce API calls during the refund phase by route (the run's own taken off)."""
    not_refunded: list[str] = field(default_factory=list)
    not_posted: list[str] = field(default_factory=list)
    not_one_memo: list[str] = field(default_factory=list)
    wrong_totals: list[str] = field(default_factory=list)
    unpaid_memos: list[str] = field(default_factory=list)
    credited_twice: list[str] = field(default_factory=list)
    wrong_balances: list[str] = field(default_factory=list)
    """Customers whose balance is not before + invoices - payments - credit memos + the providers' refunds."""
    balances_moved: list[str] = field(default_factory=list)
    """Customers whose balance is not back where it was before the run (every invoice paid, every refund credited
    and paid back)."""
    for_a_person: list[str] = field(default_factory=list)
    journal_left: int = -1
    memo_lines: int = 0
    """Lines on the run's credit memos in BC (each POSTed once at least)."""
    refunding_s: float = 0.0
    credited_s: float = 0.0
    paid_s: float = 0.0
    elapsed_s: float = 0.0

    INVARIANTS = (
        "not_refunded",
        "not_posted",
        "not_one_memo",
        "wrong_totals",
        "unpaid_memos",
        "credited_twice",
        "wrong_balances",
        "balances_moved",
        "for_a_person",
    )

    @property
    def refunds(self) -> list[ShopRefund]:
        return [refund for each in self.orders for refund in each.refunds]

    @property
    def held(self) -> bool:
        """Every refund credited once, posted and paid back in BC; the balances back; nothing left."""
        return not self.broken and self.journal_left == 0 and len(self.refunds) > 0

    def lines(self) -> list[str]:
        c, refunds = self.counts, self.refunds
        kinds = Counter(each.kind for each in self.orders)
        bc = self.faults
        return [
            *self.payments_lines,
            f"shop refunds run: {len(self.orders)} orders refunded in WooCommerce (full {kinds['full']}, partial "
            f"{kinds['partial']}, two-step {kinds['two_step']}) with {len(refunds)} refunds (EUR "
            f"{sum((r.amount for r in refunds), Decimal(0))}) over {self.refunding_s:.1f} s, each refunded at the "
            f"provider (Mollie {c['mollie_refunds']}, Stripe {c['stripe_refunds']})",
            f"  faults drawn:        BC 429 {bc.get('429', 0)}, 503 {bc.get('503', 0)}, lost answers "
            f"{bc.get('lost_response', 0)}, latency {self.plan.latency_ms} ms",
            f"  host kills:          {c['host_kills']} (SIGKILL after {c['killed_after']} of {len(refunds)} refunds, "
            f"restarted; down {c['host_down_ms']} ms)",
            f"  duplicates:          order.updated delivered again {c['order_updated_again']} times for "
            f"{c['orders_delivered_again']} orders; provider refund webhooks again {c['provider_again']}; "
            f"without 2xx: {c['again_failed']}",
            f"  credited:            {len(refunds) - len(self.not_posted)} of {len(refunds)} refunds' credit memos "
            f"posted {self.credited_s:.1f} s after the last refund; BC showed them paid {self.paid_s:.1f} s later; "
            f"{c['rounding_lines']} brought to the refund by a rounding line",
            *self._request_lines(),
            f"  broken:              {', '.join(f'{k} {len(v)}' for k, v in self.broken.items()) or 'none'}; "
            f"journal lines left {self.journal_left}",
            f"  elapsed:             {self.elapsed_s:.1f} s (first refund made to BC checked)",
            f"  invariants:          {'HELD' if self.held else 'BROKEN'}",
        ]

    def _request_lines(self) -> list[str]:
        """BC calls per refund, those for its credit memo against the minimum (header POST, one POST a line, the
        post, and CREDITING_READS reads), and the busiest routes."""
        n = max(1, len(self.refunds))
        crediting = sum(calls for route, calls in self.bc_calls.items() if _crediting(route))
        writes = sum(calls for route, calls in self.bc_calls.items() if _crediting(route) and route[0] != "G")
        minimum = self.memo_lines + len(self.refunds) * (2 + CREDITING_READS)
        min_writes = self.memo_lines + 2 * len(self.refunds)
        ours = ", ".join(f"{route} {calls}" for route, calls in self.bc_calls.most_common() if _crediting(route))
        others = [(route, calls) for route, calls in self.bc_calls.most_common() if not _crediting(route)]
        busiest = ", ".join(f"{route} {calls}" for route, calls in others[:8])
        woo = ", ".join(f"{route} {calls}" for route, calls in self.woo_calls.most_common(4))
        return [
            f"  BC per refund:       {sum(self.bc_calls.values()) / n:.1f} calls in all; for its credit memo "
            f"{crediting / n:.1f} (writes {writes / n:.1f}) for a minimum of {minimum / n:.1f} (writes "
            f"{min_writes / n:.1f}: header, {self.memo_lines / n:.1f} lines, post)",
            f"  ratio to minimum:    {crediting / max(1, minimum):.2f} (writes alone "
            f"{writes / max(1, min_writes):.2f})",
            f"  BC, credit memos:    {ours}",
            f"  BC, other routes:    {busiest}",
            f"  Koppel at the shop:  {sum(self.woo_calls.values()) / n:.1f} calls per refund ({woo})",
        ]


def run_shop_refunds_proof(
    plan: ShopRefundsPlan, workdir: Path, say: Callable[[str], None] = print
) -> ShopRefundsReport:
    """Start a stack of its own under `workdir` (Azurite data, host log) with shop-a's credit memos posted, run the
    plan, stop everything."""
    return on_own_stack(workdir, lambda stack: _ShopRefundsRun(stack, plan, say).execute(), extra_settings=SETTINGS)


class _ShopRefundsRun:
    def __init__(self, stack: LocalStack, plan: ShopRefundsPlan, say: Callable[[str], None]) -> None:
        assert stack.bc is not None
        assert stack.woocommerce is not None
        assert stack.mollie is not None
        assert stack.stripe is not None
        self.stack = stack
        self.bc = stack.bc
        self.woo = stack.woocommerce
        self.providers = {
            "mollie": (stack.mollie.url, stack.mollie.api_key),
            "stripe": (stack.stripe.url, stack.stripe.api_key),
        }
        self.plan = plan
        self.say = say
        self.rng = random.Random(plan.seed)
        self.report = ShopRefundsReport(plan)
        self._made = 0
        self._own_woo: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=30)
        self._bc_calls = BcCalls(self.bc)

    def execute(self) -> ShopRefundsReport:
        return after_payments(self.stack, self.plan.payments, self.say, self._http, self._execute)

    def _execute(self, payments: PaymentsRun) -> ShopRefundsReport:
        report = self.report
        paid = paid_first(self.stack, payments)
        report.payments, report.payments_lines, balances = paid.report, paid.report.lines(), paid.balances
        invoices = {str(invoice["orderId"]): invoice for invoice in paid.invoices}
        report.orders = plan_refunds(self._woo_order, report.payments.orders, invoices, self.plan, self.rng)
        self._ok("POST", f"{self.woo.url}/_sim/stats/reset")
        self._own_woo.clear()
        inject_bc_faults(self._http, self.bc.url, self.plan)
        started = time.monotonic()
        with self._bc_calls:
            self._refund_with_a_kill()
            report.refunding_s = time.monotonic() - started
            self.say(f"made {len(report.refunds)} refunds in {report.refunding_s:.1f} s; waiting for the credits")
            step = time.monotonic()
            self._wait_credited(payments, step + self.plan.credited_timeout_s)
            report.credited_s = time.monotonic() - step
            step = time.monotonic()
            posted = [r.record["credit_memo_id"] for r in report.refunds if r.record and r.record["credit_memo_id"]]
            wait_credit_memos_paid(self.bc, posted, step + self.plan.paid_timeout_s)
            report.paid_s = time.monotonic() - step
            self._read_stats()
        self._ok("DELETE", f"{self.bc.url}/_sim/faults")
        payments.wait_queues_empty(time.monotonic() + QUEUES_TIMEOUT_S)
        self.say(f"credits waited {report.credited_s:.1f} s, BC {report.paid_s:.1f} s; checking")
        self._verify(balances)
        report.elapsed_s = time.monotonic() - started
        return report

    def _woo_order(self, order_id: int) -> dict[str, Any]:
        """The order as WooCommerce's REST API shows it (its line and shipping ids, totals and taxes)."""
        body: dict[str, Any] = self._woo("GET", f"/orders/{order_id}", "GET /orders/{order_id}").json()
        return body

    # -- refunding, the host killed meanwhile --------------------------------------------------------------------

    def _refund_with_a_kill(self) -> None:
        steps: list[tuple[float, RefundedOrder, ShopRefund]] = []
        for n, each in enumerate(self.report.orders):
            slot = n / self.plan.refunds_per_second
            steps.extend((slot + i * self.plan.second_after_s, each, refund) for i, refund in enumerate(each.refunds))
        steps.sort(key=lambda step: step[0])
        worker = threading.Thread(target=self._refund_all, args=(steps,), name="shop-refunds")
        worker.start()
        kill = HostKill(lambda: self._made, round(len(steps) * self.plan.kill_host_after), worker)
        kill_host_once(self.stack, self._http, self.report.counts, kill)
        worker.join()

    def _refund_all(self, steps: list[tuple[float, RefundedOrder, ShopRefund]]) -> None:
        started = time.monotonic()
        for slot, each, refund in steps:
            time.sleep(max(0.0, started + slot - time.monotonic()))
            try:
                self._refund(each, refund)
            except httpx.HTTPError as error:
                self.report.not_refunded.append(f"{each.order.order_id} {refund.amount}: {error}")
            with self._lock:
                self._made += 1

    def _refund(self, each: RefundedOrder, refund: ShopRefund) -> None:
        """The shop owner's refund in WooCommerce, then the plugin's at the provider; a chosen order's
        `order.updated` once more."""
        order_id = each.order.order_id
        body = {"amount": f"{refund.amount:.2f}", "reason": f"{each.kind} refund", "line_items": refund.lines}
        made = self._woo("POST", f"/orders/{order_id}/refunds", "POST /orders/{order_id}/refunds", json=body).json()
        refund.refund_id = str(made["id"])
        self._refund_at_provider(each.order, refund.amount)
        if each.delivered_again:
            self._order_updated_again(order_id)

    def _refund_at_provider(self, order: PaidOrder, amount: Decimal) -> None:
        [payment] = order.payments
        url, key = self.providers[payment.provider]
        auth = {"Authorization": f"Bearer {key}"}
        if payment.provider == "mollie":
            body = {"amount": {"currency": "EUR", "value": f"{amount:.2f}"}, "description": f"Order {order.order_id}"}
            self._ok("POST", f"{url}/v2/payments/{payment.payment_id}/refunds", json=body, headers=auth)
        else:
            form = {
                "payment_intent": payment.payment_id,
                "amount": str(int(amount * 100)),
                "metadata[order_id]": str(order.order_id),
            }
            self._ok("POST", f"{url}/v1/refunds", data=form, headers=auth)
        self.report.counts[f"{payment.provider}_refunds"] += 1

    def _order_updated_again(self, order_id: int) -> None:
        """WooCommerce's `order.updated` for the order as it is now, delivered once more, signed with the shop's
        secret."""
        payload = self._woo_order(order_id)
        body, headers = signed_delivery(payload, self.stack.shop_secrets[WOOCOMMERCE_SHOP], "order.updated")
        url = f"{self.stack.host_url}/api/webhooks/woocommerce/{WOOCOMMERCE_SHOP}"
        try:
            status = self._http.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError:
            status = 0
        with self._lock:
            self.report.counts["order_updated_again"] += 1
            if not 200 <= status < 300:
                self.report.counts["again_failed"] += 1

    # -- waiting -------------------------------------------------------------------------------------------------

    def _wait_credited(self, payments: PaymentsRun, deadline: float) -> None:
        """Until every refund's credit is finished; a chosen order, once its are, gets its `order.updated` and its
        provider's refund webhook delivered once more."""
        failed_before = payments.report.counts["duplicate_failed"]
        pending = [each for each in self.report.orders if not self._credits_finished(each)]
        while pending and time.monotonic() < deadline:
            done = [each for each in pending if self._credits_finished(each)]
            for each in done:
                if each.delivered_again:
                    self._order_updated_again(each.order.order_id)
                    payments.deliver_again(each.order.payments[0], stripe_event="charge.refunded")
                    self.report.counts["provider_again"] += 1
            pending = [each for each in pending if each not in done]
            if pending:
                time.sleep(1.0)
        self.report.counts["orders_delivered_again"] = sum(1 for each in self.report.orders if each.delivered_again)
        self.report.counts["again_failed"] += payments.report.counts["duplicate_failed"] - failed_before
        keep_woo_webhook_enabled(self._http, self.stack, self.report.counts)

    def _credits_finished(self, each: RefundedOrder) -> bool:
        dossier = read_dossier(self._http, self.stack, each.order.dossier_path)
        if dossier is None:
            return False
        each.dossier_status = f"{dossier.get('status')}: {dossier.get('problem')}"
        records = {str(r["refund_id"]): r for r in dossier.get("shop_refunds", [])}
        for refund in each.refunds:
            refund.record = records.get(refund.refund_id)
        return all(r.record is not None and r.record["state"] in FINISHED for r in each.refunds if r.refund_id)

    def _read_stats(self) -> None:
        """The faults drawn and the calls made during the refund phase, before the checks add their own."""
        report = self.report
        stats = self._ok("GET", f"{self.bc.url}/_sim/stats").json()
        report.faults = {str(k): int(v) for k, v in stats["faults"].items()}
        report.bc_calls = Counter(self._bc_calls.calls)
        woo = self._ok("GET", f"{self.woo.url}/_sim/stats").json()["by_route"]
        report.woo_calls = +(Counter({str(k): int(v) for k, v in woo.items()}) - self._own_woo)

    # -- checking ------------------------------------------------------------------------------------------------

    def _verify(self, balances: dict[str, Decimal]) -> None:
        report = self.report
        probe = self.stack.bc_probe()
        credited: dict[int, Decimal] = {}
        for each in report.orders:
            self._credits_finished(each)
            credited[each.order.order_id] = self._check_credit_memos(probe, each)
        refunded = {
            each.order.order_id: sum((r.amount for r in each.refunds if r.refund_id), Decimal(0))
            for each in report.orders
        }
        assert report.payments is not None
        report.wrong_balances = wrong_balances(probe, balances, report.payments.orders, credited, refunded)
        report.balances_moved = [
            f"customer {found['number']}: balanceDue {money(found['balanceDue'])}, before the run "
            f"{balances.get(str(found['id']), Decimal(0))}"
            for found in probe.all("customers")
            if money(found["balanceDue"]) != balances.get(str(found["id"]), Decimal(0))
        ]
        body = self._ok("GET", f"{self.stack.host_url}/api/ops/refunds").json()
        listed = [*body.get("refunds", []), *body.get("shop_refunds", [])]
        report.for_a_person = [f"{r.get('order')} {r.get('refund_id', '')}: {r.get('problem')}" for r in listed]
        unmatched = self._ok("GET", f"{self.stack.host_url}/api/ops/payments/unmatched").json()
        report.for_a_person += [
            f"payment {(entry.get('payment') or {}).get('payment_id')}: {entry.get('status')} {entry.get('note', '')}"
            for entry in unmatched.get("payments", [])
        ]
        report.for_a_person += [
            f"order {each.order.order_id} ({each.kind} refund): {each.dossier_status}"
            for each in report.orders
            if each.dossier_status.startswith(("needs_attention", "failed"))
        ]
        report.journal_left = journal_lines_left(probe)

    def _check_credit_memos(self, probe: Any, each: RefundedOrder) -> Decimal:
        """Each refund: its credit, posted, and one credit memo in BC naming it, of its amount, Paid; no credit memo
        of the order names no refund of it. Answers what the order's credit memos total."""
        report, order_id = self.report, each.order.order_id
        quoted = str(each.invoice["externalDocumentNumber"]).replace("'", "''")
        memos = probe.all("salesCreditMemos", **{"$filter": f"externalDocumentNumber eq '{quoted}'"})
        named: dict[str, list[dict[str, Any]]] = {}
        for memo in memos:
            lines = probe.all(f"salesCreditMemos({memo['id']})/salesCreditMemoLines")
            memo["lines"] = lines
            report.memo_lines += len(lines)
            report.counts["rounding_lines"] += sum(1 for x in lines if x["lineObjectNumber"] == ROUNDING_ACCOUNT_NUMBER)
            marker = next((line["description"] for line in lines if line["lineType"] == "Comment"), "")
            found = re.fullmatch(rf"Koppel: woocommerce refund (\d+) of order {order_id}", marker)
            named.setdefault(found.group(1) if found else f"(no marker: {marker!r})", []).append(memo)
        for refund in each.refunds:
            if refund.refund_id:
                self._check_refund(each, refund, named.pop(refund.refund_id, []))
        report.credited_twice.extend(
            f"{order_id}: credit memo {memo['number']} ({memo['totalAmountIncludingTax']}) for {name}"
            for name, strays in named.items()
            for memo in strays
        )
        return sum((money(memo["totalAmountIncludingTax"]) for memo in memos), Decimal(0))

    def _check_refund(self, each: RefundedOrder, refund: ShopRefund, memos: list[dict[str, Any]]) -> None:
        report = self.report
        what = f"{each.order.order_id} refund {refund.refund_id} ({each.kind}, EUR {refund.amount})"
        record = refund.record or {}
        if record.get("state") != "posted":
            report.not_posted.append(f"{what}: {record.get('state', 'no record')} {record.get('problem', '')}")
        if len(memos) != 1:
            report.not_one_memo.append(f"{what}: {len(memos)} credit memos {[m['number'] for m in memos]}")
            report.credited_twice.extend(f"{what}: credit memo {m['number']} too" for m in memos[1:])
            return
        [memo] = memos
        if record.get("credit_memo_id") not in (None, memo["id"]):
            report.not_one_memo.append(f"{what}: credited as {record.get('credit_memo_id')}, BC's is {memo['id']}")
        if money(memo["totalAmountIncludingTax"]) != refund.amount:
            invoice = self.stack.bc_probe().all(f"salesInvoices({each.invoice['id']})/salesInvoiceLines")
            report.wrong_totals.append(
                f"{what}: credit memo {memo['number']} totals {memo['totalAmountIncludingTax']} (prices incl. VAT "
                f"{memo.get('pricesIncludeTax')}; lines {_lines(memo['lines'])}; the shop refunded {refund.lines}; "
                f"invoice {each.invoice['number']} (prices incl. VAT {each.invoice.get('pricesIncludeTax')}) lines "
                f"{_lines(invoice)})"
            )
        if memo["status"] != "Paid":
            report.unpaid_memos.append(f"{what}: credit memo {memo['number']} {memo['status']}")

    def _woo(self, method: str, path: str, route: str, **kwargs: Any) -> httpx.Response:
        """WooCommerce's REST API with the shop's keys, as the shop owner uses it; counted as the run's own."""
        with self._lock:
            self._own_woo[f"{method} {route.removeprefix(method + ' ')}"] += 1
        auth = (self.woo.consumer_key, self.woo.consumer_secret)
        return self._ok(method, f"{self.woo.api_base}{path}", auth=auth, **kwargs)

    def _ok(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._http.request(method, url, **kwargs).raise_for_status()


def _lines(lines: list[dict[str, Any]]) -> str:
    """A document's lines, as a wrong total is explained: `Item 1000 3 x 11.51 - 0.02 = 34.51 (37.62)`."""
    return "; ".join(
        f"{line['lineType']} {line.get('lineObjectNumber', '')} {line.get('quantity')} x {line.get('unitPrice')} "
        f"- {line.get('discountAmount')} = {line.get('amountExcludingTax')} ({line.get('amountIncludingTax')})"
        for line in lines
        if line["lineType"] != "Comment"
    )


CREDITING = (
    "POST salesCreditMemos",
    "GET salesCreditMemos?$filter=externalDocumentNumber",
    "GET salesCreditMemos({id})",
    "PATCH salesCreditMemos({id})",
    "GET salesInvoices({id})",
)


def _crediting(route: str) -> bool:
    """A call for a credit memo: its own routes (not the booking run's reads of the order's credit memos) and the
    reads of the invoice it credits."""
    return route.startswith(CREDITING)


class BcCalls:
    """BC's API calls by route while the `with` lasts, counted in process: the simulator draws a fault for each
    request it admits, so its draw is wrapped (method and path; ids as {id}, the query left out)."""

    def __init__(self, bc: BusinessCentralSimulator) -> None:
        self.calls: Counter[str] = Counter()
        self._faults = bc.simulation.faults
        self._draw = self._faults.draw

    def __enter__(self) -> BcCalls:
        def draw(method: str, path: str) -> Any:
            self.calls[f"{method} {_route(path)}"] += 1
            return self._draw(method, path)

        setattr(self._faults, "draw", draw)  # noqa: B010 - an instance attribute over the method, taken off at exit
        return self

    def __exit__(self, *_: object) -> None:
        delattr(self._faults, "draw")


def _route(path: str) -> str:
    """`salesCreditMemos({id})/salesCreditMemoLines`; a filtered read with the field it filters on
    (`salesCreditMemos?$filter=externalDocumentNumber`)."""
    base, _, query = path.partition("?")
    tail = re.sub(r"\([^)]*\)", "({id})", base).split("companies({id})/", 1)[-1]
    filters = parse_qs(query).get("$filter")
    return f"{tail}?$filter={filters[0].split()[0]}" if filters else tail
