"""The booking run: every matched payment Koppel received the money of becomes a customer payment in BC, applied
to its order's invoice, once.

A run first files the invoices BC posted since the last run (the polling fallback of the salesInvoices webhook),
then, for each payment still to book whose order has an open invoice, puts one line in Koppel's customer payment
journal (externalDocumentNumber = the payment's id, looked for before every insert) and posts the journal once for
all of them. What a crash leaves behind is found again: a line still in the journal is posted by the next run; a
line Koppel made that has left the journal was posted. When BC refuses the post, the lines are posted one by one so
one bad line parks only its own payment.

A refund or chargeback after a payment was booked is booked the same way against the order's open credit memo: a
refund line (through Koppel's own API page, `refunds`; API v2.0 has no refund document) of what was given back
since, one per change, found again by `R<n>-<payment id>` (its n-th refund line), and posted with the same journal.
Without that page it goes to a person, named with the credit memo when BC has one; with it, it waits for BC's credit
memo up to `credit_memo_wait`, then goes to a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from domain.errors import AmbiguousWriteError, BusinessCentralRejected, RetryableError
from domain.payments.booking import Booking, BookingState, PaymentLine, RefundBooking, payment_reference
from domain.payments.credit_memo import BcCreditMemo
from domain.payments.invoice import BcInvoice
from domain.payments.record import PaymentRecord
from domain.payments.refund import RefundLine, refund_reference
from domain.ports import Clock, OrderStore, PaymentJournal, PaymentStore, RefundJournal, SyncRuns
from domain.records import OrderRecord, SyncRun
from domain.services.track_invoices import InvoiceTracking, poll_invoices

RUN_NAME = "payments-bc"
BATCH = 500


@dataclass(frozen=True)
class PaymentBooking:
    tracking: InvoiceTracking
    journal: PaymentJournal
    payments: PaymentStore
    orders: OrderStore
    runs: SyncRuns
    clock: Clock
    local_currency: str
    batch: int = BATCH
    name: str = RUN_NAME
    refunds: RefundJournal | None = None
    """Koppel's own API page for refund lines (KOPPEL_BC_REFUND_API); None: refunds after booking go to a person."""
    credit_memo_wait: timedelta = timedelta(days=14)
    """How long a refund after booking waits for BC's credit memo before a person is asked."""


@dataclass(frozen=True)
class _Staged:
    """A line in the journal to be posted: the payment's record before the line, as stored with it, and the line."""

    before: PaymentRecord
    stored: PaymentRecord
    line: PaymentLine | RefundLine


@dataclass
class _Run:
    staged: list[_Staged] = field(default_factory=list)
    booked: int = 0
    parked: int = 0
    problems: list[str] = field(default_factory=list)


def book_payments(booking: PaymentBooking) -> SyncRun:
    """One run: file new invoices, stage the payments to book, post them; its summary is recorded and returned."""
    started = booking.clock.now()
    run = _Run()
    filed, read, completed = 0, 0, True
    try:
        filed = poll_invoices(booking.tracking)
        records = booking.payments.awaiting_booking(booking.batch)
        read = len(records)
        for record in records:
            _stage(booking, record, run)
        _post(booking, run)
    except (RetryableError, AmbiguousWriteError) as stopped:
        completed = False
        run.problems.append(f"stopped, the next run goes on: {stopped}")
    summary = SyncRun(
        name=booking.name,
        started_at=started,
        finished_at=booking.clock.now(),
        read=read,
        changed=filed,
        pushed=run.booked,
        failed=run.parked,
        completed=completed,
        problems=tuple(run.problems),
    )
    booking.runs.record(summary)
    return summary


def _stage(booking: PaymentBooking, record: PaymentRecord, run: _Run) -> None:
    """Put the payment's line in the journal (or find it there), or say why it waits or needs a person."""
    if record.booking is not None and record.booking.state is BookingState.BOOKED:
        _stage_refund(booking, record, record.booking, run)
        return
    found = booking.orders.get(record.order_key) if record.order_key else None
    invoice = _invoice_to_apply(record, found[0], booking.local_currency) if found else None
    if isinstance(invoice, str):
        _park(booking, record, run, invoice)
    if not isinstance(invoice, BcInvoice):
        return
    reference = payment_reference(record.payment.payment_id)
    try:
        lines = booking.journal.lines(reference)
        if not lines and record.booking is not None:
            _mark_booked(booking, record, record.booking.journal_line_id, run)
            return
        line = lines[0] if lines else _add(booking.journal, _line(record, invoice, reference))
    except BusinessCentralRejected as refused:
        _park(booking, record, run, f"BC refused the payment line: {refused.message}")
        return
    if line is None:
        return
    entry = _entry(invoice, line, booking.clock.now())
    stored = record.model_copy(update={"booking": entry, "updated_at": entry.at})
    booking.payments.put(stored)
    run.staged.append(_Staged(record, stored, line))


def _add(journal: PaymentJournal, line: PaymentLine) -> PaymentLine | None:
    """Insert the line; when BC's answer is lost, look for it: there, or None (not made; the next run tries)."""
    try:
        return journal.add(line)
    except AmbiguousWriteError:
        found = journal.lines(line.external_document_number)
        return found[0] if found else None


