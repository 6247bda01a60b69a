"""Paying back BC's credit memos (run `credit-memo-refunds`), on the channels whose refunds come from BC: a return
handled in BC ends in a posted credit memo for a web order, and Koppel refunds the customer at the provider that
took the payment, then tells the shop, whose order then shows the refund. The provider's refund comes back as a
payment change and the booking run books it against the credit memo (book_refunds.py), which closes it in BC.

Exactly once: the record with its planned refunds is written before any provider is asked; each refund is asked
with an idempotency key made of the credit memo and the payment, which its metadata keeps, and looked for among the
payment's refunds before it is asked, so neither a lost answer nor a crash refunds twice (pay_back.py). A channel
whose refunds come from the shop is passed by: its shop refunds at the provider, and Koppel only books that. Only
the timer runs it (as `payments-bc`): two runs at once could tell a shop twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import BusinessCentralRejected, ConcurrencyConflict, RetryableError
from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.track_invoices import order_of_credit_memo
from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.records import SyncRun
from domain.refunds.held_payments import order_payments, reserved_by
from domain.refunds.pay_back import JustRead, pay_back
from domain.refunds.plan import ForAPerson, HeldPayment, NothingToRefund, plan_refund
from domain.refunds.ports import RefundRefused
from domain.refunds.record import CreditMemoRefund, RefundState
from domain.refunds.refunding import CreditMemoRefunding
from domain.runs import REFUND_COUNTS, RunTally, recorded_run

JOB = "refunds"
SCOPE = "salesCreditMemos"
OVERLAP = timedelta(minutes=5)
"""Read back this far before the last poll: BC's clock and commits that land late."""


def refund_credit_memos(refunding: CreditMemoRefunding) -> SyncRun:
    """One run: the refunds left unfinished carried on, then the credit memos BC changed since the last run taken
    on; its summary is recorded and returned."""

    def work(tally: RunTally) -> bool:
        carried = [_carry_on(refunding, each.credit_memo_id, tally) for each in list(refunding.refunds.unfinished())]
        try:
            return _poll(refunding, tally) and all(carried)
        except BusinessCentralRejected as refused:
            tally.problem(f"BC refused a read, the next run tries again: {refused}")
            return False

    return recorded_run(refunding.name, REFUND_COUNTS, refunding.clock, refunding.runs, work)


def _poll(refunding: CreditMemoRefunding, tally: RunTally) -> bool:
    """Take on each credit memo BC changed since the last poll; False when the refund of one was left for the next
    run. A provider that does not answer while one is planned stops the poll before its watermark moves."""
    watermark = refunding.state.get(JOB, SCOPE)
    now = refunding.clock.now()
    since = datetime.fromisoformat(watermark) - OVERLAP if watermark else now - refunding.first_lookback
    carried = True
    for memo in refunding.credit_memos.changed_since(since):
        tally.read += 1
        just_read = _take_on(refunding, memo, tally)
        if just_read is not None:
            carried = _carry_on(refunding, memo.id, tally, just_read) and carried
    refunding.state.put(JOB, SCOPE, now.isoformat())
    return carried


def _take_on(refunding: CreditMemoRefunding, memo: BcCreditMemo, tally: RunTally) -> JustRead | None:
    """Record a posted credit memo of a web order on a channel whose refunds come from BC, with its plan, and answer
    the payments it was planned on as just read (its refunds are asked right after, without reading them again);
    None when it is not one, is recorded already, or has nothing to ask."""
    if not memo.posted or refunding.refunds.get(memo.id) is not None:
        return None
    order = order_of_credit_memo(refunding.orders, memo)
    if order is None or (order.source, order.shop) not in refunding.from_bc:
        return None
    if memo.open and not refunding.posted.is_posted(memo):
        return None
    try:
        record, held = _planned(refunding, memo, order)
    except RefundRefused as refused:
        record, held = _unplanned(refunding, memo, order).for_a_person(refused.message, refunding.clock.now()), []
    try:
        refunding.refunds.write(record, None)
    except ConcurrencyConflict:
        return None
    tally.changed += 1
    if record.state is RefundState.NEEDS_ATTENTION:
        _count_for_a_person(tally, record)
    return None if record.finished else {each.payment.key: each for each in held}


def _unplanned(refunding: CreditMemoRefunding, memo: BcCreditMemo, order: WebOrderKey) -> CreditMemoRefund:
    """The record of the credit memo, owed what is open of it (all of it, unless BC shows what is left)."""
    now = refunding.clock.now()
    owed = memo.total_including_tax if memo.remaining_amount is None else memo.remaining_amount
    return CreditMemoRefund(
        credit_memo_id=memo.id,
        credit_memo_number=memo.number,
        order=order,
        credited=Money(amount=owed, currency=(memo.currency_code or refunding.local_currency)),
        parts=[],
        state=RefundState.REFUNDING,
        first_seen_at=now,
        updated_at=now,
    )


def _planned(
    refunding: CreditMemoRefunding, memo: BcCreditMemo, order: WebOrderKey
) -> tuple[CreditMemoRefund, list[HeldPayment]]:
    """The record with its plan, and the payments as read for it. RefundRefused when a payment cannot be read at
    its provider for good."""
    record = _unplanned(refunding, memo, order)
    if not memo.open:
        return record.nothing_owed(
            f"credit memo {memo.number} is {memo.status} for {record.credited}: nothing owed"
        ), []
    reserved = reserved_by(refunding.refunds.for_order(order))
    held, shop_paid = order_payments(refunding.providers, refunding.payments.for_order(order), reserved)
    plan = plan_refund(record.credited, memo.number, held, shop_paid)
    if isinstance(plan, NothingToRefund):
        return record.nothing_owed(plan.why), held
    if isinstance(plan, ForAPerson):
        return record.for_a_person(plan.why, refunding.clock.now()), held
    return record.with_plan(plan.parts, plan.shortfall), held


def _carry_on(
    refunding: CreditMemoRefunding, credit_memo_id: str, tally: RunTally, just_read: JustRead | None = None
) -> bool:
    """Its refunds asked and the shop told (pay_back.py); False when it is left for the next run: a provider or shop
    that did not answer (or a refund it holds back, such as Mollie's duplicate within the hour), a record someone
    else wrote meanwhile. The other refunds go on."""
    found = refunding.refunds.get(credit_memo_id)
    if found is None:
        return True
    try:
        record, _ = pay_back(refunding, *found, tally, just_read or {})
    except (RetryableError, ConcurrencyConflict) as stopped:
        tally.problem(f"the refund of credit memo {found[0].credit_memo_number} waits for the next run: {stopped}")
        return False
    if record.state is RefundState.NEEDS_ATTENTION:
        _count_for_a_person(tally, record)
    return True


def _count_for_a_person(tally: RunTally, record: CreditMemoRefund) -> None:
    tally.failed += 1
    tally.problem(f"{record.order}: {record.problem}")
