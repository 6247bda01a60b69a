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

from domain.errors import AmbiguousWriteError, BusinessCentralRejected, ConcurrencyConflict, RetryableError
from domain.payments.booking import Booking, BookingState, PaymentLine, RefundBooking, payment_reference
from domain.payments.credit_memo import BcCreditMemo
from domain.payments.invoice import BcInvoice
from domain.payments.record import MatchStatus, PaymentRecord
from domain.payments.refund import RefundLine, refund_reference
from domain.ports import Clock, OrderStore, PaymentJournal, PaymentStore, RefundJournal, SyncRuns
from domain.records import OrderRecord, SyncRun
from domain.services.track_invoices import InvoiceTracking, poll_invoices

RUN_NAME = "payments-bc"
BATCH = 500
MARK_ATTEMPTS = 3


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
    """A line in the journal to be posted: the payment's record before the line, as stored with it (and that
    version's ETag), and the line."""

    before: PaymentRecord
    stored: PaymentRecord
    etag: str
    line: PaymentLine | RefundLine


@dataclass(frozen=True)
class _Current:
    """A payment's record as stored now, with the ETag every write of this run is conditioned on."""

    record: PaymentRecord
    etag: str


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
        for listed in booking.payments.awaiting_booking():
            if len(run.staged) >= booking.batch:
                break
            read += 1
            current = _current(booking, listed)
            if current is not None:
                _stage(booking, current, run)
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


def _current(booking: PaymentBooking, listed: PaymentRecord) -> _Current | None:
    """The payment's record as stored now (the list of payments to book holds copies); None when it is no longer
    to book."""
    payment = listed.payment
    found = booking.payments.read(payment.provider, payment.account, payment.payment_id)
    if found is None or not found[0].to_book:
        return None
    return _Current(*found)


def _stage(booking: PaymentBooking, current: _Current, run: _Run) -> None:
    """Put the payment's line in the journal (or find it there), or say why it waits or needs a person."""
    record = current.record
    if record.booking is not None and record.booking.state is BookingState.BOOKED:
        _stage_refund(booking, current, record.booking, run)
        return
    found = booking.orders.get(record.order_key) if record.order_key else None
    invoice = _invoice_to_apply(record, found[0], booking.local_currency) if found else None
    if isinstance(invoice, BcInvoice) and record.booking is None and found is not None:
        invoice = _more_than_the_total(booking, record, found[0]) or invoice
    if isinstance(invoice, str):
        _park(booking, current, run, invoice)
    if not isinstance(invoice, BcInvoice):
        return
    reference = payment_reference(record.payment)
    try:
        lines = booking.journal.lines(reference)
        if not lines and record.booking is not None:
            _mark_booked(booking, current, record.booking.journal_line_id, run)
            return
        line = lines[0] if lines else _add(booking.journal, _line(record, invoice, reference))
    except BusinessCentralRejected as refused:
        _park(booking, current, run, f"BC refused the payment line: {refused.message}")
        return
    if line is None:
        return
    entry = _entry(invoice, line, booking.clock.now())
    _stage_line(booking, current, record.model_copy(update={"booking": entry, "updated_at": entry.at}), line, run)


def _stage_line(
    booking: PaymentBooking, current: _Current, stored: PaymentRecord, line: PaymentLine | RefundLine, run: _Run
) -> None:
    """Record that the line is in the journal before anything posts it; when the record changed meanwhile, take
    the line out again (a line in the journal that no record names would be posted, then made again)."""
    etag = _save(booking, stored, current.etag)
    if etag is None:
        _remove(booking, line)
        return
    run.staged.append(_Staged(current.record, stored, etag, line))


def _save(booking: PaymentBooking, record: PaymentRecord, etag: str) -> str | None:
    """Write the record on the ETag it was read with; None when someone else wrote it in between."""
    try:
        return booking.payments.write(record, etag)
    except ConcurrencyConflict:
        return None


