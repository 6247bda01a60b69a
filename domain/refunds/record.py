"""Koppel's record of one BC credit memo it pays back: the refunds it asks of the providers (one per payment of the
order, each under its own idempotency key, written before it is asked), whether the shop was told, and what a
person has to do."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.models import Frozen, PaymentKey, WebOrderKey
from domain.payments.payment import Money

KEY_PREFIX = "koppel-cm-"


class RefundState(StrEnum):
    REFUNDING = "refunding"
    """Planned: some refunds are still to be asked of their providers."""
    TELLING_SHOP = "telling_shop"
    """Every refund is at its provider; the shop is still to be told."""
    DONE = "done"
    NEEDS_ATTENTION = "needs_attention"
    """A person decides: `problem` says why. Nothing more is asked of a provider for it."""
    NOT_KOPPELS = "not_koppels"
    """Koppel pays nothing back: the order was paid on account (no provider payment: the credit memo stays open on
    the customer in BC), or the credit memo owes nothing (paid back in BC already, cancelled, corrective, zero)."""


FINISHED = frozenset({RefundState.DONE, RefundState.NEEDS_ATTENTION, RefundState.NOT_KOPPELS})


class RefundPart(Frozen):
    """What one payment of the order gives back."""

    payment: PaymentKey
    amount: Money
    refund_id: str = ""
    """The provider's refund, once it has it."""


class CreditMemoRefund(Frozen):
    credit_memo_id: str
    credit_memo_number: str
    order: WebOrderKey
    credited: Money
    """The credit memo's amount including VAT: what the customer is owed."""
    parts: list[RefundPart]
    state: RefundState
    shop_refund_id: str = ""
    problem: str = ""
    """Why a person is needed. Set on a record still refunding, it says what the providers cannot give back: the
    rest is refunded and the shop told, then the record goes to a person."""
    first_seen_at: datetime
    updated_at: datetime

    @property
    def refunded(self) -> Decimal:
        """What the providers have been asked to give back and took on."""
        return sum((part.amount.amount for part in self.parts if part.refund_id), Decimal(0))

    @property
    def refunded_money(self) -> Money:
        return Money(amount=self.refunded, currency=self.credited.currency)

    @property
    def shop_key(self) -> str:
        """The key the shop's refund record is made under."""
        return f"{KEY_PREFIX}{self.credit_memo_id}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def key_of(self, part: RefundPart) -> str:
        """Sent as the provider's Idempotency-Key and kept in the refund's metadata: the part's refund is found
        again after a lost answer or a crash."""
        return f"{KEY_PREFIX}{self.credit_memo_id}-{part.payment.payment_id}"

    def with_plan(self, parts: list[RefundPart], shortfall: str) -> CreditMemoRefund:
        """To be refunded in `parts`; `shortfall` says what they cannot cover (a person, once they are refunded).
        With no part to refund, a person at once."""
        state = RefundState.REFUNDING if parts else RefundState.NEEDS_ATTENTION
        return self._changed(parts=parts, problem=shortfall, state=state)

    def nothing_owed(self, why: str) -> CreditMemoRefund:
        """Koppel gives nothing back, for the reason `why`."""
        return self._changed(state=RefundState.NOT_KOPPELS, problem=why)

    def with_refund(self, part: RefundPart, refund_id: str, at: datetime) -> CreditMemoRefund:
        """`part` taken on by its provider as `refund_id`; once every part is, the shop is told next."""
        parts = [each._changed(refund_id=refund_id) if each == part else each for each in self.parts]
        done = all(each.refund_id for each in parts)
        state = RefundState.TELLING_SHOP if done else RefundState.REFUNDING
        return self._changed(parts=parts, state=state, updated_at=at)

    def told(self, shop_refund_id: str, at: datetime) -> CreditMemoRefund:
        """The shop has recorded it; done, or for a person when the providers could not give back all of it."""
        state = RefundState.NEEDS_ATTENTION if self.problem else RefundState.DONE
        return self._changed(shop_refund_id=shop_refund_id, state=state, updated_at=at)

    def for_a_person(self, why: str, at: datetime) -> CreditMemoRefund:
        return self._changed(state=RefundState.NEEDS_ATTENTION, problem=why, updated_at=at)
