"""The order worker's part in payments: what a shop says it received for an order is recorded as that order's
payment, matched at once (the shop names its own order), and counted and booked like a provider's; an order still
unpaid is kept where a payment that names no order looks for it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from domain.models import Order
from domain.payments.matching import settlement
from domain.payments.payment import Money
from domain.payments.record import MatchStatus, PaymentRecord
from domain.payments.shop_payment import shop_payment
from domain.payments.unpaid import unpaid
from domain.ports import PaymentStore, UnpaidOrders


def record_shop_payment(
    payments: PaymentStore, order: Order, providers: Collection[str], now: datetime
) -> PaymentRecord | None:
    """Record the payment the shop reports for this version of the order (unless one of `providers` took it);
    an unchanged payment is not written again."""
    payment = shop_payment(order, providers)
    if payment is None or order.total is None:
        return None
    previous = payments.get(payment.provider, payment.account, payment.payment_id)
    if previous is not None and previous.payment == payment:
        return previous
    others = [
        record.payment
        for record in payments.for_order(order.key)
        if (record.payment.provider, record.payment.payment_id) != (payment.provider, payment.payment_id)
    ]
    standing = settlement(Money(amount=order.total, currency=order.currency.upper()), [*others, payment])
    record = PaymentRecord(
        payment=payment,
        status=MatchStatus.NEEDS_ATTENTION if standing.needs_a_person else MatchStatus.MATCHED,
        order_key=order.key,
        settlement=standing,
        note=standing.explanation,
        booking=previous.booking if previous else None,
        first_seen_at=previous.first_seen_at if previous else now,
        updated_at=now,
    )
    payments.put(record)
    return record


NOT_PAYABLE = frozenset({"cancelled", "refunded", "failed", "voided", "trash"})


def track_unpaid(orders: UnpaidOrders, order: Order, providers: Collection[str]) -> None:
    """An order of a shop that `providers` take payments for is a candidate while unpaid; paid or cancelled, not."""
    if not providers:
        return
    candidate = unpaid(order)
    if candidate is None or order.paid or order.status in NOT_PAYABLE:
        orders.remove(order.key)
    else:
        orders.add(candidate)
