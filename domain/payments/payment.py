"""A payment as a payment provider (Mollie, Stripe) or a shop reports it: amounts are Decimal with their currency,
never floats, and the order reference is whatever the shop put on the payment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from domain.models import Frozen, PaymentKey


class Money(Frozen):
    amount: Decimal
    currency: str = Field(pattern=r"^[A-Z]{3}$")

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:.2f}"


class PaymentStatus(StrEnum):
    """Mollie's statuses; Stripe's map onto them (requires_payment_method -> open, processing -> pending,
    requires_capture -> authorized, succeeded -> paid, canceled -> canceled)."""

    OPEN = "open"
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PAID = "paid"
    CANCELED = "canceled"
    EXPIRED = "expired"
    FAILED = "failed"


class Payment(Frozen):
    """One payment at a provider, as last read there (the provider's current state, never a webhook's claim)."""

    provider: str = Field(pattern=r"^[a-z]{1,20}$")
    account: str = Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")
    payment_id: str = Field(pattern=r"^[A-Za-z0-9_]{1,100}$")
    status: PaymentStatus
    amount: Money
    refunded: Decimal = Field(default=Decimal(0), ge=0)
    charged_back: Decimal = Field(default=Decimal(0), ge=0)
    """Taken back by the payer's bank for good: a chargeback (Mollie), a lost dispute (Stripe)."""
    disputed: Decimal = Field(default=Decimal(0), ge=0)
    """Under a dispute or inquiry not decided yet: shown, counted as charged back only once lost."""
    reference: str = ""
    """The shop's order number or id the payment names (Mollie metadata / description, Stripe metadata)."""
    customer: str = ""
    """A digest of the payer's e-mail address where the provider has one (never the address itself):
    domain.email_digests.payer_email_digest."""
    created_at: datetime
    paid_at: datetime | None = None

    @property
    def key(self) -> PaymentKey:
        return PaymentKey(provider=self.provider, account=self.account, payment_id=self.payment_id)

    @property
    def received(self) -> Decimal:
        """What the company keeps of it: the amount when paid, less refunds and chargebacks; 0 when not paid."""
        if self.status is not PaymentStatus.PAID:
            return Decimal(0)
        return self.amount.amount - self.refunded - self.charged_back

    def cancelled(self) -> Payment:
        """The payment as one that brought nothing in."""
        return self._changed(status=PaymentStatus.CANCELED)
