"""A payment's booking in BC: a customerPayments line in Koppel's customer payment journal, applied to the
order's invoice, found again by the payment's id in externalDocumentNumber, then posted with the journal."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.models import Frozen
from domain.payments.payment import Payment

MAX_EXTERNAL_DOCUMENT_NUMBER = 35


class PaymentLine(Frozen):
    """A customerPayments line as BC has it (amount negative: a payment credits the customer)."""

    id: str = ""
    etag: str = ""
    customer_number: str
    external_document_number: str
    amount: Decimal
    applies_to_invoice_id: str
    description: str = ""


class BookingState(StrEnum):
    IN_JOURNAL = "in_journal"
    """The line is in the journal; the next post books it."""
    BOOKED = "booked"
    """The journal was posted with the line in it: a customer ledger entry applied to the invoice."""


class RefundBooking(Frozen):
    """A refund line Koppel made in its journal through its own API page, applied to the order's credit memo."""

    state: BookingState
    credit_memo_id: str
    credit_memo_number: str
    external_document_number: str
    amount: Decimal
    """This line's amount, positive."""
    refunded_in_all: Decimal
    """What had been given back of the payment in all when this line was made (this line included)."""
    journal_line_id: str
    at: datetime

    def posted(self, journal_line_id: str, at: datetime) -> RefundBooking:
        """The line posted with the journal."""
        return self._changed(state=BookingState.BOOKED, journal_line_id=journal_line_id, at=at)


class Booking(Frozen):
    state: BookingState
    invoice_id: str
    invoice_number: str
    external_document_number: str
    amount: Decimal
    """What was booked, positive: the payment's amount received when its line was made."""
    journal_line_id: str
    at: datetime
    refunds: tuple[RefundBooking, ...] = ()
    """Refund lines made since (refunds and chargebacks after the booking), oldest first."""
    credit_memo_awaited_since: datetime | None = None
    """Since when a refund after the booking waits for BC's credit memo to be booked against."""

    @property
    def refund_in_journal(self) -> RefundBooking | None:
        """The refund line put in the journal and not known to be posted yet."""
        return next((each for each in self.refunds if each.state is BookingState.IN_JOURNAL), None)

    def posted(self, journal_line_id: str, at: datetime) -> Booking:
        """Its refund line in the journal posted, when it has one; else its payment line."""
        pending = self.refund_in_journal
        if pending is None:
            return self._changed(state=BookingState.BOOKED, journal_line_id=journal_line_id, at=at)
        posted = pending.posted(journal_line_id, at)
        return self._changed(refunds=tuple(posted if each is pending else each for each in self.refunds))

    def with_refund_line(self, entry: RefundBooking) -> Booking:
        """A refund line put in the journal, in place of the one there before (if any): no credit memo awaited."""
        pending = self.refund_in_journal
        kept = tuple(each for each in self.refunds if each is not pending)
        return self._changed(refunds=(*kept, entry), credit_memo_awaited_since=None)

    def without_refund_line(self, journal_line_id: str) -> Booking:
        """The refund line `journal_line_id` taken out of the journal unposted: no longer named."""
        refunds = tuple(
            each
            for each in self.refunds
            if each.state is not BookingState.IN_JOURNAL or each.journal_line_id != journal_line_id
        )
        return self._changed(refunds=refunds)

    def awaiting_credit_memo(self, since: datetime) -> Booking:
        """A refund after the booking waits for BC's credit memo, since `since`."""
        return self._changed(credit_memo_awaited_since=since)


PROVIDERS_WITH_UNIQUE_IDS = frozenset({"mollie", "stripe"})
"""Providers whose payment ids are unique across all their accounts (tr_..., pi_...)."""


def payment_reference(payment: Payment) -> str:
    """The payment as BC keeps it in externalDocumentNumber (a Code field: upper case, 35 characters): a
    provider's own id as it is; a shop's payment (order_1001) with its shop in front, as two shops number their
    orders alike; a digest where that would be too long, so two payments never share a reference."""
    text = (
        payment.payment_id
        if payment.provider in PROVIDERS_WITH_UNIQUE_IDS
        else f"{payment.account}-{payment.payment_id}"
    )
    if len(text) <= MAX_EXTERNAL_DOCUMENT_NUMBER:
        return text.upper()
    digest = hashlib.sha256(f"{payment.provider}:{payment.account}:{payment.payment_id}".encode()).hexdigest()
    return digest[:MAX_EXTERNAL_DOCUMENT_NUMBER].upper()
