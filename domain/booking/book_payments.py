"""The booking run: every matched payment Koppel received the money of becomes a customer payment in BC, applied
to its order's invoice, once.

A run first files the invoices and credit memos BC posted since the last run (the polling fallback of the webhook),
then, for each payment still to book whose order has an open invoice, puts one line in Koppel's customer payment
journal (externalDocumentNumber = the payment's reference, looked for before every insert) and posts the journal
once for all of them. What a crash leaves behind is found again: a line still in the journal is posted by the next
run; a line Koppel made that has left the journal was posted. When BC refuses the post, the lines are posted one by
one so one bad line parks only its own payment. A refund or chargeback after booking is staged by book_refunds and
posted with them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain.booking.book_refunds import stage_refund
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
    remove,
    save,
    stage_line,
)
from domain.errors import AmbiguousWriteError, BusinessCentralRejected, RetryableError
from domain.invoices.invoice import BcInvoice
from domain.invoices.posted_document import PAID
from domain.invoices.track_invoices import link_invoices, poll_invoices
from domain.payments.booking import Booking, BookingState, PaymentLine, payment_reference
from domain.payments.matching import Position, settlement
from domain.payments.record import MatchStatus, PaymentRecord
from domain.payments.refund import RefundLine
from domain.records import OrderRecord, SyncRun
from domain.runs import BOOKING_COUNTS

__all__ = ["PaymentBooking", "book_payments"]


def book_payments(booking: PaymentBooking) -> SyncRun:
    """One run: file new invoices, stage the payments to book, post them; its summary is recorded and returned."""
    started = booking.clock.now()
    run = Run()
    filed, looked_at, completed = 0, 0, True
    try:
        filed = poll_invoices(booking.tracking)
        for listed in booking.payments.awaiting_booking():
            if len(run.staged) >= booking.batch:
                break
            looked_at += 1
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
        read=looked_at,
        changed=filed,
        pushed=run.booked,
        failed=run.parked,
        count_names=BOOKING_COUNTS,
        completed=completed,
        problems=tuple(run.problems),
    )
    booking.runs.record(summary)
    return summary


def _current(booking: PaymentBooking, listed: PaymentRecord) -> Current | None:
    """The payment's record as stored now (the list of payments to book holds copies); None when it is no longer
    to book."""
    payment = listed.payment
    found = booking.payments.read(payment.provider, payment.account, payment.payment_id)
    if found is None or not found[0].to_book:
        return None
    return Current(*found)


def _stage(booking: PaymentBooking, current: Current, run: Run) -> None:
    """Put the payment's line in the journal (or find it there), or say why it waits or needs a person."""
    record = current.record
    if record.booking is not None and record.booking.state is BookingState.BOOKED:
        stage_refund(booking, current, record.booking, run)
        return
    match _invoice_for(booking, record):
        case Apply(invoice):
            _stage_payment_line(booking, current, invoice, run)
        case Park(why):
            park(booking, current, run, why)
        case Wait():
            pass


def _invoice_for(booking: PaymentBooking, record: PaymentRecord) -> Apply[BcInvoice] | Wait | Park:
    """The invoice its line is applied to; a payment not booked yet is not applied when its order's matched
    payments come to more than its total."""
    found = booking.orders.get(record.order_key) if record.order_key else None
    if found is None:
        return WAIT
    step = _invoice_to_apply(record, found[0], booking.local_currency)
    if isinstance(step, Apply) and record.booking is None:
        too_much = _more_than_the_total(booking, record, found[0])
        if too_much:
            return Park(too_much)
    return step


def _stage_payment_line(booking: PaymentBooking, current: Current, invoice: BcInvoice, run: Run) -> None:
    """Find the payment's line in the journal, or make it against the invoice as BC has it now; and stage it."""
    record = current.record
    reference = payment_reference(record.payment)
    try:
        lines = booking.journal.lines(reference)
        if not lines and record.booking is not None:
            mark_booked(booking, current, record.booking.journal_line_id, run)
            return
        if lines:
            line: PaymentLine | None = lines[0]
        else:
            payable = _as_bc_has_it(booking, current, run, invoice)
            if payable is None:
                return
            invoice = payable
            line = add_line(booking.journal, _line(record, invoice, reference))
    except BusinessCentralRejected as refused:
        park(booking, current, run, f"BC refused the payment line: {refused.message}")
        return
    if line is None:
        return
    stage_line(booking, current, record.staged(_entry(invoice, line, booking.clock.now())), line, run)


def _as_bc_has_it(booking: PaymentBooking, current: Current, run: Run, invoice: BcInvoice) -> BcInvoice | None:
    """The invoice read again right before a line is made for it, and filed on its order: a payment in BC changes
    its remainingAmount without stamping it (only a change of status does), so the copy filed may be stale. None
    when it is gone from BC or has less left than the payment (a person), or is no longer open: the payment waits,
    or goes to a person for what its order's invoices now say."""
    fresh = booking.tracking.invoices.get(invoice.id)
    if fresh is None:
        park(booking, current, run, f"invoice {invoice.number} no longer exists in BC")
        return None
    link_invoices(booking.tracking, [fresh])
    if fresh.open:
        short = _less_left_than_paid(current.record, fresh, run)
        if not short:
            return fresh
        park(booking, current, run, short)
        return None
    record = current.record
    found = booking.orders.get(record.order_key) if record.order_key else None
    step = _invoice_to_apply(record, found[0], booking.local_currency) if found else WAIT
    if isinstance(step, Park):
        park(booking, current, run, step.why)
    return None


