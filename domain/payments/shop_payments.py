"""The order worker's part in payments: what a shop says it received for an order is recorded as that order's
payment, matched at once (the shop names its own order), and counted and booked like a provider's; an order still
unpaid is kept where a payment that names no order looks for it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from domain.errors import ConcurrencyConflict, RetryableError
from domain.etag_writes import change_on_etag
from domain.models import Order
from domain.orders.web_statuses import cancelled
from domain.payments.matching import settlement
from domain.payments.payment import Payment, PaymentStatus
from domain.payments.ports import PaymentStore, UnpaidOrders
from domain.payments.record import MatchStatus, PaymentRecord
from domain.payments.shop_payment import shop_payment, shop_payment_id
from domain.payments.unpaid import unpaid

ATTEMPTS = 3
WITHDRAWN = "the shop no longer reports this payment (a provider took it, or it was undone): nothing counted"


def record_shop_payment(
    payments: PaymentStore,
    order: Order,
    providers: Collection[str],
    on_account_methods: Collection[str],
    now: datetime,
) -> PaymentRecord | None:
    """Record the payment the shop reports for this version of the order (unless it is on account or one of
    `providers` took it); an unchanged payment is not written again; one the shop no longer reports counts
    nothing any more. Written on the ETag it was read with, read again when someone wrote it in between."""
    payment = shop_payment(order, providers, on_account_methods)

    def change(previous: PaymentRecord | None) -> PaymentRecord | None:
        if payment is None:
            return _withdrawn(previous, now)
        if order.total is None or (previous is not None and previous.payment == payment):
            return None
        return _recorded(payments, order, order.total, payment, previous=previous, now=now)

    try:
        return change_on_etag(
            lambda: payments.read(order.key.source, order.key.shop, shop_payment_id(order)),
            change,
            payments.write,
            attempts=ATTEMPTS,
        )
    except ConcurrencyConflict:
        raise RetryableError(f"the shop payment of {order.key} kept changing while it was recorded") from None


def _recorded(
    payments: PaymentStore,
    order: Order,
    total: Decimal,
    payment: Payment,
    *,
    previous: PaymentRecord | None,
    now: datetime,
) -> PaymentRecord:
    """The record of `payment`, matched to the order, where it stands with the order's other payments."""
    recorded = [record.payment for record in payments.for_order(order.key)]
    standing = settlement(total, order.currency, recorded, counting=payment)
    return PaymentRecord(
        payment=payment,
        status=MatchStatus.NEEDS_ATTENTION if standing.needs_a_person else MatchStatus.MATCHED,
        order_key=order.key,
        settlement=standing,
        note=standing.explanation,
        booking=previous.booking if previous else None,
        first_seen_at=previous.first_seen_at if previous else now,
        updated_at=now,
    )


def _withdrawn(previous: PaymentRecord | None, now: datetime) -> PaymentRecord | None:
    """A shop payment recorded before that this version no longer reports: it stays on record, receiving nothing
    (booked already, the booking run puts the difference before a person). None: nothing to write."""
    if previous is None or previous.payment.status is PaymentStatus.CANCELED:
        return None
    return previous.withdrawn(WITHDRAWN, now)


def track_unpaid(orders: UnpaidOrders, payments: PaymentStore, order: Order, providers: Collection[str]) -> None:
    """An order of a shop that `providers` take payments for is a candidate while unpaid; paid (by the shop's
    word or by the payments recorded for it) or cancelled, not."""
    if not providers:
        return
    candidate = unpaid(order)
    if candidate is None or order.paid or cancelled(order) or _settled(payments, order):
        orders.remove(order.key)
    else:
        orders.add(candidate)


def _settled(payments: PaymentStore, order: Order) -> bool:
    return any(record.order_paid for record in payments.for_order(order.key))
