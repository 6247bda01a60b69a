"""A shop's own word that an order is paid (WooCommerce `date_paid`, Shopify paid or partially paid) as a payment
of its own: how a bank transfer marked paid, PayPal or Shopify Payments reach the books.

Not when a payment provider Koppel reads pays that shop's orders by that method (the transaction id is one of the
provider's ids, or the payment method names the provider): then the provider's own record is the payment, and
the shop's word would count it twice.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from domain.models import Order
from domain.payments.payment import Money, Payment, PaymentStatus

PROVIDER_ID_PREFIXES = {"mollie": ("tr_", "ord_"), "stripe": ("pi_", "ch_", "py_")}
_NOT_IN_AN_ID = re.compile(r"[^A-Za-z0-9_]")


def shop_payment(order: Order, providers: Collection[str]) -> Payment | None:
    """The payment the shop reports for the order; None when it reports none or one of `providers` (those whose
    accounts pay this shop's orders) took it."""
    if order.paid_amount is None or order.paid_amount <= 0 or _taken_by(order, providers):
        return None
    return Payment(
        provider=order.key.source,
        account=order.key.shop,
        payment_id=_NOT_IN_AN_ID.sub("_", order.transaction_id or f"order_{order.key.order_id}")[:100],
        status=PaymentStatus.PAID,
        amount=Money(amount=order.paid_amount, currency=order.currency.upper()),
        reference=order.key.order_id,
        created_at=order.paid_at or order.modified_at,
        paid_at=order.paid_at,
    )


def _taken_by(order: Order, providers: Collection[str]) -> bool:
    method = order.payment_method.lower()
    transaction = order.transaction_id.lower()
    return any(
        provider in method or transaction.startswith(PROVIDER_ID_PREFIXES.get(provider, (f"{provider}_",)))
        for provider in providers
    )
