"""What refunding a BC credit memo needs: the providers' refunds, the shops' refund records, and Koppel's record of
each credit memo's refund."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from domain.invoices.credit_memo import BcCreditMemo
from domain.models import Frozen, WebOrderKey
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Money
from domain.refunds.record import CreditMemoRefund


class RefundRefused(Exception):
    """The provider or the shop refused the refund for good (the amount is higher than what is left, the payment
    cannot be refunded, the order is gone): retrying does not change it, a person decides."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProviderRefund(Frozen):
    """One refund of a payment as its provider reports it."""

    refund_id: str
    amount: Money
    status: str
    """The provider's own word (Mollie queued / pending / processing / refunded / failed / canceled; Stripe
    pending / requires_action / succeeded / failed / canceled)."""
    koppel_key: str = ""
    """The key Koppel made it under (its metadata `koppel_refund`); "" for a refund Koppel did not make."""

    @property
    def failed(self) -> bool:
        """It will not pay anything out (failed or canceled): it does not count as refunded."""
        return self.status in {"failed", "canceled"}


class ProviderRefunds(Protocol):
    """One provider's refunds API, with the account's own key."""

    def made(self, account: PaymentAccount, payment_id: str) -> list[ProviderRefund]:
        """Every refund of the payment (Mollie `GET /v2/payments/{id}/refunds`, Stripe
        `GET /v1/refunds?payment_intent=`), all pages. RetryableError when the provider does not answer."""
        ...

    def create(
        self, account: PaymentAccount, payment_id: str, amount: Money, key: str, description: str
    ) -> ProviderRefund:
        """Refund `amount` of the payment (Mollie `POST /v2/payments/{id}/refunds`, Stripe `POST /v1/refunds` with
        `payment_intent`), sent with `Idempotency-Key: key` and metadata `koppel_refund: key`, so a retry of a lost
        answer never refunds twice. RefundRefused when the provider refuses it for good (4xx other than 401, 403,
        409, 429); RetryableError for 429, 5xx, a lost answer, a key still in use (409)."""
        ...


class ShopRefund(Frozen):
    """A refund as the shop has recorded it on the order."""

    refund_id: str
    amount: Money
    koppel_key: str = ""
    """The key Koppel recorded it under; "" for a refund made in the shop."""


class ShopRefunds(Protocol):
    """One channel's refund records: how the shop is told of money that already moved."""

    def record(self, order: WebOrderKey, amount: Money, key: str, reason: str) -> ShopRefund:
        """Record a refund whose money already moved, moving none: WooCommerce `POST orders/{id}/refunds` with
        `api_refund: false`, Shopify `refundCreate` without transactions; `key` is kept on it (WooCommerce meta
        data, Shopify the idempotency key and the note), and the refund the shop already has under `key` is
        answered instead of a second one. RefundRefused when the shop refuses it for good; RetryableError
        otherwise."""
        ...


class RefundStore(Protocol):
    """Koppel's records of the credit memos it pays back, each written on its ETag."""

    def get(self, credit_memo_id: str) -> tuple[CreditMemoRefund, str] | None: ...

    def write(self, refund: CreditMemoRefund, etag: str | None) -> str:
        """Store it if its ETag still matches (None: only if there is none yet), listed among the unfinished ones
        while it is; returns the new ETag. ConcurrencyConflict otherwise."""
        ...

    def unfinished(self) -> Iterable[CreditMemoRefund]:
        """Those still refunding or telling the shop."""
        ...

    def for_order(self, order: WebOrderKey) -> list[CreditMemoRefund]: ...

    def needing_a_person(self) -> list[CreditMemoRefund]: ...


class PostedCreditMemos(Protocol):
    """Whether BC has posted a credit memo: API v2.0's salesCreditMemos shows a released draft as Open, like a
    posted credit memo not yet paid back."""

    def is_posted(self, memo: BcCreditMemo) -> bool:
        """True when `memo` (as salesCreditMemos lists it) is a posted credit memo. RetryableError when BC does not
        answer."""
        ...