def _invoice_to_apply(record: PaymentRecord, order: OrderRecord, local_currency: str) -> BcInvoice | str | None:
    """The invoice the payment is applied to: the one its line already names, else the order's first open one;
    None while the order has none; a reason for a person when its invoices are paid already or in another
    currency."""
    if not order.invoices:
        return None
    named = [each for each in order.invoices if record.booking and each.id == record.booking.invoice_id]
    invoice = next(iter(named), None) or next((each for each in order.invoices if each.open), None)
    if invoice is None:
        numbers = ", ".join(each.number for each in order.invoices)
        return f"the order's invoices ({numbers}) are paid in BC already: was the payment booked by hand?"
    currency = invoice.currency_code or local_currency
    if currency.upper() != record.payment.amount.currency:
        return f"invoice {invoice.number} is in {currency}, the payment in {record.payment.amount.currency}"
    return invoice


def _line(record: PaymentRecord, invoice: BcInvoice, reference: str) -> PaymentLine:
    payment = record.payment
    return PaymentLine(
        customer_number=invoice.customer_number,
        external_document_number=reference,
        amount=-payment.received,
        applies_to_invoice_id=invoice.id,
        description=f"{payment.provider} {payment.payment_id}"[:100],
    )


def _post(booking: PaymentBooking, run: _Run) -> None:
    if not run.staged:
        return
    try:
        booking.journal.post()
    except AmbiguousWriteError:
        if _in_journal(booking, run.staged[0].line):
            raise
    except BusinessCentralRejected as refused:
        run.problems.append(f"BC refused to post the journal ({refused.message}): posted line by line")
        _post_one_by_one(booking, run)
        return
    for staged in run.staged:
        _mark_booked(booking, staged.stored, staged.line.id, run)


def _in_journal(booking: PaymentBooking, line: PaymentLine | RefundLine) -> bool:
    if isinstance(line, RefundLine):
        return booking.refunds is not None and bool(booking.refunds.lines(line.external_document_number))
    return bool(booking.journal.lines(line.external_document_number))


def _post_one_by_one(booking: PaymentBooking, run: _Run) -> None:
    """Take the lines out again, then put each back and post it alone: only the line BC refuses is parked."""
    for staged in run.staged:
        _remove(booking, staged.line)
    for staged in run.staged:
        alone = _put_back(booking, staged.line)
        try:
            booking.journal.post()
        except BusinessCentralRejected as refused:
            _remove(booking, alone)
            what = "refund" if isinstance(alone, RefundLine) else "payment"
            _park(booking, staged.before, run, f"BC refused to post the {what}: {refused.message}")
            continue
        _mark_booked(booking, staged.stored, alone.id, run)


def _remove(booking: PaymentBooking, line: PaymentLine | RefundLine) -> None:
    if isinstance(line, RefundLine):
        assert booking.refunds is not None
        booking.refunds.remove(line)
    else:
        booking.journal.remove(line)


def _put_back(booking: PaymentBooking, line: PaymentLine | RefundLine) -> PaymentLine | RefundLine:
    if isinstance(line, RefundLine):
        assert booking.refunds is not None
        return booking.refunds.add(line.model_copy(update={"id": "", "etag": ""}))
    return booking.journal.add(line.model_copy(update={"id": "", "etag": ""}))


def _mark_booked(booking: PaymentBooking, record: PaymentRecord, line_id: str, run: _Run) -> None:
    """The record's line in the journal (its refund line when it has one, else its payment line) was posted."""
    assert record.booking is not None
    now = booking.clock.now()
    pending = record.refund_in_journal
    if pending is not None:
        posted = pending.model_copy(update={"state": BookingState.BOOKED, "journal_line_id": line_id, "at": now})
        refunds = tuple(posted if each is pending else each for each in record.booking.refunds)
        done = record.booking.model_copy(update={"refunds": refunds})
    else:
        done = record.booking.model_copy(update={"state": BookingState.BOOKED, "journal_line_id": line_id, "at": now})
    booking.payments.put(record.model_copy(update={"booking": done, "updated_at": now}))
    run.booked += 1


def _entry(invoice: BcInvoice, line: PaymentLine, now: datetime) -> Booking:
    """The payment's line in the journal, applied to `invoice`, not posted yet."""
    return Booking(
        state=BookingState.IN_JOURNAL,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        external_document_number=line.external_document_number,
        amount=-line.amount,
        journal_line_id=line.id,
        at=now,
    )


