"""Orders still waiting for their money, and finding the one a payment without an order reference pays: the same
amount and currency, ordered around the time it was paid, and the same customer where the provider knows them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.email_digests import payer_email_digest
from domain.models import Frozen, Order, WebOrderKey
from domain.payments.payment import Money, Payment


class UnpaidOrder(Frozen):
    key: WebOrderKey
    total: Money
    customer: str
    """A digest of the buyer's e-mail address (domain.email_digests.payer_email_digest)."""
    ordered_at: datetime
    """When the order was last changed (the canonical order keeps its date, not its time of placing)."""


class Found(Frozen):
    """The one order a payment pays, or why none is chosen."""

    key: WebOrderKey | None = None
    note: str = ""


def unpaid(order: Order) -> UnpaidOrder | None:
    """The order as a candidate for payments without a reference; None when it has no total."""
    if order.total is None:
        return None
    return UnpaidOrder(
        key=order.key,
        total=Money(amount=order.total, currency=order.currency.upper()),
        customer=payer_email_digest(order.customer.email),
        ordered_at=order.modified_at,
    )


def paid_order(payment: Payment, candidates: Sequence[UnpaidOrder]) -> Found:
    """Among unpaid orders ordered around the payment's time: the one with its amount (and its customer, when the
    provider knows the payer). Several alike, or a known payer none of them has, is left to a person."""
    alike = [order for order in candidates if order.total == payment.amount]
    if payment.customer:
        alike = [order for order in alike if order.customer == payment.customer]
    if len(alike) == 1:
        return Found(key=alike[0].key, note=_matched_by(payment))
    if len(alike) > 1:
        return Found(note=f"{len(alike)} unpaid orders of {payment.amount} around its time: the payment names none")
    return Found()


def _matched_by(payment: Payment) -> str:
    """What the match rests on: the payer's e-mail only when the provider knows it."""
    if payment.customer:
        return "matched by amount, payer's e-mail and time: the payment names no order"
    return f"matched by amount and time only: the payment names no order and {payment.provider} knows no payer's e-mail"