def _add(journal: PaymentJournal, line: PaymentLine) -> PaymentLine | None:
    """Insert the line; when BC's answer is lost, look for it: there, or None (not made; the next run tries)."""
    try:
        return journal.add(line)
    except AmbiguousWriteError:
        found = journal.lines(line.external_document_number)
        return found[0] if found else None


def _more_than_the_total(booking: PaymentBooking, record: PaymentRecord, order: OrderRecord) -> str:
    """Why no payment of the order is booked when its matched payments add up to more than its total (two
    payments read at the same moment, neither seeing the other); "" when they do not."""
    if order.web_total is None or record.order_key is None:
        return ""
    matched = [each for each in booking.payments.for_order(record.order_key) if each.status is MatchStatus.MATCHED]
    received = sum((each.payment.received for each in matched), Decimal(0))
    if received <= order.web_total:
        return ""
    currency = record.payment.amount.currency
    return f"the order's payments bring in {currency} {received:.2f}, more than its total {order.web_total:.2f}"


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
        _mark_booked(booking, _Current(staged.stored, staged.etag), staged.line.id, run)


def _in_journal(booking: PaymentBooking, line: PaymentLine | RefundLine) -> bool:
    if isinstance(line, RefundLine):
        return booking.refunds is not None and bool(booking.refunds.lines(line.external_document_number))
    return bool(booking.journal.lines(line.external_document_number))


def _post_one_by_one(booking: PaymentBooking, run: _Run) -> None:
    """Take the lines out again (each record back to before its line, first), then put each back and post it
    alone: only the line BC refuses is parked. Whatever stops this half way leaves every record true."""
    undone = []
    for staged in run.staged:
        etag = _save(booking, staged.before, staged.etag)
        _remove(booking, staged.line)
        if etag is not None:
            undone.append(_Current(staged.before, etag))
    run.staged = []
    for current in undone:
        _stage(booking, current, run)
        if not run.staged:
            continue
        staged = run.staged.pop()
        try:
            booking.journal.post()
        except BusinessCentralRejected as refused:
            _remove(booking, staged.line)
            what = "refund" if isinstance(staged.line, RefundLine) else "payment"
            back = _save(booking, staged.before, staged.etag)
            if back is not None:
                _park(booking, _Current(staged.before, back), run, f"BC refused to post the {what}: {refused.message}")
            continue
        _mark_booked(booking, _Current(staged.stored, staged.etag), staged.line.id, run)


def _remove(booking: PaymentBooking, line: PaymentLine | RefundLine) -> None:
    if isinstance(line, RefundLine):
        assert booking.refunds is not None
        booking.refunds.remove(line)
    else:
        booking.journal.remove(line)


def _mark_booked(booking: PaymentBooking, current: _Current, line_id: str, run: _Run) -> None:
    """The record's line in the journal (its refund line when it has one, else its payment line) was posted. When
    someone wrote the record in between, it is read again: still naming the line, it is marked on that version;
    if that fails too, the next run finds the line gone from the journal and marks it then."""
    run.booked += 1
    for _attempt in range(MARK_ATTEMPTS):
        if _save(booking, _posted(current.record, line_id, booking.clock.now()), current.etag) is not None:
            return
        payment = current.record.payment
        found = booking.payments.read(payment.provider, payment.account, payment.payment_id)
        if found is None or not _names_a_line(found[0]):
            return
        current = _Current(*found)


def _names_a_line(record: PaymentRecord) -> bool:
    booked = record.booking
    return booked is not None and (booked.state is BookingState.IN_JOURNAL or record.refund_in_journal is not None)


def _posted(record: PaymentRecord, line_id: str, now: datetime) -> PaymentRecord:
    assert record.booking is not None
    pending = record.refund_in_journal
    if pending is not None:
        posted = pending.model_copy(update={"state": BookingState.BOOKED, "journal_line_id": line_id, "at": now})
        refunds = tuple(posted if each is pending else each for each in record.booking.refunds)
        done = record.booking.model_copy(update={"refunds": refunds})
    else:
        done = record.booking.model_copy(update={"state": BookingState.BOOKED, "journal_line_id": line_id, "at": now})
    return record.model_copy(update={"booking": done, "updated_at": now})


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