def _stage_refund(booking: PaymentBooking, record: PaymentRecord, booked: Booking, run: _Run) -> None:
    """Put a refund line for what was given back since the last line in the journal (or find it there), or say
    why it waits or needs a person."""
    pending = record.refund_in_journal
    change = record.booked_in_bc - record.payment.received
    if pending is None and change <= 0:
        if change < 0:
            what = f"{record.payment.amount.currency} {-change:.2f}"
            _park(booking, record, run, f"{what} more received after booking: book it by hand")
        return
    memo = _refund_target(booking, record, booked, pending=pending, change=change, run=run)
    if memo is None or booking.refunds is None:
        return
    reference = (
        pending.external_document_number
        if pending
        else refund_reference(record.payment.payment_id, len(booked.refunds) + 1)
    )
    try:
        lines = booking.refunds.lines(reference)
        if not lines and pending is not None:
            _mark_booked(booking, record, pending.journal_line_id, run)
            return
        line = lines[0] if lines else _add_refund(booking.refunds, _refund_line(record, memo, change, reference))
    except BusinessCentralRejected as refused:
        _park(booking, record, run, f"BC refused the refund line: {refused.message}")
        return
    if line is not None:
        _stage_refund_line(booking, record, booked, pending=pending, line=line, memo=memo, run=run)


def _refund_target(
    booking: PaymentBooking,
    record: PaymentRecord,
    booked: Booking,
    *,
    pending: RefundBooking | None,
    change: Decimal,
    run: _Run,
) -> BcCreditMemo | None:
    """The credit memo the refund line is applied to; None when the refund waits for one or was parked."""
    found = booking.orders.get(record.order_key) if record.order_key else None
    memo = _credit_memo_to_apply(record, pending, found[0] if found else None, booking.local_currency)
    what = f"{record.payment.amount.currency} {change:.2f}"
    if isinstance(memo, str):
        _park(booking, record, run, memo)
    elif booking.refunds is None:
        against = f"credit memo {memo.number}" if memo else "the credit memo"
        _park(booking, record, run, f"{what} refunded or charged back after booking: book it against {against}")
    elif memo is None:
        _await_credit_memo(booking, record, booked, run, what)
    else:
        return memo
    return None


def _stage_refund_line(
    booking: PaymentBooking,
    record: PaymentRecord,
    booked: Booking,
    *,
    pending: RefundBooking | None,
    line: RefundLine,
    memo: BcCreditMemo,
    run: _Run,
) -> None:
    """Record the refund line as in the journal (before the post), and stage it."""
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
    kept = tuple(each for each in booked.refunds if each is not pending)
    entered = booked.model_copy(update={"refunds": (*kept, entry), "credit_memo_awaited_since": None})
    stored = record.model_copy(update={"booking": entered, "updated_at": now})
    booking.payments.put(stored)
    run.staged.append(_Staged(record, stored, line))


def _add_refund(journal: RefundJournal, line: RefundLine) -> RefundLine | None:
    """Insert the line; when BC's answer is lost, look for it: there, or None (not made; the next run tries)."""
    try:
        return journal.add(line)
    except AmbiguousWriteError:
        found = journal.lines(line.external_document_number)
        return found[0] if found else None


def _credit_memo_to_apply(
    record: PaymentRecord, pending: RefundBooking | None, order: OrderRecord | None, local_currency: str
) -> BcCreditMemo | str | None:
    """The credit memo a refund is applied to: the one its line already names, else the order's first open one;
    None while the order has none; a reason for a person when its credit memos are paid back already or in
    another currency."""
    memos = order.credit_memos if order else []
    if not memos:
        return None
    named = [each for each in memos if pending and each.id == pending.credit_memo_id]
    memo = next(iter(named), None) or next((each for each in memos if each.open), None)
    if memo is None:
        numbers = ", ".join(each.number for each in memos)
        return f"the order's credit memos ({numbers}) are paid back in BC already: was the refund booked by hand?"
    currency = memo.currency_code or local_currency
    if currency.upper() != record.payment.amount.currency:
        return f"credit memo {memo.number} is in {currency}, the payment in {record.payment.amount.currency}"
    return memo


def _refund_line(record: PaymentRecord, memo: BcCreditMemo, change: Decimal, reference: str) -> RefundLine:
    payment = record.payment
    return RefundLine(
        customer_number=memo.customer_number,
        external_document_number=reference,
        amount=change,
        applies_to_credit_memo_id=memo.id,
        description=f"{payment.provider} {payment.payment_id} refund"[:100],
    )


def _await_credit_memo(booking: PaymentBooking, record: PaymentRecord, booked: Booking, run: _Run, what: str) -> None:
    """No credit memo in BC yet: wait for it (the record stays due), up to `credit_memo_wait`."""
    now = booking.clock.now()
    since = booked.credit_memo_awaited_since or now
    if now - since >= booking.credit_memo_wait:
        days = booking.credit_memo_wait.days
        why = f"{what} refunded or charged back after booking, and BC has no credit memo for it after {days} days"
        _park(booking, record, run, f"{why}: credit the invoice in BC (or book it by hand)")
        return
    if booked.credit_memo_awaited_since is None:
        waiting = booked.model_copy(update={"credit_memo_awaited_since": now})
        booking.payments.put(record.model_copy(update={"booking": waiting, "updated_at": now}))


def _park(booking: PaymentBooking, record: PaymentRecord, run: _Run, why: str) -> None:
    booking.payments.put(record.model_copy(update={"booking_problem": why, "updated_at": booking.clock.now()}))
    run.parked += 1
