"""Refunds and chargebacks after a payment was booked, booked against the order's open credit memo: a refund line
(through Koppel's own API page, `refunds`; API v2.0 has no refund document) of what was given back since, one per
change, found again by `R<n>-<payment reference>` (its n-th refund line), and posted with the payments' journal.
Without that page it goes to a person, named with the credit memo when BC has one; with it, it waits for BC's credit
memo up to `credit_memo_wait`, then goes to a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from domain.booking.booking_run import (
    WAIT,
    Apply,
    Current,
    Park,
    PaymentBooking,
    Run,
    Wait,
    add_line,
    mark_booked,
    park,
    save,
    stage_line,
)
from domain.errors import BusinessCentralRejected
from domain.invoices.credit_memo import BcCreditMemo
from domain.models import PaymentKey
from domain.payments.booking import Booking, BookingState, RefundBooking, payment_reference
from domain.payments.record import PaymentRecord
from domain.payments.refund import RefundLine, refund_reference
from domain.records import OrderRecord

KoppelsRefunds = Mapping[str, Mapping[PaymentKey, Decimal]]
"""Per credit memo id, what each payment gave back of it in Koppel's refunds from BC."""


def stage_refund(booking: PaymentBooking, current: Current, booked: Booking, run: Run) -> None:
    """Put a refund line for what was given back since the last line in the journal (or find it there), or say
    why it waits or needs a person."""
    record = current.record
    pending = record.refund_in_journal
    change = record.booked_in_bc - record.payment.received
    if pending is None and change <= 0:
        if change < 0:
            what = f"{record.payment.amount.currency} {-change:.2f}"
            park(booking, current, run, f"{what} more received after booking: book it by hand")
        return
    koppels = _koppels_refunds(booking, record)
    memo = _refund_target(booking, current, booked, koppels, pending=pending, change=change, run=run)
    if memo is None or booking.refunds is None:
        return
    reference = (
        pending.external_document_number
        if pending
        else refund_reference(payment_reference(record.payment), len(booked.refunds) + 1)
    )
    try:
        lines = booking.refunds.lines(reference)
        if not lines and pending is not None:
            mark_booked(booking, current, pending.journal_line_id, run)
            return
        amount = min(change, _left_to_apply(memo, record.payment.key, booked, koppels))
        line = lines[0] if lines else add_line(booking.refunds, _refund_line(record, memo, amount, reference))
    except BusinessCentralRejected as refused:
        park(booking, current, run, f"BC refused the refund line: {refused.message}")
        return
    if line is not None:
        _stage_refund_line(booking, current, booked, pending=pending, line=line, memo=memo, run=run)


def _refund_target(
    booking: PaymentBooking,
    current: Current,
    booked: Booking,
    koppels: KoppelsRefunds,
    *,
    pending: RefundBooking | None,
    change: Decimal,
    run: Run,
) -> BcCreditMemo | None:
    """The credit memo the refund line is applied to; None when the refund waits for one or was parked."""
    record = current.record
    found = booking.orders.get(record.order_key) if record.order_key else None
    order = found[0] if found else None
    step = _credit_memo_to_apply(
        record, booked, koppels, pending=pending, order=order, local_currency=booking.local_currency
    )
    what = f"{record.payment.amount.currency} {change:.2f}"
    if isinstance(step, Park):
        park(booking, current, run, step.why)
    elif booking.refunds is None:
        against = f"credit memo {step.document.number}" if isinstance(step, Apply) else "the credit memo"
        park(booking, current, run, f"{what} refunded or charged back after booking: book it against {against}")
    elif isinstance(step, Wait):
        _await_credit_memo(booking, current, booked, run, what)
    else:
        return step.document
    return None


def _stage_refund_line(
    booking: PaymentBooking,
    current: Current,
    booked: Booking,
    *,
    pending: RefundBooking | None,
    line: RefundLine,
    memo: BcCreditMemo,
    run: Run,
) -> None:
    """Record the refund line as in the journal (before the post), and stage it."""
    record = current.record
    now = booking.clock.now()
    entry = RefundBooking(
        state=BookingState.IN_JOURNAL,
        credit_memo_id=memo.id,
        credit_memo_number=memo.number,
        external_document_number=line.external_document_number,
        amount=line.amount,
        refunded_in_all=pending.refunded_in_all if pending else booked.amount - record.booked_in_bc + line.amount,
        journal_line_id=line.id,
        at=now,
    )
    stage_line(booking, current, record.staged_refund(entry), line, run)