def _stage_refund(booking: PaymentBooking, current: _Current, booked: Booking, run: _Run) -> None:
    """Put a refund line for what was given back since the last line in the journal (or find it there), or say
    why it waits or needs a person."""
    record = current.record
    pending = record.refund_in_journal
    change = record.booked_in_bc - record.payment.received
    if pending is None and change <= 0:
        if change < 0:
            what = f"{record.payment.amount.currency} {-change:.2f}"
            _park(booking, current, run, f"{what} more received after booking: book it by hand")
        return
    memo = _refund_target(booking, current, booked, pending=pending, change=change, run=run)
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
            _mark_booked(booking, current, pending.journal_line_id, run)
            return
        line = lines[0] if lines else _add_refund(booking.refunds, _refund_line(record, memo, change, reference))
    except BusinessCentralRejected as refused:
        _park(booking, current, run, f"BC refused the refund line: {refused.message}")
        return
    if line is not None:
        _stage_refund_line(booking, current, booked, pending=pending, line=line, memo=memo, run=run)


def _refund_target(
    booking: PaymentBooking,
    current: _Current,
    booked: Booking,
    *,
    pending: RefundBooking | None,
    change: Decimal,
    run: _Run,
) -> BcCreditMemo | None:
    """The credit memo the refund line is applied to; None when the refund waits for one or was parked."""
    record = current.record
    found = booking.orders.get(record.order_key) if record.order_key else None
    memo = _credit_memo_to_apply(record, pending, found[0] if found else None, booking.local_currency)
    what = f"{record.payment.amount.currency} {change:.2f}"
    if isinstance(memo, str):
        _park(booking, current, run, memo)
    elif booking.refunds is None:
        against = f"credit memo {memo.number}" if memo else "the credit memo"
        _park(booking, current, run, f"{what} refunded or charged back after booking: book it against {against}")
    elif memo is None:
        _await_credit_memo(booking, current, booked, run, what)
    else:
        return memo
    return None


def _stage_refund_line(
    booking: PaymentBooking,
    current: _Current,
    booked: Booking,
    *,
    pending: RefundBooking | None,
    line: RefundLine,
    memo: BcCreditMemo,
    run: _Run,
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
    kept = tuple(each for each in booked.refunds if each is not pending)
    entered = booked.model_copy(update={"refunds": (*kept, entry), "credit_memo_awaited_since": None})
    _stage_line(booking, current, record.model_copy(update={"booking": entered, "updated_at": now}), line, run)


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


def _await_credit_memo(booking: PaymentBooking, current: _Current, booked: Booking, run: _Run, what: str) -> None:
    """No credit memo in BC yet: wait for it (the record stays due), up to `credit_memo_wait`."""
    record = current.record
    now = booking.clock.now()
    since = booked.credit_memo_awaited_since or now
    if now - since >= booking.credit_memo_wait:
        days = booking.credit_memo_wait.days
        why = f"{what} refunded or charged back after booking, and BC has no credit memo for it after {days} days"
        _park(booking, current, run, f"{why}: credit the invoice in BC (or book it by hand)")
        return
    if booked.credit_memo_awaited_since is None:
        waiting = booked.model_copy(update={"credit_memo_awaited_since": now})
        _save(booking, record.model_copy(update={"booking": waiting, "updated_at": now}), current.etag)


def _park(booking: PaymentBooking, current: _Current, run: _Run, why: str) -> None:
    """Put the payment before a person; when someone wrote it in between, the next run looks at it again."""
    parked = current.record.model_copy(update={"booking_problem": why, "updated_at": booking.clock.now()})
    if _save(booking, parked, current.etag) is not None:
        run.parked += 1
