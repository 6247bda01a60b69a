"""Which web order a payment belongs to, and where the order stands once its payments are counted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum

from pydantic import ValidationError

from domain.models import Frozen, WebOrderKey
from domain.payments.payment import Money, Payment

REFERENCE_KEYS = ("order_id", "orderId", "order_number", "orderNumber", "order")
"""Metadata keys shops and their payment plugins put the order on (WooCommerce's Mollie and Stripe plugins:
order_id)."""
_IN_DESCRIPTION = re.compile(r"(?:order|bestelling)\s*(?:nr\.?|no\.?)?\s*#?\s*([A-Za-z0-9_-]{1,60})", re.IGNORECASE)


def reference(metadata: Mapping[str, object] | None, description: str) -> str:
    """The order a payment names: a metadata key shops use, else "Order 1234" / "Bestelling #1234" in its
    description; "" when it names none."""
    for key in REFERENCE_KEYS:
        value = (metadata or {}).get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    found = _IN_DESCRIPTION.search(description or "")
    return found.group(1) if found else ""


def order_key(payment: Payment, source: str, shop: str) -> WebOrderKey | None:
    """The web order of the shop that takes payments through this provider account; None without a usable
    reference."""
    if not payment.reference:
        return None
    try:
        return WebOrderKey(source=source, shop=shop, order_id=payment.reference)
    except ValidationError:
        return None


class Position(StrEnum):
    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERPAID = "overpaid"
    CURRENCY_MISMATCH = "currency_mismatch"
    """A payment in another currency than the order's: a person decides."""


class Settlement(Frozen):
    """An order's total against what its payments brought in; `difference` > 0 is still owed, < 0 overpaid."""

    total: Money
    received: Decimal
    position: Position
    difference: Decimal

    @property
    def needs_a_person(self) -> bool:
        return self.position in (Position.OVERPAID, Position.CURRENCY_MISMATCH)

    @property
    def explanation(self) -> str:
        """What a person needs to see: the difference, in the order's currency; "" when no person is needed."""
        if self.position is Position.CURRENCY_MISMATCH:
            return f"a payment in another currency than the order's {self.total.currency}"
        if self.position is Position.OVERPAID:
            return f"overpaid by {self.total.currency} {-self.difference:.2f}"
        return ""


def settlement(
    total: Decimal, currency: str, recorded: Iterable[Payment], *, counting: Payment | None = None
) -> Settlement:
    """Where an order of `total` in `currency` stands with its payments: the ones recorded for it, `counting` (a
    payment as just read) in place of its recorded version. Sums what they brought in (paid, less refunds and
    chargebacks); a payment in another currency makes the position a mismatch, whatever the sums."""
    order_total = Money(amount=total, currency=currency.upper())
    payments = [each for each in recorded if counting is None or not _same_payment(each, counting)]
    if counting is not None:
        payments.append(counting)
    if any(payment.amount.currency != order_total.currency for payment in payments):
        received = sum((p.received for p in payments if p.amount.currency == order_total.currency), Decimal(0))
        return Settlement(
            total=order_total,
            received=received,
            position=Position.CURRENCY_MISMATCH,
            difference=total - received,
        )
    received = sum((payment.received for payment in payments), Decimal(0))
    difference = total - received
    return Settlement(
        total=order_total, received=received, position=_position(received, difference), difference=difference
    )


def _same_payment(one: Payment, other: Payment) -> bool:
    return (one.provider, one.payment_id) == (other.provider, other.payment_id)


def _position(received: Decimal, difference: Decimal) -> Position:
    if received <= 0:
        return Position.UNPAID
    if difference > 0:
        return Position.PARTLY_PAID
    return Position.PAID if difference == 0 else Position.OVERPAID