def _credit_memo_to_apply(
    record: PaymentRecord,
    booked: Booking,
    koppels: KoppelsRefunds,
    *,
    pending: RefundBooking | None,
    order: OrderRecord | None,
    local_currency: str,
) -> Apply[BcCreditMemo] | Wait | Park:
    """The credit memo a refund is applied to: the one its line already names, else the order's first open one with
    something left to apply to; wait while the order has none BC posted (none yet, or unposted ones only); a person
    when its credit memos are paid back already or not in the local currency."""
    memos = order.credit_memos if order else []
    if not memos:
        return WAIT
    named = [each for each in memos if pending and each.id == pending.credit_memo_id]
    still_open = [each for each in memos if each.open]
    left = [each for each in still_open if _left_to_apply(each, record.payment.key, booked, koppels)]
    memo = next(iter(named), None) or next(iter(left), None)
    if memo is None and (still_open or not all(each.posted for each in memos)):
        return WAIT
    if memo is None:
        numbers = ", ".join(each.number for each in memos)
        return Park(f"the order's credit memos ({numbers}) are paid back in BC already: was the refund booked by hand?")
    problem = memo.currency_problem(local_currency, record.payment.amount.currency)
    return Park(problem) if problem else Apply(memo)


def _left_to_apply(memo: BcCreditMemo, payment: PaymentKey, booked: Booking, koppels: KoppelsRefunds) -> Decimal:
    """What the payment's refund lines may still apply to the credit memo (never below 0): for a credit memo Koppel
    refunded from BC, what it refunded of it from this payment; else what BC shows left of it, or its amount, less
    the payment's lines applied to it. So two credit memos refunded from one payment before a run books them get a
    line each, and a credit memo refunded from another payment gets none of this one's."""
    applied = sum((line.amount for line in booked.refunds if line.credit_memo_id == memo.id), Decimal(0))
    if memo.id in koppels:
        return max(Decimal(0), koppels[memo.id].get(payment, Decimal(0)) - applied)
    if memo.remaining_amount is not None:
        return max(Decimal(0), memo.remaining_amount)
    return max(Decimal(0), memo.total_including_tax - applied)


def _koppels_refunds(booking: PaymentBooking, record: PaymentRecord) -> KoppelsRefunds:
    """Per credit memo Koppel refunded from BC for the payment's order, what each payment gave back of it."""
    if booking.credit_memo_refunds is None or record.order_key is None:
        return {}
    given: dict[str, dict[PaymentKey, Decimal]] = {}
    for refund in booking.credit_memo_refunds.for_order(record.order_key):
        for part in refund.parts:
            if part.refund_id:
                by_payment = given.setdefault(refund.credit_memo_id, {})
                by_payment[part.payment] = by_payment.get(part.payment, Decimal(0)) + part.amount.amount
    return given


def _refund_line(record: PaymentRecord, memo: BcCreditMemo, change: Decimal, reference: str) -> RefundLine:
    payment = record.payment
    return RefundLine(
        customer_number=memo.billed_customer_number,
        external_document_number=reference,
        amount=change,
        applies_to_credit_memo_id=memo.id,
        description=f"{payment.provider} {payment.payment_id} refund"[:100],
    )


def _await_credit_memo(booking: PaymentBooking, current: Current, booked: Booking, run: Run, what: str) -> None:
    """No credit memo in BC yet: wait for it (the record stays due), up to `credit_memo_wait`."""
    record = current.record
    now = booking.clock.now()
    since = booked.credit_memo_awaited_since or now
    if now - since >= booking.credit_memo_wait:
        days = booking.credit_memo_wait.days
        why = f"{what} refunded or charged back after booking, and BC has no credit memo for it after {days} days"
        park(booking, current, run, f"{why}: credit the invoice in BC (or book it by hand)")
        return
    if booked.credit_memo_awaited_since is None:
        save(booking, record.awaiting_credit_memo(now), current.etag)
