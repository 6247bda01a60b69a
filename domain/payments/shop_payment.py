"""A shop's own word that an order is paid (WooCommerce `date_paid`, Shopify paid or partially paid) as a payment
of its own: how a bank transfer marked paid, PayPal or Shopify Payments reach the books.

Not when the order is paid on account (cash on delivery, invoice: WooCommerce sets `date_paid` on those too, though
no money came in), and not when a payment provider Koppel reads pays that shop's orders by that method (the
transaction id is one of the provider's ids, or the payment method names the provider): then the provider's own
record is the payment, and the shop's word would count it twice.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from domain.models import Order, PaymentKey
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Money, Payment, PaymentStatus

PROVIDER_ID_PREFIXES = {"mollie": ("tr_", "ord_"), "stripe": ("pi_", "ch_", "py_")}
PAYMENT_ID_PREFIXES = {"mollie": "tr_", "stripe": "pi_"}
"""The ids Koppel reads a payment by at its provider (a Mollie payment, a Stripe payment intent)."""
_NOT_IN_AN_ID = re.compile(r"[^A-Za-z0-9_]")
_ID = re.compile(r"[A-Za-z0-9_]{1,100}")


def shop_payment_id(order: Order) -> str:
    """One id per order, whatever transaction id a later version of the order carries."""
    return _NOT_IN_AN_ID.sub("_", f"order_{order.key.order_id}")[:100]


def shop_payment(order: Order, providers: Collection[str], on_account_methods: Collection[str]) -> Payment | None:
    """The payment the shop reports for the order; None when it reports none, the order is paid on account, or
    one of `providers` (those whose accounts pay this shop's orders) took it."""
    if order.paid_amount is None or order.paid_amount <= 0 or order.payment_method in on_account_methods:
        return None
    if taken_by_provider(order, providers):
        return None
    return Payment(
        provider=order.key.source,
        account=order.key.shop,
        payment_id=shop_payment_id(order),
        status=PaymentStatus.PAID,
        amount=Money(amount=order.paid_amount, currency=order.currency.upper()),
        refunded=min(order.refunded_amount, order.paid_amount),
        reference=order.key.order_id,
        created_at=order.paid_at or order.modified_at,
        paid_at=order.paid_at,
    )


def provider_payment(order: Order, accounts: Collection[PaymentAccount]) -> PaymentKey | None:
    """The payment when the shop names a provider payment Koppel can read (the shop's payment
    plugin may have sent that provider's webhooks to the shop, not to Koppel)."""
    transaction = order.transaction_id
    for account in accounts:
        prefix = PAYMENT_ID_PREFIXES.get(account.provider)
        if prefix and transaction.startswith(prefix) and _ID.fullmatch(transaction):
            return account.payment_key(transaction)
    return None


def taken_by_provider(order: Order, providers: Collection[str]) -> bool:
    method = order.payment_method.lower()
    transaction = order.transaction_id.lower()
    return any(
        provider in method or transaction.startswith(PROVIDER_ID_PREFIXES.get(provider, (f"{provider}_",)))
        for provider in providers
    )
