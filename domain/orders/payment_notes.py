"""What a version of a web order says of its payment, passed on to the payments: a payment the shop took is recorded
as the order's, an order still unpaid is kept where payments that name no order look, and a payment the shop names
at a provider Koppel reads is queued to the payment worker."""

from __future__ import annotations

from domain.intake.ingest_webhook import accept
from domain.models import Order
from domain.orders.import_policy import older_than_recorded
from domain.orders.worker import OrderSync
from domain.payments.shop_payment import provider_payment
from domain.payments.shop_payments import record_shop_payment, track_unpaid
from domain.records import OrderRecord


def note_payment_state(sync: OrderSync, record: OrderRecord, order: Order) -> None:
    """A version older than the one recorded says nothing new."""
    if sync.payments is None or older_than_recorded(record, order):
        return
    accounts = sync.policy.payment_accounts.get(f"{order.key.source}:{order.key.shop}", ())
    providers = {account.provider for account in accounts}
    record_shop_payment(sync.payments, order, providers, sync.policy.controls.on_account_methods, sync.clock.now())
    if sync.unpaid is not None:
        track_unpaid(sync.unpaid, sync.payments, order, providers)
    named = provider_payment(order, accounts)
    if named is not None and sync.payment_intake is not None:
        accept(sync.payment_intake, named.stream, "payment.named_by_shop", f"named-by:{order.key}", b"")
