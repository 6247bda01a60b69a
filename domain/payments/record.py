"""Koppel's record of one payment: the payment as last read at its provider, the order it belongs to, and where
that order stands with it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.models import Frozen, WebOrderKey
from domain.payments.booking import Booking, BookingState, RefundBooking
from domain.payments.matching import Settlement
from domain.payments.payment import Payment


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

    @property
    def needs_a_person(self) -> bool:
        """Not matched (waiting for its order counts: it shows how long), or its booking is stuck."""
        return self.status is not MatchStatus.MATCHED or bool(self.booking_problem)

    @property
    def to_book(self) -> bool:
        """A line of its in the journal (the next post takes it, whatever happened since: the run sees it through);
        else matched, money received, no problem in the way, and BC does not have what it received yet."""
        if self.booking is not None and (
            self.booking.state is BookingState.IN_JOURNAL or self.refund_in_journal is not None
        ):
            return True
        if self.status is not MatchStatus.MATCHED or self.booking_problem:
            return False
        if self.booking is None:
            return self.payment.received > 0
        return self.booked_in_bc != self.payment.received

    @property
    def booked_in_bc(self) -> Decimal:
        """What BC has of the payment: its booking less the refund lines Koppel made (posted or about to be)."""
        if self.booking is None:
            return Decimal(0)
        return self.booking.amount - sum((refund.amount for refund in self.booking.refunds), Decimal(0))

    @property
    def refund_in_journal(self) -> RefundBooking | None:
        """The refund line put in the journal and not known to be posted yet."""
        refunds = self.booking.refunds if self.booking else ()
        return next((each for each in refunds if each.state is BookingState.IN_JOURNAL), None)
