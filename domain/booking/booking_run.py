"""What a booking run keeps and how it writes: the run's settings and tally, a payment's record as read (with the
ETag every write of the run is conditioned on), lines staged for the post, and the writes that record a line in the
journal, a posted line, or a payment put before a person. Used by book_payments (payments) and book_refunds."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Generic, Protocol, TypeVar

from domain.booking.ports import PaymentJournal, RefundJournal
from domain.errors import AmbiguousWriteError, ConcurrencyConflict
from domain.etag_writes import change_on_etag
from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.invoices.track_invoices import InvoiceTracking
from domain.payments.booking import PaymentLine
from domain.payments.ports import PaymentStore
from domain.payments.record import PaymentRecord
from domain.payments.refund import RefundLine
from domain.ports import Clock, OrderStore, SyncRuns
from domain.refunds.ports import RefundStore

RUN_NAME = "payments-bc"
MARK_ATTEMPTS = 3
L = TypeVar("L", PaymentLine, RefundLine)
D = TypeVar("D", BcInvoice, BcCreditMemo)


@dataclass(frozen=True)
class PaymentBooking:
    tracking: InvoiceTracking
    journal: PaymentJournal
    payments: PaymentStore
    orders: OrderStore
    runs: SyncRuns
    clock: Clock
    local_currency: str
    batch: int
    """At most this many journal lines per run (KOPPEL_BOOKING_BATCH)."""
    credit_memo_wait: timedelta
    """How long a refund after booking waits for BC's credit memo before a person is asked."""
    name: str = RUN_NAME
    refunds: RefundJournal | None = None
    """Koppel's own API page for refund lines (KOPPEL_BC_REFUND_API); None: refunds after booking go to a person."""
    credit_memo_refunds: RefundStore | None = None
    """Koppel's refunds of credit memos (shops whose refunds come from BC): which credit memo each payment's refund
    is for."""


@dataclass(frozen=True)
class Apply(Generic[D]):
    """Apply the line to `document`: a payment line to an invoice, a refund line to a credit memo."""

    document: D


@dataclass(frozen=True)
class Wait:
    """Nothing to apply the line to yet (BC has no such document, or has yet to post it): the next run looks
    again."""


@dataclass(frozen=True)
class Park:
    """A person decides, for the reason `why`."""

    why: str


WAIT = Wait()


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
    payment = current.record.payment
    with suppress(ConcurrencyConflict):
        change_on_etag(
            lambda: booking.payments.read(payment.provider, payment.account, payment.payment_id),
            lambda record: record.posted(line_id, booking.clock.now()) if record and record.line_in_journal else None,
            booking.payments.write,
            attempts=MARK_ATTEMPTS,
            known=(current.record, current.etag),
        )


def park(booking: PaymentBooking, current: Current, run: Run, why: str) -> None:
    """Put the payment before a person; when someone wrote it in between, the next run looks at it again."""
    parked = current.record.parked(why, booking.clock.now())
    if save(booking, parked, current.etag) is not None:
        run.parked += 1
