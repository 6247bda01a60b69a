"""Stripe payment intents (`GET /v1/payment_intents/{id}`, with `latest_charge` expanded, and the intent's disputes
from `GET /v1/disputes?payment_intent=` when its charge is disputed) as Payments: amounts are integers in the
currency's smallest unit, currencies lower-case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from domain.email_digests import payer_email_digest
from domain.errors import Rejection, RequestRejected
from domain.payments.matching import reference
from domain.payments.payment import Money, Payment, PaymentStatus

PROVIDER = "stripe"
ZERO_DECIMAL = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)
"""Currencies Stripe counts in whole units (its "zero-decimal currencies")."""
LOST = frozenset({"lost"})
"""The dispute statuses that take the money back for good (stripe-python stripe/_dispute.py `status`)."""
UNDECIDED = frozenset({"warning_needs_response", "warning_under_review", "needs_response", "under_review"})
"""An inquiry (`warning_*`: nothing withdrawn) or a dispute (money withdrawn until won) still open."""
_STATUS = {
    "requires_payment_method": PaymentStatus.OPEN,
    "requires_confirmation": PaymentStatus.OPEN,
    "requires_action": PaymentStatus.OPEN,
    "processing": PaymentStatus.PENDING,
    "requires_capture": PaymentStatus.AUTHORIZED,
    "succeeded": PaymentStatus.PAID,
    "canceled": PaymentStatus.CANCELED,
}


def payment(account: str, intent: dict[str, Any], disputes: Sequence[Mapping[str, Any]] = ()) -> Payment:
    """RequestRejected(MALFORMED) when Stripe's answers are not a payment intent and disputes Koppel can read."""
    try:
        currency = str(intent["currency"]).lower()
        charge = _object(intent.get("latest_charge"))
        metadata = _object(intent.get("metadata"))
        return Payment(
            provider=PROVIDER,
            account=account,
            payment_id=intent["id"],
            status=_STATUS[intent["status"]],
            amount=Money(amount=minor_units(int(intent["amount"]), currency), currency=currency.upper()),
            refunded=minor_units(int(charge.get("amount_refunded") or 0), currency),
            charged_back=_disputes(disputes, LOST, currency),
            disputed=_disputes(disputes, UNDECIDED, currency),
            reference=reference(metadata, intent.get("description") or ""),
            customer=payer_email_digest(
                intent.get("receipt_email") or _object(charge.get("billing_details")).get("email")
            ),
            created_at=datetime.fromtimestamp(int(intent["created"]), UTC),
        )
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise RequestRejected(Rejection.MALFORMED, f"not a Stripe payment intent: {type(error).__name__}") from None


def disputed(intent: dict[str, Any]) -> bool:
    """Whether the intent's charge was ever disputed (it stays so once won): its disputes must be read too."""
    return _object(intent.get("latest_charge")).get("disputed") is True


def _disputes(disputes: Sequence[Mapping[str, Any]], statuses: frozenset[str], currency: str) -> Decimal:
    """The disputed amounts (a dispute's own amount, not the charge's) of the disputes in these statuses."""
    amounts = (minor_units(int(each["amount"]), currency) for each in disputes if each.get("status") in statuses)
    return sum(amounts, Decimal(0))


def _object(value: Any) -> dict[str, Any]:
    """An expanded object or a map; {} for an id that was not expanded, or nothing."""
    return value if isinstance(value, dict) else {}


def minor_units(amount: int, currency: str) -> Decimal:
    """Stripe's integer amount as a decimal amount: 1050 EUR cents -> 10.50; 1050 JPY -> 1050."""
    return Decimal(amount) if currency.lower() in ZERO_DECIMAL else Decimal(amount).scaleb(-2)