def _less_left_than_paid(record: PaymentRecord, invoice: BcInvoice, run: Run) -> str:
    """Why the payment is not applied to `invoice`: what BC has left of it, less what the run's lines already apply
    to it, is less than the payment (BC would leave the rest unapplied); "" when the payment fits."""
    applied = sum(
        (
            -staged.line.amount
            for staged in run.staged
            if isinstance(staged.line, PaymentLine) and staged.line.applies_to_invoice_id == invoice.id
        ),
        Decimal(0),
    )
    left, received = invoice.remaining_amount - applied, record.payment.received
    if left >= received:
        return ""
    currency = record.payment.amount.currency
    why = (
        "was part of it booked by hand?"
        if invoice.total_including_tax >= received
        else "is the order invoiced in parts?"
    )
    return (
        f"invoice {invoice.number} has only {currency} {left:.2f} left, less than the payment of {currency} "
        f"{received:.2f}: {why}"
    )


def _more_than_the_total(booking: PaymentBooking, record: PaymentRecord, order: OrderRecord) -> str:
    """Why no payment of the order is booked when its matched payments add up to more than its total (two
    payments read at the same moment, neither seeing the other); "" when they do not."""
    if order.web_total is None or record.order_key is None:
        return ""
    matched = [
        each.payment for each in booking.payments.for_order(record.order_key) if each.status is MatchStatus.MATCHED
    ]
    currency = record.payment.amount.currency
    standing = settlement(order.web_total, currency, matched)
    if standing.position is not Position.OVERPAID:
        return ""
    return (
        f"the order's payments bring in {currency} {standing.received:.2f}, more than its total {order.web_total:.2f}"
    )


def _invoice_to_apply(record: PaymentRecord, order: OrderRecord, local_currency: str) -> Apply[BcInvoice] | Wait | Park:
    """The invoice the payment is applied to: the one its line already names, else the order's first open one;
    wait while the order has none open and one is still to come (none yet, or a Draft / In Review one); a person
    when none of its invoices is open, or the invoice is not in the local currency."""
    named = [each for each in order.invoices if record.booking and each.id == record.booking.invoice_id]
    invoice = next(iter(named), None) or next((each for each in order.invoices if each.open), None)
    if invoice is None:
        return _none_open(order.invoices)
    problem = invoice.currency_problem(local_currency, record.payment.amount.currency)
    return Park(problem) if problem else Apply(invoice)


def _none_open(invoices: list[BcInvoice]) -> Wait | Park:
    """Wait while the order has no invoice, or one BC has yet to post; else why a person is needed."""
    if not invoices or not all(each.posted for each in invoices):
        return WAIT
    if all(each.status == PAID for each in invoices):
        numbers = ", ".join(each.number for each in invoices)
        return Park(f"the order's invoices ({numbers}) are paid in BC already: was the payment booked by hand?")
    states = ", ".join(f"{each.number} {each.status}" for each in invoices)
    return Park(f"none of the order's invoices is open in BC ({states}): was the payment booked by hand?")


def _line(record: PaymentRecord, invoice: BcInvoice, reference: str) -> PaymentLine:
    payment = record.payment
    return PaymentLine(
        customer_number=invoice.billed_customer_number,
        external_document_number=reference,
        amount=-payment.received,
        applies_to_invoice_id=invoice.id,
        description=f"{payment.provider} {payment.payment_id}"[:100],
    )


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


def _post(booking: PaymentBooking, run: Run) -> None:
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
        mark_booked(booking, Current(staged.stored, staged.etag), staged.line.id, run)


def _in_journal(booking: PaymentBooking, line: PaymentLine | RefundLine) -> bool:
    if isinstance(line, RefundLine):
        return booking.refunds is not None and bool(booking.refunds.lines(line.external_document_number))
    return bool(booking.journal.lines(line.external_document_number))


def _post_one_by_one(booking: PaymentBooking, run: Run) -> None:
    """Take the lines out again (each record back to before its line, first: a line an earlier run made is no
    longer named), then put each back and post it alone: only the line BC refuses is parked. Whatever stops this
    half way leaves every record true."""
    undone = []
    for staged in run.staged:
        before = staged.before.without_line(staged.line)
        etag = save(booking, before, staged.etag)
        remove(booking, staged.line)
        if etag is not None:
            undone.append(Current(before, etag))
    run.staged = []
    for current in undone:
        _stage(booking, current, run)
        if not run.staged:
            continue
        staged = run.staged.pop()
        try:
            booking.journal.post()
        except BusinessCentralRejected as refused:
            remove(booking, staged.line)
            what = "refund" if isinstance(staged.line, RefundLine) else "payment"
            back = save(booking, staged.before, staged.etag)
            if back is not None:
                park(booking, Current(staged.before, back), run, f"BC refused to post the {what}: {refused.message}")
            continue
        mark_booked(booking, Current(staged.stored, staged.etag), staged.line.id, run)
