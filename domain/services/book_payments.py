"""The booking run: every matched payment Koppel received the money of becomes a customer payment in BC, applied
to its order's invoice, once.

A run first files the invoices BC posted since the last run (the polling fallback of the salesInvoices webhook),
then, for each payment still to book whose order has an open invoice, puts one line in Koppel's customer payment
journal (externalDocumentNumber = the payment's id, looked for before every insert) and posts the journal once for
all of them. What a crash leaves behind is found again: a line still in the journal is posted by the next run; a
line Koppel made that has left the journal was posted. When BC refuses the post, the lines are posted one by one so
one bad line parks only its own payment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import AmbiguousWriteError, BusinessCentralRejected, RetryableError
from domain.payments.booking import Booking, BookingState, PaymentLine, payment_reference
from domain.payments.invoice import BcInvoice
from domain.payments.record import PaymentRecord
from domain.ports import Clock, OrderStore, PaymentJournal, PaymentStore, SyncRuns
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


@dataclass
class _Run:
    staged: list[tuple[PaymentRecord, Booking, PaymentLine]] = field(default_factory=list)
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
        _park(booking, record, run, _changed_after_booking(record))
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
            _mark_booked(booking, record, record.booking, run)
            return
        line = lines[0] if lines else _add(booking.journal, _line(record, invoice, reference))
    except BusinessCentralRejected as refused:
        _park(booking, record, run, f"BC refused the payment line: {refused.message}")
        return
    if line is None:
        return
    entry = _entry(invoice, line, booking.clock.now())
    booking.payments.put(record.model_copy(update={"booking": entry, "updated_at": entry.at}))
    run.staged.append((record, entry, line))


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
        if booking.journal.lines(run.staged[0][2].external_document_number):
            raise
    except BusinessCentralRejected as refused:
        run.problems.append(f"BC refused to post the journal ({refused.message}): posted line by line")
        _post_one_by_one(booking, run)
        return
    for record, entry, _line_in_journal in run.staged:
        _mark_booked(booking, record, entry, run)


def _post_one_by_one(booking: PaymentBooking, run: _Run) -> None:
    """Take the lines out again, then put each back and post it alone: only the line BC refuses is parked."""
    for _record, _entry_made, line in run.staged:
        booking.journal.remove(line)
    for record, entry, line in run.staged:
        alone = booking.journal.add(line.model_copy(update={"id": "", "etag": ""}))
        try:
            booking.journal.post()
        except BusinessCentralRejected as refused:
            booking.journal.remove(alone)
            _park(booking, record, run, f"BC refused to post the payment: {refused.message}")
            continue
        _mark_booked(booking, record, entry.model_copy(update={"journal_line_id": alone.id}), run)


def _mark_booked(booking: PaymentBooking, record: PaymentRecord, entry: Booking, run: _Run) -> None:
    now = booking.clock.now()
    done = entry.model_copy(update={"state": BookingState.BOOKED, "at": now})
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


def _changed_after_booking(record: PaymentRecord) -> str:
    """A refund or chargeback after the payment was booked: BC's API v2.0 has no refund document, so a person
    books it against the credit memo."""
    booked = record.booking.amount if record.booking else 0
    difference = booked - record.payment.received
    currency = record.payment.amount.currency
    if difference > 0:
        return f"{currency} {difference:.2f} refunded or charged back after booking: book it against the credit memo"
    return f"{currency} {-difference:.2f} more received after booking: book it by hand"


def _park(booking: PaymentBooking, record: PaymentRecord, run: _Run, why: str) -> None:
    booking.payments.put(record.model_copy(update={"booking_problem": why, "updated_at": booking.clock.now()}))
    run.parked += 1
