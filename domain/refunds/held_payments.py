"""The order's payments as their providers have them now, with their refunds: what each still holds, for planning a
credit memo's refund and for reading a planned refund's payment again right before it is asked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import RequestRejected, RetryableError
from domain.models import PaymentKey
from domain.payments.accounts import PaymentAccount
from domain.payments.ports import PaymentReader
from domain.payments.record import PaymentRecord
from domain.refunds.plan import HeldPayment
from domain.refunds.ports import ProviderRefunds, RefundRefused
from domain.refunds.record import CreditMemoRefund


@dataclass(frozen=True)
class Providers:
    """The payment accounts Koppel reads and refunds at, per (provider, account), and each provider's API."""

    accounts: Mapping[tuple[str, str], PaymentAccount]
    readers: Mapping[str, PaymentReader]
    refunds: Mapping[str, ProviderRefunds]

    def refunds_at(self, key: PaymentKey) -> tuple[PaymentAccount, PaymentReader, ProviderRefunds] | None:
        """Where the payment is read and refunded; None when Koppel has no such account (a shop's own gateway)."""
        account = self.accounts.get((key.provider, key.account))
        reader, refunds = self.readers.get(key.provider), self.refunds.get(key.provider)
        if account is None or reader is None or refunds is None:
            return None
        return account, reader, refunds


def held_now(providers: Providers, key: PaymentKey, reserved: Decimal = Decimal(0)) -> HeldPayment:
    """The payment and its refunds as its provider has them now. RefundRefused when Koppel has no account for it or
    the provider no longer knows it; RetryableError when the provider does not answer or refuses the key."""
    access = providers.refunds_at(key)
    if access is None:
        raise RefundRefused(f"Koppel has no {key.provider} account {key.account} to refund {key.payment_id} at")
    account, reader, refunds = access
    try:
        payment = reader.read(account, key.payment_id)
    except RequestRejected as refused:
        raise RetryableError(f"{key.provider} refused to read {key.payment_id}: {refused}") from refused
    if payment is None:
        raise RefundRefused(f"{key.provider} no longer knows payment {key.payment_id}")
    return HeldPayment(payment, refunds.made(account, key.payment_id), reserved)


def order_payments(
    providers: Providers, recorded: Iterable[PaymentRecord], reserved: Mapping[PaymentKey, Decimal]
) -> tuple[list[HeldPayment], list[str]]:
    """The order's payments that brought money in (as recorded, or as their provider has them now): those at
    providers Koppel refunds at, read there now; and the providers of those taken by the shop's own gateway."""
    held: list[HeldPayment] = []
    shop_paid: set[str] = set()
    for record in recorded:
        key = record.payment.key
        if providers.refunds_at(key) is None:
            if record.payment.received > 0:
                shop_paid.add(key.provider)
            continue
        payment = held_now(providers, key, reserved.get(key, Decimal(0)))
        if record.payment.received > 0 or payment.payment.received > 0:
            held.append(payment)
    return held, sorted(shop_paid)


def reserved_by(refunds: Iterable[CreditMemoRefund], but: str = "") -> dict[PaymentKey, Decimal]:
    """Per payment, what the unfinished refunds of other credit memos (all but credit memo `but`) have planned and
    not asked yet."""
    reserved: dict[PaymentKey, Decimal] = defaultdict(Decimal)
    for refund in refunds:
        if refund.finished or refund.credit_memo_id == but:
            continue
        for part in refund.parts:
            if not part.refund_id:
                reserved[part.payment] += part.amount.amount
    return dict(reserved)
