"""The payment worker: a queued payment event -> the payment read at its provider -> matched to its web order ->
recorded with where the order stands.

Only the provider's own answer counts: a hint for a payment the provider does not know is ignored (a forged call
can never mark anything paid). A payment for an order Koppel has not received yet waits: it is looked at again
every `retry_every` until the order is there, and after `wait_for_order` a person is asked. Nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from domain.errors import ConcurrencyConflict, RequestRejected, RetryableError
from domain.models import OrderStatus, PaymentKey, WebOrderKey
from domain.orders.release_gate import RELEASED
from domain.payments.accounts import PaymentAccount
from domain.payments.matching import Settlement, order_key, settlement
from domain.payments.payment import Payment, PaymentStatus
from domain.payments.ports import PaymentReader, PaymentStore, UnpaidOrders
from domain.payments.record import MatchStatus, PaymentRecord
from domain.payments.unpaid import paid_order
from domain.ports import Clock, EventLog, OrderStore, WorkQueue
from domain.records import EventStatus, OrderRecord, StreamMessage

NEVER_PAID = frozenset({PaymentStatus.CANCELED, PaymentStatus.EXPIRED, PaymentStatus.FAILED})
"""An abandoned payment that names no order needs no one: nothing was received."""


@dataclass(frozen=True)
class PaymentSync:
    events: EventLog
    accounts: Mapping[tuple[str, str], PaymentAccount]
    readers: Mapping[str, PaymentReader]
    """By provider (`mollie`, `stripe`)."""
    payments: PaymentStore
    orders: OrderStore
    queue: WorkQueue
    """The `payments` queue: a payment waiting for its order comes back through it."""
    order_queue: WorkQueue
    """The `orders` queue: an order held for prepayment that a payment now pays is looked at again."""
    clock: Clock
    wait_for_order: timedelta
    retry_every: timedelta
    match_window: timedelta
    """A payment without an order reference is looked for among orders placed this long before or after it."""
    unpaid: UnpaidOrders | None = None
    """Where a payment that names no order looks for the one it pays; None: such a payment goes to a person."""


def sync_payment(sync: PaymentSync, message: StreamMessage) -> PaymentRecord | None:
    """Read, match and record the payment the message names; None when there is nothing to record."""
    key, stream = PaymentKey.of_stream(message.stream), message.stream
    account = sync.accounts.get((key.provider, key.account))
    if account is None:
        sync.events.mark(stream, message.event_id, EventStatus.FAILED, "the payment account is no longer configured")
        return None
    try:
        payment = sync.readers[key.provider].read(account, key.payment_id)
    except RequestRejected as unreadable:
        sync.events.mark(stream, message.event_id, EventStatus.FAILED, f"{key.provider} answered: {unreadable.message}")
        return None
    if payment is None:
        note = f"{key.provider} does not know this payment: ignored (a forged or foreign call)"
        sync.events.mark(stream, message.event_id, EventStatus.PROCESSED, note)
        return None
    stored = sync.payments.read(payment.provider, payment.account, payment.payment_id)
    previous, etag = stored if stored else (None, None)
    if previous is None and not payment.reference and payment.status in NEVER_PAID:
        note = f"payment {payment.status.value}, naming no order: nothing to match"
        sync.events.mark(stream, message.event_id, EventStatus.PROCESSED, note)
        return None
    order, how = _order_for(sync, account, payment, previous)
    found = sync.orders.get(order) if order is not None else None
    record = _with_dispute(_matched(sync, payment, previous, order, found[0] if found else None, how=how))
    try:
        sync.payments.write(record, etag)
    except ConcurrencyConflict:
        raise RetryableError("the payment's record changed while it was matched: it is looked at again") from None
    if sync.unpaid is not None and record.order_paid and record.order_key is not None:
        sync.unpaid.remove(record.order_key)
    if record.status is MatchStatus.WAITING_FOR_ORDER:
        sync.queue.send(message.without_body(), delay=sync.retry_every)
    if found is not None:
        _recheck_release(sync, record, found[0])
    sync.events.mark(stream, message.event_id, EventStatus.PROCESSED, record.note or f"payment {record.status.value}")
    return record


def _order_for(
    sync: PaymentSync, account: PaymentAccount, payment: Payment, previous: PaymentRecord | None
) -> tuple[WebOrderKey | None, str]:
    """The order the payment names; else the one it was matched to before; else the one unpaid order of the
    account's shop with its amount (and payer) placed around its time. With how it was found, when not named."""
    named = order_key(payment, account.source, account.shop)
    if named is not None:
        return named, ""
    if previous is not None and previous.order_key is not None:
        return previous.order_key, previous.matched_by
    if sync.unpaid is None:
        return None, ""
    moment = payment.paid_at or payment.created_at
    found = paid_order(payment, sync.unpaid.around(account.source, account.shop, moment, sync.match_window))
    return found.key, found.note


def _matched(
    sync: PaymentSync,
    payment: Payment,
    previous: PaymentRecord | None,
    order: WebOrderKey | None,
    order_record: OrderRecord | None,
    *,
    how: str = "",
) -> PaymentRecord:
    """The payment's record: matched to `order_record` (the order it names, `order`, when Koppel has it), waiting for
    it, or put before a person; `how` says how an order was found for a payment that names none."""
    now = sync.clock.now()
    first_seen = previous.first_seen_at if previous else now
    record = PaymentRecord(
        payment=payment,
        status=MatchStatus.NEEDS_ATTENTION,
        order_key=order,
        booking=previous.booking if previous else None,
        matched_by=how if order is not None else "",
        first_seen_at=first_seen,
        updated_at=now,
    )
    if order is None and (how or sync.unpaid is None):
        return record.for_a_person(how or "the payment names no order Koppel can find (metadata, description)")
    if order is None or order_record is None:
        return _waiting(sync, record, now - first_seen)
    standing = _settlement(sync, order_record, payment)
    if standing is None:
        return record.for_a_person("the order's total is not known")
    return record.matched(standing, how)


def _with_dispute(record: PaymentRecord) -> PaymentRecord:
    """A dispute not decided yet is told with whatever else the note says (it counts only once lost)."""
    payment = record.payment
    if not payment.disputed:
        return record
    dispute = f"{payment.amount.currency} {payment.disputed:.2f} disputed at {payment.provider}: counted only if lost"
    return record.noting(dispute)


def _recheck_release(sync: PaymentSync, record: PaymentRecord, order: OrderRecord) -> None:
    """An order in BC, not released yet, that its payments now pay: its controls and release gate run again."""
    if record.order_paid and order.status is OrderStatus.IN_BC and order.release != RELEASED and order.latest_event_id:
        sync.order_queue.send(StreamMessage(stream=order.key.stream, event_id=order.latest_event_id, recheck=True))


def _waiting(sync: PaymentSync, record: PaymentRecord, waited: timedelta) -> PaymentRecord:
    named = record.order_key is not None
    if waited < sync.wait_for_order:
        note = "waiting for the order to arrive" if named else "names no order: waiting for an order of its amount"
        return record.waiting_for_its_order(note)
    hours = int(sync.wait_for_order.total_seconds() // 3600)
    missing = "the order it names" if named else "no order of its amount, and it names none,"
    return record.for_a_person(f"{missing} did not arrive within {hours} hours")


def _settlement(sync: PaymentSync, order: OrderRecord, payment: Payment) -> Settlement | None:
    """The order's position with this payment and the others recorded for it."""
    if order.web_total is None or not order.web_currency:
        return None
    recorded = [other.payment for other in sync.payments.for_order(order.key)]
    return settlement(order.web_total, order.web_currency, recorded, counting=payment)
