"""What a booking run keeps and how it writes: the run's settings and tally, a payment's record as read (with the
ETag every write of the run is conditioned on), lines staged for the post, and the writes that record a line in the
journal, a posted line, or a payment put before a person. Used by book_payments (payments) and book_refunds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from domain.errors import AmbiguousWriteError, ConcurrencyConflict
from domain.invoices.track_invoices import InvoiceTracking
from domain.payments.booking import BookingState, PaymentLine
from domain.payments.record import PaymentRecord
from domain.payments.refund import RefundLine
from domain.ports import Clock, OrderStore, PaymentJournal, PaymentStore, RefundJournal, SyncRuns

RUN_NAME = "payments-bc"
BATCH = 500
MARK_ATTEMPTS = 3
L = TypeVar("L", PaymentLine, RefundLine)


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
class Staged:
    """A line in the journal to be posted: the payment's record before the line, as stored with it (and that
    version's ETag), and the line."""

    before: PaymentRecord
    stored: PaymentRecord
    etag: str
    line: PaymentLine | RefundLine


@dataclass(frozen=True)
class Current:
    """A payment's record as stored now, with the ETag every write of this run is conditioned on."""

    record: PaymentRecord
    etag: str


@dataclass
class Run:
    staged: list[Staged] = field(default_factory=list)
    booked: int = 0
    parked: int = 0
    problems: list[str] = field(default_factory=list)


def save(booking: PaymentBooking, record: PaymentRecord, etag: str) -> str | None:
    """Write the record on the ETag it was read with; None when someone else wrote it in between."""
    try:
        return booking.payments.write(record, etag)
    except ConcurrencyConflict:
        return None


def stage_line(
    booking: PaymentBooking, current: Current, stored: PaymentRecord, line: PaymentLine | RefundLine, run: Run
) -> None:
    """Record that the line is in the journal before anything posts it; when the record changed meanwhile, take
    the line out again (a line in the journal that no record names would be posted, then made again)."""
    etag = save(booking, stored, current.etag)
    if etag is None:
        remove(booking, line)
        return
    run.staged.append(Staged(current.record, stored, etag, line))


class JournalLines(Protocol[L]):
    """A journal Koppel puts lines in: its payments (customerPayments) or its refunds (Koppel's API page)."""

    def lines(self, external_document_number: str) -> list[L]: ...

    def add(self, line: L) -> L: ...


def add_line(journal: JournalLines[L], line: L) -> L | None:
    """Insert the line; when BC's answer is lost, look for it: there, or None (not made; the next run tries)."""
    try:
        return journal.add(line)
    except AmbiguousWriteError:
        found = journal.lines(line.external_document_number)
        return found[0] if found else None


def remove(booking: PaymentBooking, line: PaymentLine | RefundLine) -> None:
    if isinstance(line, RefundLine):
        assert booking.refunds is not None
        booking.refunds.remove(line)
    else:
        booking.journal.remove(line)


def mark_booked(booking: PaymentBooking, current: Current, line_id: str, run: Run) -> None:
    """The record's line in the journal (its refund line when it has one, else its payment line) was posted. When
    someone wrote the record in between, it is read again: still naming the line, it is marked on that version;
    if that fails too, the next run finds the line gone from the journal and marks it then."""
    run.booked += 1
    for _attempt in range(MARK_ATTEMPTS):
        if save(booking, _posted(current.record, line_id, booking.clock.now()), current.etag) is not None:
            return
        payment = current.record.payment
        found = booking.payments.read(payment.provider, payment.account, payment.payment_id)
        if found is None or not _names_a_line(found[0]):
            return
        current = Current(*found)


def without_line(record: PaymentRecord, line: PaymentLine | RefundLine) -> PaymentRecord:
    """The record once `line` is taken out of the journal unposted: it no longer names the line (a record naming a
    line the journal no longer has is taken as posted)."""
    booked = record.booking
    if booked is None:
        return record
    if isinstance(line, RefundLine):
        refunds = tuple(
            each
            for each in booked.refunds
            if each.state is not BookingState.IN_JOURNAL or each.journal_line_id != line.id
        )
        return record.model_copy(update={"booking": booked.model_copy(update={"refunds": refunds})})
    if booked.state is BookingState.IN_JOURNAL:
        return record.model_copy(update={"booking": None})
    return record


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


def park(booking: PaymentBooking, current: Current, run: Run, why: str) -> None:
    """Put the payment before a person; when someone wrote it in between, the next run looks at it again."""
    parked = current.record.model_copy(update={"booking_problem": why, "updated_at": booking.clock.now()})
    if save(booking, parked, current.etag) is not None:
        run.parked += 1
