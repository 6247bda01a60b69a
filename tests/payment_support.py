"""Tests' access to a PaymentStore (in memory or in Table Storage) through the port's own read and write."""

from __future__ import annotations

from domain.payments.ports import PaymentStore
from domain.payments.record import PaymentRecord


def stored_payment(payments: PaymentStore, provider: str, account: str, payment_id: str) -> PaymentRecord | None:
    """The payment's record as stored, without its ETag."""
    found = payments.read(provider, account, payment_id)
    return found[0] if found else None


def store_payment(payments: PaymentStore, record: PaymentRecord) -> None:
    """Store the record whatever is there (a test's set-up): written on the ETag it has now."""
    payment = record.payment
    found = payments.read(payment.provider, payment.account, payment.payment_id)
    payments.write(record, found[1] if found else None)
