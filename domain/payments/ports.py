"""What payment matching needs: the providers' payments, the payment records, the unpaid shop orders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from domain.models import WebOrderKey
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Payment
from domain.payments.record import PaymentRecord
from domain.payments.unpaid import UnpaidOrder


class PaymentReader(Protocol):
    """One provider's API, read with the account's key: the only source Koppel trusts for a payment's state."""

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        """The payment as the provider has it now; None when the provider does not know it (a forged hint)."""
        ...


class PaymentStore(Protocol):
    """Every writer reads a record with its ETag and writes it back on that ETag, so that no writer (the payment
    worker, the order worker, the booking run) ever overwrites what another wrote in between."""

    def read(self, provider: str, account: str, payment_id: str) -> tuple[PaymentRecord, str] | None:
        """The record and its ETag, or None."""
        ...

    def write(self, record: PaymentRecord, etag: str | None) -> str:
        """Store the record if its ETag still matches (None: only if there is none yet), file it under its order
        and among the payments to book as it says; returns the new ETag. ConcurrencyConflict otherwise."""
        ...

    def for_order(self, key: WebOrderKey) -> list[PaymentRecord]: ...

    def needing_a_person(self) -> list[PaymentRecord]:
        """Every payment that is not matched (waiting for its order or needing attention) or whose booking in BC
        needs a person."""
        ...

    def awaiting_booking(self) -> Iterable[PaymentRecord]:
        """The payments whose booking in BC is due or unfinished (`PaymentRecord.to_book`), page by page: copies
        as last written, to read again before acting on them."""
        ...


class UnpaidOrders(Protocol):
    """Orders waiting for their money, per shop: where a payment without an order reference is looked for."""

    def add(self, order: UnpaidOrder) -> None: ...

    def remove(self, key: WebOrderKey) -> None: ...

    def around(self, source: str, shop: str, moment: datetime, window: timedelta) -> list[UnpaidOrder]:
        """The shop's unpaid orders ordered within `window` before or after `moment`."""
        ...
