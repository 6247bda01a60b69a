"""Koppel's record of one payment: the payment as last read at its provider, the order it belongs to, and where
that order stands with it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.models import Frozen, WebOrderKey
from domain.payments.booking import Booking, BookingState, PaymentLine, RefundBooking
from domain.payments.matching import Position, Settlement
from domain.payments.payment import Payment
from domain.payments.refund import RefundLine


class MatchStatus(StrEnum):
    MATCHED = "matched"
    WAITING_FOR_ORDER = "waiting_for_order"
    """It names an order Koppel has not received yet: looked at again until it arrives, for a bounded time."""
    NEEDS_ATTENTION = "needs_attention"
    """A person decides: no order named, the order never came, over payment or another currency."""


class PaymentRecord(Frozen):
    payment: Payment
    status: MatchStatus
    order_key: WebOrderKey | None = None
    settlement: Settlement | None = None
    """The order's position counting this and its other payments, when matched."""
    note: str = ""
    """Why a person is needed, or what is awaited; never personal data. Built afresh on every read."""
    matched_by: str = ""
    """How its order was found when the payment names none (amount, payer, time); carried to the next read."""
    booking: Booking | None = None
    """Its customer payment in BC, once Koppel made one."""
    booking_problem: str = ""
    """Why Koppel does not book it (or its refund) in BC: a person does."""
    first_seen_at: datetime
    updated_at: datetime

    def for_a_person(self, why: str) -> PaymentRecord:
        """Not matched: a person decides, for the reason `why`."""
        return self._changed(status=MatchStatus.NEEDS_ATTENTION, note=why)

    def waiting_for_its_order(self, note: str) -> PaymentRecord:
        """Its order is awaited (`note` says which)."""
        return self._changed(status=MatchStatus.WAITING_FOR_ORDER, note=note)

    def matched(self, standing: Settlement, how: str) -> PaymentRecord:
        """Matched to its order, where the order stands counting it: a person is needed when the order is overpaid
        or paid in another currency; `how` says how the order was found when the payment names none."""
        status = MatchStatus.NEEDS_ATTENTION if standing.needs_a_person else MatchStatus.MATCHED
        return self._changed(status=status, settlement=standing, note=standing.explanation or how)

    def noting(self, also: str) -> PaymentRecord:
        """`also` told after what its note says already."""
        return self._changed(note="; ".join(note for note in (self.note, also) if note))

    def withdrawn(self, note: str, at: datetime) -> PaymentRecord:
        """Its payment no longer reported: kept on record as one that brought nothing in, `note` saying why."""
        return self._changed(payment=self.payment.cancelled(), note=note, updated_at=at)

    def staged(self, entry: Booking) -> PaymentRecord:
        """Its payment line put in the journal, as `entry` says."""
        return self._changed(booking=entry, updated_at=entry.at)

    def staged_refund(self, entry: RefundBooking) -> PaymentRecord:
        """A refund line put in the journal, as `entry` says (in place of the one there before, if any)."""
        assert self.booking is not None
        return self._changed(booking=self.booking.with_refund_line(entry), updated_at=entry.at)

    def posted(self, journal_line_id: str, at: datetime) -> PaymentRecord:
        """Its line in the journal (its refund line when it has one, else its payment line) was posted."""
        assert self.booking is not None
        return self._changed(booking=self.booking.posted(journal_line_id, at), updated_at=at)

    def without_line(self, line: PaymentLine | RefundLine) -> PaymentRecord:
        """`line` taken out of the journal unposted: the record no longer names it (a record naming a line the
        journal no longer has is taken as posted)."""
        booked = self.booking
        if booked is None:
            return self
        if isinstance(line, RefundLine):
            return self._changed(booking=booked.without_refund_line(line.id))
        if booked.state is BookingState.IN_JOURNAL:
            return self._changed(booking=None)
        return self

    def awaiting_credit_memo(self, at: datetime) -> PaymentRecord:
        """A refund after its booking waits for BC's credit memo from `at` on."""
        assert self.booking is not None
        return self._changed(booking=self.booking.awaiting_credit_memo(at), updated_at=at)

    def parked(self, why: str, at: datetime) -> PaymentRecord:
        """Its booking (or its refund's) is left to a person, for the reason `why`."""
        return self._changed(booking_problem=why, updated_at=at)

    @property
    def order_paid(self) -> bool:
        """Its order is paid in full, counting this payment and the others recorded for it when it was matched."""
        return self.settlement is not None and self.settlement.position is Position.PAID

    @property
    def needs_a_person(self) -> bool:
        """Not matched (waiting for its order counts: it shows how long), or its booking is stuck."""
        return self.status is not MatchStatus.MATCHED or bool(self.booking_problem)

    @property
    def to_book(self) -> bool:
        """A line of its in the journal (the next post takes it, whatever happened since: the run sees it through);
        else matched, money received, no problem in the way, and BC does not have what it received yet."""
        if self.line_in_journal:
            return True
        if self.status is not MatchStatus.MATCHED or self.booking_problem:
            return False
        if self.booking is None:
            return self.payment.received > 0
        return self.booked_in_bc != self.payment.received

    @property
    def line_in_journal(self) -> bool:
        """It names a line of its in the journal, payment or refund line, not known to be posted yet."""
        booked = self.booking
        return booked is not None and (booked.state is BookingState.IN_JOURNAL or booked.refund_in_journal is not None)

    @property
    def booked_in_bc(self) -> Decimal:
        """What BC has of the payment: its booking less the refund lines Koppel made (posted or about to be)."""
        if self.booking is None:
            return Decimal(0)
        return self.booking.amount - sum((refund.amount for refund in self.booking.refunds), Decimal(0))

    @property
    def refund_in_journal(self) -> RefundBooking | None:
        """The refund line put in the journal and not known to be posted yet."""
        return self.booking.refund_in_journal if self.booking else None
