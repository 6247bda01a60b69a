"""The refunds proof run: every credit memo posted in BC for a web order is refunded exactly once at the provider
that took the payment, booked against in BC and recorded in the shop, on a shop whose refunds come from BC.

First the payments proof's run on the same stack (localdev/payments_proof.py: WooCommerce orders paid through
Mollie and Stripe, some in two payments, invoiced in BC and booked). Then a person posts credit memos in BC for
about a third of the orders (the BC simulator's control, not applied to the invoice): full returns, partial ones
and two-step ones (two credit memos of different amounts, the second some seconds later). Meanwhile BC injects 429,
503 and lost answers, Mollie and Stripe draw the same faults on their refund routes, the providers' refund webhooks
are delivered twice for some orders, and the host process is SIGKILLed and started again once. The run waits,
bounded, until every credit memo's refund is done and BC shows it paid, clears the faults and checks: one refund
record per credit memo, done; per payment the provider's refunds made by Koppel equal the credit memos' parts on it
and never exceed what was paid; no refund without Koppel's key; every credit memo Paid; every customer's balance
back where it was; one shop refund per credit memo with the gateway never asked; nothing for a person.

Shared by tests/reliability/test_refunds_proof.py (a size that fits `make test`) and `python -m bench refunds`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

import httpx

from localdev.payments_proof import QUEUES_TIMEOUT_S, PaidOrder, PaymentsPlan, PaymentsReport, PaymentsRun
from localdev.proof import on_own_stack, read_dossier
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.stack import LocalStack

CENT = Decimal("0.01")
SETTINGS = {
    "KOPPEL_BC_REFUND_API": "koppel/payments/v1.0",
    "KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_SHOP_A": "bc",
    "KOPPEL_BOOKING_SCHEDULE": "*/2 * * * * *",
}
"""Koppel's refund API page in BC (refund lines), shop-a's refunds coming from BC, and the booking timer (which the
refunds run on) every 2 seconds."""
KINDS = ("full", "partial", "two_step")
PROVIDER_FAULTS = ("mollie", "stripe")
FINISHED = ("done", "needs_attention", "not_koppels")
REFUND_CREATES = {"mollie": "POST /v2/payments/{payment_id}/refunds", "stripe": "POST /v1/refunds"}


@dataclass(frozen=True)
class RefundsPlan:
    payments: PaymentsPlan = field(default_factory=lambda: PaymentsPlan(orders=500))
    returns: int = 150
    """Orders a person posts credit memos for: a third each full, partial and two-step."""
    second_after_s: float = 4.0
    """A two-step return: its second credit memo is posted this long after the first."""
    returns_per_second: float = 5.0
    rate_429: float = 0.10
    rate_503: float = 0.05
    rate_lost_answer: float = 0.02
    """At BC (its `rate_lost_response`) and at Mollie's and Stripe's refund routes alike."""
    latency_ms: int = 10
    duplicate_share: float = 0.25
    """Returned orders whose providers' refund webhooks are delivered once more, once their refunds are done."""
    kill_host_after: float = 0.5
    """Share of the credit memos posted when the host process is SIGKILLed (and started again at once)."""
    refunded_timeout_s: float = 300.0
    paid_timeout_s: float = 300.0
    seed: int = 20261207


@dataclass
class Return:
    """One returned order: the credit memos a person posts for it in BC and what Koppel made of them."""

    order: PaidOrder
    kind: str
    amounts: list[Decimal | None]
    """Each credit memo's amount incl. VAT (None: the invoice's total)."""
    invoice: dict[str, Any]
    memos: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    """Koppel's refund records of its credit memos, as the dossier shows them."""
    refund_lines: list[str] = field(default_factory=list)
    """The refund lines booked in BC for its payments, as the dossier shows them: `<credit memo> <amount>`."""
    delivered_again: bool = False

    @property
    def credited(self) -> Decimal:
        return sum((money(memo["totalAmountIncludingTax"]) for memo in self.memos), Decimal(0))


class Invariants:
    """A proof's report: each name in INVARIANTS a list of what broke it, empty when it held."""

    INVARIANTS: ClassVar[tuple[str, ...]]

    @property
    def broken(self) -> dict[str, list[str]]:
        return {name: getattr(self, name) for name in self.INVARIANTS if getattr(self, name)}


@dataclass
class RefundsReport(Invariants):
    plan: RefundsPlan
    payments: PaymentsReport | None = None
    payments_lines: list[str] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    faults: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per system (bc, mollie, stripe): the faults drawn during the refund phase."""
    requests: dict[str, Counter[str]] = field(default_factory=dict)
    """Per system (bc, mollie, stripe, woocommerce): the API calls during the refund phase, by route or entity."""
    not_posted: list[str] = field(default_factory=list)
    not_one_record: list[str] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    wrong_provider_sums: list[str] = field(default_factory=list)
    over_refunded: list[str] = field(default_factory=list)
    without_key: list[str] = field(default_factory=list)
    unpaid_memos: list[str] = field(default_factory=list)
    wrong_balances: list[str] = field(default_factory=list)
    wrong_shop_refunds: list[str] = field(default_factory=list)
    for_a_person: list[str] = field(default_factory=list)
    journal_left: int = -1
    bc_requests: int = 0
    provider_refunds: int = 0
    refunded_total: Decimal = Decimal(0)
    posting_s: float = 0.0
    refunded_s: float = 0.0
    paid_s: float = 0.0
    elapsed_s: float = 0.0

    INVARIANTS = (
        "not_posted",
        "not_one_record",
        "not_done",
        "wrong_provider_sums",
        "over_refunded",
        "without_key",
        "unpaid_memos",
        "wrong_balances",
        "wrong_shop_refunds",
        "for_a_person",
    )

    @property
    def memos(self) -> list[dict[str, Any]]:
        return [memo for each in self.returns for memo in each.memos]

    @property
    def held(self) -> bool:
        """Every credit memo refunded once, booked, recorded in the shop; the balances back; nothing left."""
        return not self.broken and self.journal_left == 0 and len(self.memos) > 0

    def lines(self) -> list[str]:
        c, memos = self.counts, len(self.memos)
        kinds = Counter(each.kind for each in self.returns)
        faults = ", ".join(f"{name} {_counts(drawn)}" for name, drawn in self.faults.items())
        return [
            *self.payments_lines,
            f"refunds run: {len(self.returns)} orders returned (full {kinds['full']}, partial {kinds['partial']}, "
            f"two-step {kinds['two_step']}) with {memos} credit memos (EUR {sum(e.credited for e in self.returns)}) "
            f"posted over {self.posting_s:.1f} s",
            f"  faults drawn:        {faults}",
            f"  host kills:          {c['host_kills']} (SIGKILL after {c['killed_after']} of {memos} credit memos "
            f"posted, restarted; down {c['host_down_ms']} ms)",
            f"  duplicates:          {c['delivered_again']} refunded orders' provider webhooks delivered again "
            f"(Stripe charge.refunded resent {c['stripe_resends']}, Mollie hints {c['mollie_reposts']}); without "
            f"2xx: {c['duplicate_failed']}",
            f"  refunded:            {self.provider_refunds} provider refunds (EUR {self.refunded_total}) "
            f"{self.refunded_s:.1f} s after the last credit memo; BC showed them paid {self.paid_s:.1f} s later",
            *self._request_lines(),
            f"  broken:              {', '.join(f'{k} {len(v)}' for k, v in self.broken.items()) or 'none'}; "
            f"journal lines left {self.journal_left}",
            f"  elapsed:             {self.elapsed_s:.1f} s (first credit memo posted to BC checked)",
            f"  invariants:          {'HELD' if self.held else 'BROKEN'}",
        ]

    def _request_lines(self) -> list[str]:
        """The calls per return (an order's credit memos) and their ratio to the minimum: one refund created at
        the provider per refund Koppel made, one refund posted to the shop per credit memo."""
        returns = max(1, len(self.returns))
        at = {name: sum(calls.values()) for name, calls in self.requests.items()} | {"bc": self.bc_requests}
        creates = sum(self.requests.get(name, Counter())[route] for name, route in REFUND_CREATES.items())
        woo = self.requests.get("woocommerce", Counter())
        shop_posts = sum(n for route, n in woo.items() if route.startswith("POST") and route.endswith("/refunds"))
        shop_refunds = sum(n for route, n in woo.items() if route.endswith("/refunds"))
        minimum = max(1, self.provider_refunds + len(self.memos))
        providers = at.get("mollie", 0) + at.get("stripe", 0)
        bc = self.requests.get("bc", Counter())
        return [
            f"  requests per return: providers {providers / returns:.1f} (refund creates {creates / returns:.1f}), "
            f"shop refunds {shop_refunds / returns:.1f} (POST {shop_posts / returns:.1f}), BC "
            f"{at.get('bc', 0) / returns:.1f} (salesCreditMemos {bc['salesCreditMemos'] / returns:.1f}, "
            f"customerRefunds {bc['customerRefunds'] / returns:.1f})",
            f"  ratio to minimum:    {(providers + shop_refunds) / minimum:.2f} (provider calls and shop refund calls "
            f"{providers + shop_refunds} for a minimum of {minimum}: {self.provider_refunds} refund creates + "
            f"{len(self.memos)} shop refund POSTs); creates + POSTs alone {(creates + shop_posts) / minimum:.2f}",
        ]


def run_refunds_proof(plan: RefundsPlan, workdir: Path, say: Callable[[str], None] = print) -> RefundsReport:
    """Start a stack of its own under `workdir` (Azurite data, host log) with refunds from BC, run the plan, stop
    everything."""
    return on_own_stack(workdir, lambda stack: _RefundsRun(stack, plan, say).execute(), extra_settings=SETTINGS)


class _RefundsRun:
    def __init__(self, stack: LocalStack, plan: RefundsPlan, say: Callable[[str], None]) -> None:
        assert stack.bc is not None
        assert stack.woocommerce is not None
        assert stack.mollie is not None
        assert stack.stripe is not None
        self.stack = stack
        self.bc = stack.bc
        self.woo = stack.woocommerce
        self.urls = {"mollie": stack.mollie.url, "stripe": stack.stripe.url}
        self.keys = {"mollie": stack.mollie.api_key, "stripe": stack.stripe.api_key}
        self.plan = plan
        self.say = say
        self.rng = random.Random(plan.seed)
        self.report = RefundsReport(plan)
        self._posted = 0
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=30)

    def execute(self) -> RefundsReport:
        return after_payments(self.stack, self.plan.payments, self.say, self._http, self._execute)

    def _execute(self, payments: PaymentsRun) -> RefundsReport:
        report = self.report
        paid = paid_first(self.stack, payments)
        report.payments, report.payments_lines, balances = paid.report, paid.report.lines(), paid.balances
        report.returns = self._plan_returns(report.payments.orders, paid.invoices)
        calls_before = {name: self._provider_calls(name) for name in PROVIDER_FAULTS}
        self._inject_faults()
        started = time.monotonic()
        self._post_with_a_kill()
        report.posting_s = time.monotonic() - started
        self.say(f"posted {len(report.memos)} credit memos in {report.posting_s:.1f} s; waiting for the refunds")
        step = time.monotonic()
        self._wait_refunded(payments, step + self.plan.refunded_timeout_s)
        report.refunded_s = time.monotonic() - step
        step = time.monotonic()
        self._wait_paid(step + self.plan.paid_timeout_s)
        report.paid_s = time.monotonic() - step
        self._read_stats(calls_before)
        self._clear_faults()
        payments.wait_queues_empty(time.monotonic() + QUEUES_TIMEOUT_S)
        self.say(f"refunds waited {report.refunded_s:.1f} s, BC {report.paid_s:.1f} s; checking")
        self._verify(balances)
        report.elapsed_s = time.monotonic() - started
        return report

    # -- the plan ------------------------------------------------------------------------------------------------

    def _plan_returns(self, orders: list[PaidOrder], invoices: list[dict[str, Any]]) -> list[Return]:
        """A third each of full, partial and two-step returns, of orders whose payments were all booked."""
        invoice_of = {str(invoice["orderId"]): invoice for invoice in invoices}
        booked = [
            order
            for order in orders
            if order.bc_order_id in invoice_of and all(payment.booked is not None for payment in order.payments)
        ]
        chosen = self.rng.sample(booked, min(self.plan.returns, len(booked)))
        kinds = [KINDS[n % len(KINDS)] for n in range(len(chosen))]
        self.rng.shuffle(kinds)
        return [
            Return(
                order, kind, self._amounts(order, kind, invoice_of[order.bc_order_id]), invoice_of[order.bc_order_id]
            )
            for order, kind in zip(chosen, kinds, strict=True)
        ]

    def _amounts(self, order: PaidOrder, kind: str, invoice: dict[str, Any]) -> list[Decimal | None]:
        """Two-step: different amounts, and the second's part on the first payment not the first's (Mollie
        refuses a second refund of the same amount on one payment within the hour)."""
        total = money(invoice["totalAmountIncludingTax"])
        if kind == "full":
            return [None]
        if kind == "partial":
            return [self._share(total, 0.2, 0.8)]
        first_paid = order.payments[0].amount
        for _ in range(100):
            first = self._share(total, 0.2, 0.5)
            second = total - first if self.rng.random() < 0.5 else self._share(total, 0.1, 0.4)
            on_first = min(second, first_paid - first)
            if first not in (second, on_first) and second > 0:
                return [first, second]
        return [self._share(total, 0.2, 0.8)]

    def _share(self, total: Decimal, low: float, high: float) -> Decimal:
        amount = (total * Decimal(str(self.rng.uniform(low, high)))).quantize(CENT, ROUND_HALF_UP)
        return min(max(amount, CENT), total - CENT)

    # -- faults --------------------------------------------------------------------------------------------------

    def _inject_faults(self) -> None:
        plan = self.plan
        self._ok("POST", f"{self.woo.url}/_sim/stats/reset")
        inject_bc_faults(self._http, self.bc.url, plan)
        rates = {"rate_429": plan.rate_429, "rate_503": plan.rate_503, "rate_lost_answer": plan.rate_lost_answer}
        for name in PROVIDER_FAULTS:
            self._ok("POST", f"{self.urls[name]}/_sim/rate-faults", json=rates | {"seed": plan.seed})

    def _clear_faults(self) -> None:
        self._ok("DELETE", f"{self.bc.url}/_sim/faults")
        for name in PROVIDER_FAULTS:
            self._ok("DELETE", f"{self.urls[name]}/_sim/rate-faults")

    def _read_stats(self, calls_before: dict[str, Counter[str]]) -> None:
        """The faults drawn and the calls made during the refund phase, before the checks add their own."""
        report = self.report
        bc = self._ok("GET", f"{self.bc.url}/_sim/stats").json()
        report.faults["bc"] = {str(k): int(v) for k, v in bc["faults"].items()}
        report.requests["bc"] = Counter({str(k): int(v) for k, v in bc["by_entity"].items()})
        report.bc_requests = int(bc["requests"])
        for name in PROVIDER_FAULTS:
            drawn = self._ok("GET", f"{self.urls[name]}/_sim/rate-faults").json()["drawn"]
            report.faults[name] = {str(k): int(v) for k, v in drawn.items()}
            report.requests[name] = self._provider_calls(name) - calls_before[name]
        woo = self._ok("GET", f"{self.woo.url}/_sim/stats").json()
        report.requests["woocommerce"] = Counter({str(k): int(v) for k, v in woo["by_route"].items()})

    def _provider_calls(self, name: str) -> Counter[str]:
        calls = self._ok("GET", f"{self.urls[name]}/_sim/stats").json()["calls"]
        return Counter({str(k): int(v) for k, v in calls.items()})

    # -- posting credit memos, the host killed meanwhile ---------------------------------------------------------

    def _post_with_a_kill(self) -> None:
        """A person posts the credit memos at their slots (the second of a two-step return later) while the host
        is SIGKILLed once its share of them is posted, and started again at once."""
        steps: list[tuple[float, Return, Decimal | None]] = []
        for n, each in enumerate(self.report.returns):
            slot = n / self.plan.returns_per_second
            steps.extend((slot + i * self.plan.second_after_s, each, amount) for i, amount in enumerate(each.amounts))
        steps.sort(key=lambda step: step[0])
        poster = threading.Thread(target=self._post_all, args=(steps,), name="credit-memos")
        poster.start()
        at = round(len(steps) * self.plan.kill_host_after)
        kill_host_once(self.stack, self._http, self.report.counts, HostKill(lambda: self._posted, at, poster))
        poster.join()

    def _post_all(self, steps: list[tuple[float, Return, Decimal | None]]) -> None:
        started = time.monotonic()
        for slot, each, amount in steps:
            time.sleep(max(0.0, started + slot - time.monotonic()))
            self._post(each, amount)
            with self._lock:
                self._posted += 1

    def _post(self, each: Return, amount: Decimal | None) -> None:
        body: dict[str, Any] = {"apply": False} | ({"amount": float(amount)} if amount is not None else {})
        url = f"{self.bc.url}/_sim/salesInvoices/{each.invoice['id']}/creditMemo"
        try:
            each.memos.append(self._ok("POST", url, json=body).json())
        except httpx.HTTPError as error:
            self.report.not_posted.append(f"{each.order.order_id} {amount}: {error}")

    # -- waiting -------------------------------------------------------------------------------------------------

    def _wait_refunded(self, payments: PaymentsRun, deadline: float) -> None:
        """Until every credit memo has its refund record finished (done, or for a person: the check reports it);
        an order chosen for it has its providers' refund webhooks delivered once more as soon as they are."""
        pending = list(self.report.returns)
        again = set(self.rng.sample(range(len(pending)), round(len(pending) * self.plan.duplicate_share)))
        chosen = {id(each) for n, each in enumerate(pending) if n in again}
        while pending and time.monotonic() < deadline:
            done = [each for each in pending if self._refunds_finished(each)]
            for each in done:
                if id(each) in chosen:
                    self._deliver_again(payments, each)
            pending = [each for each in pending if each not in done]
            if pending:
                time.sleep(1.0)
        keep_woo_webhook_enabled(self._http, self.stack, self.report.counts)

    def _refunds_finished(self, each: Return) -> bool:
        dossier = read_dossier(self._http, self.stack, each.order.dossier_path)
        if dossier is None:
            return False
        each.records = list(dossier.get("refunds", []))
        each.refund_lines = [
            f"{line.get('credit_memo_number')} {line.get('amount')}"
            for payment in dossier.get("payments", [])
            for line in (payment.get("booking") or {}).get("refunds", [])
        ]
        ids = {memo["id"] for memo in each.memos}
        return len(each.records) == len(ids) and all(r["state"] in FINISHED for r in each.records)

    def _deliver_again(self, payments: PaymentsRun, each: Return) -> None:
        before = Counter(payments.report.counts)
        refunded = {part["payment"]["payment_id"] for record in each.records for part in record.get("parts", [])}
        for payment in each.order.payments:
            if payment.payment_id in refunded:
                payments.deliver_again(payment, stripe_event="charge.refunded")
        each.delivered_again = True
        counts = self.report.counts
        counts["delivered_again"] += 1
        counts.update(Counter(payments.report.counts) - before)

    def _wait_paid(self, deadline: float) -> None:
        """Until BC shows every credit memo whose refund is done paid (read in process: no injected faults, no
        calls counted)."""
        done = {r["credit_memo_id"] for each in self.report.returns for r in each.records if r["state"] == "done"}
        wait_credit_memos_paid(self.bc, [memo["id"] for memo in self.report.memos if memo["id"] in done], deadline)

    # -- checking ------------------------------------------------------------------------------------------------

    def _verify(self, balances: dict[str, Decimal]) -> None:
        report = self.report
        probe = self.stack.bc_probe()
        for each in report.returns:
            self._refunds_finished(each)
            self._check_records(each)
            self._check_memos_paid(probe, each)
            self._check_shop(each)
        made = self._check_providers()
        assert report.payments is not None
        credited = {each.order.order_id: each.credited for each in report.returns}
        report.wrong_balances = wrong_balances(probe, balances, report.payments.orders, credited, made)
        body = self._ok("GET", f"{self.stack.host_url}/api/ops/refunds").json()
        report.for_a_person = [f"{r.get('order')}: {r.get('problem')}" for r in body.get("refunds", [])]
        report.journal_left = journal_lines_left(probe)

    def _check_records(self, each: Return) -> None:
        """One refund record per credit memo, done, its parts covering the credit memo."""
        report, order_id = self.report, each.order.order_id
        for memo in each.memos:
            records = [r for r in each.records if r["credit_memo_id"] == memo["id"]]
            if len(records) != 1:
                report.not_one_record.append(f"{order_id} credit memo {memo['number']}: {len(records)} records")
                continue
            [record] = records
            planned = sum((money(part["amount"]["amount"]) for part in record["parts"]), Decimal(0))
            if record["state"] != "done" or planned != money(memo["totalAmountIncludingTax"]):
                report.not_done.append(
                    f"{order_id} credit memo {memo['number']} ({memo['totalAmountIncludingTax']}): "
                    f"{record['state']}, planned {planned}; {record.get('problem', '')} ({_story(each)})"
                )
        strays = {r["credit_memo_id"] for r in each.records} - {memo["id"] for memo in each.memos}
        report.not_one_record.extend(f"{order_id}: a record for credit memo {i}, not posted by the run" for i in strays)

    def _check_memos_paid(self, probe: Any, each: Return) -> None:
        for memo in each.memos:
            status = probe.get(f"salesCreditMemos({memo['id']})")["status"]
            if status != "Paid":
                self.report.unpaid_memos.append(
                    f"{each.order.order_id} credit memo {memo['number']}: {status}; refund lines booked "
                    f"{', '.join(each.refund_lines) or 'none'} ({_story(each)})"
                )

    def _check_shop(self, each: Return) -> None:
        """One shop refund per credit memo, of its amount, the gateway never asked to pay."""
        shown = self._ok("GET", f"{self.woo.url}/_sim/orders/{each.order.order_id}/refunds").json()
        amounts = sorted(money(refund["amount"]) for refund in shown["refunds"])
        wanted = sorted(money(memo["totalAmountIncludingTax"]) for memo in each.memos)
        if amounts != wanted or shown["gateway_refunds"]:
            self.report.wrong_shop_refunds.append(
                f"{each.order.order_id}: shop refunds {amounts} for credit memos {wanted}, gateway asked "
                f"{len(shown['gateway_refunds'])}x"
            )

    def _check_providers(self) -> dict[int, Decimal]:
        """Every payment of the run at its provider: Koppel's refunds equal the credit memos' parts on it, never
        more than was paid, each key once, none without a key. Answers what was refunded per order."""
        report = self.report
        assert report.payments is not None
        parts: dict[str, Decimal] = {}
        for each in report.returns:
            for record in each.records:
                for part in record["parts"]:
                    payment_id = part["payment"]["payment_id"]
                    parts[payment_id] = parts.get(payment_id, Decimal(0)) + money(part["amount"]["amount"])
        made: dict[int, Decimal] = {}
        for order in report.payments.orders:
            for payment in order.payments:
                refunds = self._refunds_at(payment.provider, payment.payment_id)
                keys = Counter(key for key, _ in refunds if key)
                total = sum((amount for _, amount in refunds), Decimal(0))
                report.provider_refunds += len(refunds)
                made[order.order_id] = made.get(order.order_id, Decimal(0)) + total
                what = f"{order.order_id} {payment.provider} {payment.payment_id}"
                on_it = parts.get(payment.payment_id, Decimal(0))
                if total != on_it:
                    report.wrong_provider_sums.append(f"{what}: refunded {total}, credit memos' parts {on_it}")
                if total > payment.amount:
                    report.over_refunded.append(f"{what}: refunded {total} of {payment.amount} paid")
                report.over_refunded.extend(f"{what}: {n} refunds under {key}" for key, n in keys.items() if n > 1)
                report.without_key.extend(
                    f"{what}: {amount} without a Koppel key" for key, amount in refunds if not key
                )
        report.refunded_total = sum(made.values(), Decimal(0))
        return made

    def _refunds_at(self, provider: str, payment_id: str) -> list[tuple[str, Decimal]]:
        """The payment's refunds at its provider (not failed): Koppel's key and the amount of each."""
        auth = {"Authorization": f"Bearer {self.keys[provider]}"}
        if provider == "mollie":
            url = f"{self.urls[provider]}/v2/payments/{payment_id}/refunds"
            listed = self._ok("GET", url, params={"limit": 250}, headers=auth).json()["_embedded"]["refunds"]
            amounts = [money(r["amount"]["value"]) for r in listed]
        else:
            url = f"{self.urls[provider]}/v1/refunds"
            query = {"payment_intent": payment_id, "limit": 100}
            listed = self._ok("GET", url, params=query, headers=auth).json()["data"]
            amounts = [Decimal(int(r["amount"])) / 100 for r in listed]
        return [
            (str((r.get("metadata") or {}).get("koppel_refund", "")), amount)
            for r, amount in zip(listed, amounts, strict=True)
            if r["status"] not in ("failed", "canceled")
        ]

    def _ok(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._http.request(method, url, **kwargs).raise_for_status()


def money(value: Any) -> Decimal:
    return Decimal(str(value))


# -- what the shop refunds proof (localdev/shop_refunds_proof.py) shares ------------------------------------------

R = TypeVar("R")


@dataclass(frozen=True)
class PaidFirst:
    """What a refund proof starts from: the payments proof's run, done."""

    report: PaymentsReport
    balances: dict[str, Decimal]
    """Every customer's balance in BC before the run."""
    invoices: list[dict[str, Any]]
    """BC's sales invoices after it."""


def paid_first(stack: LocalStack, payments: PaymentsRun) -> PaidFirst:
    probe = stack.bc_probe()
    balances = {str(c["id"]): money(c["balanceDue"]) for c in probe.all("customers")}
    report = payments.execute()
    return PaidFirst(report, balances, probe.all("salesInvoices"))


def after_payments(
    stack: LocalStack,
    plan: PaymentsPlan,
    say: Callable[[str], None],
    http: httpx.Client,
    run: Callable[[PaymentsRun], R],
) -> R:
    """`run` with the payments proof's run at hand (started, stopped after), `http` closed at the end."""
    try:
        with PaymentsRun(stack, plan, say) as payments:
            return run(payments)
    finally:
        http.close()


class FaultRates(Protocol):
    @property
    def rate_429(self) -> float: ...
    @property
    def rate_503(self) -> float: ...
    @property
    def rate_lost_answer(self) -> float: ...
    @property
    def latency_ms(self) -> int: ...


def inject_bc_faults(http: httpx.Client, bc_url: str, rates: FaultRates) -> None:
    """BC's counters back to zero, then its faults at `rates` from now on."""
    faults = {
        "rate_429": rates.rate_429,
        "rate_503": rates.rate_503,
        "rate_lost_response": rates.rate_lost_answer,
        "latency_ms": rates.latency_ms,
    }
    http.post(f"{bc_url}/_sim/stats/reset").raise_for_status()
    http.post(f"{bc_url}/_sim/faults", json=faults).raise_for_status()


@dataclass(frozen=True)
class HostKill:
    done: Callable[[], int]
    """How many of the phase's steps are done so far."""
    at: int
    """The host is killed once this many are done."""
    worker: threading.Thread
    """The thread doing the steps: once it ends, the host is killed whatever the count."""


def kill_host_once(stack: LocalStack, http: httpx.Client, counts: Counter[str], kill: HostKill) -> None:
    """SIGKILL the host process once `kill.at` steps are done, and start it again at once."""
    while kill.done() < kill.at and kill.worker.is_alive():
        time.sleep(0.02)
    counts["killed_after"] = kill.done()
    down = time.monotonic()
    stack.kill_host()
    counts["host_kills"] += 1
    stack.start_host()
    counts["host_down_ms"] += round((time.monotonic() - down) * 1000)
    keep_woo_webhook_enabled(http, stack, counts)


def keep_woo_webhook_enabled(http: httpx.Client, stack: LocalStack, counts: Counter[str]) -> None:
    """WooCommerce disables a webhook after 5 failed deliveries in a row (its refunds' order.updated while the host
    was down); the shop owner switches it back on."""
    assert stack.woocommerce is not None
    if not stack.woocommerce.webhook.enabled:
        http.post(f"{stack.woocommerce.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
        counts["woo_webhook_reenabled"] += 1


def wait_credit_memos_paid(bc: BusinessCentralSimulator, credit_memo_ids: list[str], deadline: float) -> None:
    """Until BC shows each credit memo Paid (read in process: no injected faults, no calls counted)."""
    pending = list(credit_memo_ids)
    while pending and time.monotonic() < deadline:
        pending = [i for i in pending if (bc.store.sales_credit_memos.get(i) or {}).get("status") != "Paid"]
        if pending:
            time.sleep(1.0)


def wrong_balances(
    probe: Any,
    before: dict[str, Decimal],
    orders: list[PaidOrder],
    credited: dict[int, Decimal],
    refunded: dict[int, Decimal],
) -> list[str]:
    """Each customer whose balance is not what it was before the run + the run's invoices - payments - credit memos
    (`credited`, per order) + refunds at the providers (`refunded`, per order)."""
    expected = dict(before)
    invoices = {str(invoice["orderId"]): invoice for invoice in probe.all("salesInvoices")}
    for order in orders:
        invoice = invoices.get(order.bc_order_id)
        if invoice is None:
            continue
        customer = str(invoice["billToCustomerId"])
        paid = sum((payment.amount for payment in order.payments), Decimal(0))
        change = money(invoice["totalAmountIncludingTax"]) - paid - credited.get(order.order_id, Decimal(0))
        expected[customer] = expected.get(customer, Decimal(0)) + change + refunded.get(order.order_id, Decimal(0))
    wrong = []
    for found in probe.all("customers"):
        balance = money(found["balanceDue"]).quantize(CENT)
        want = expected.get(str(found["id"]), Decimal(0)).quantize(CENT)
        if balance != want:
            wrong.append(f"customer {found['number']}: balanceDue {balance}, expected {want}")
    return wrong


def journal_lines_left(probe: Any) -> int:
    """Lines left in Koppel's payment journal in BC (KOPPEL)."""
    journals = probe.all("customerPaymentJournals", **{"$filter": "code eq 'KOPPEL'"})
    return sum(len(probe.all(f"customerPaymentJournals({journal['id']})/customerPayments")) for journal in journals)


def _story(each: Return) -> str:
    """What was returned of the order and how it was paid, for a broken invariant's line."""
    paid = ", ".join(f"{p.provider} {p.payment_id} {p.amount}" for p in each.order.payments)
    memos = ", ".join(f"{m['number']} {m['totalAmountIncludingTax']}" for m in each.memos)
    parts = "; ".join(
        f"{r['credit_memo_number']}: "
        + ", ".join(f"{p['payment']['payment_id']} {p['amount']['amount']}" for p in r["parts"])
        for r in each.records
    )
    invoice = f"invoice {each.invoice['number']} ({each.invoice['totalAmountIncludingTax']})"
    return f"{each.kind} return of {invoice}: paid {paid}; credit memos {memos}; parts {parts}"


def _counts(drawn: dict[str, int]) -> str:
    return "/".join(f"{kind} {n}" for kind, n in drawn.items())
