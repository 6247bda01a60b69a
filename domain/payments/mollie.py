"""Mollie API v2 payment objects (`GET /v2/payments/{id}`) as Payments: amounts are `{"currency", "value"}` with the
value a string of fixed decimals."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from domain.email_digests import payer_email_digest
from domain.errors import Rejection, RequestRejected
from domain.payments.matching import reference
from domain.payments.payment import Money, Payment, PaymentStatus

PROVIDER = "mollie"
PAYMENT_ID = r"^tr_[A-Za-z0-9]{1,64}$"
"""A Mollie payment id, as the classic webhook posts it (`id=tr_...`)."""
EVENT_ID = r"^event_.+$"
"""A next-gen event id, as docs.mollie.com/reference/get-webhook-event gives its pattern."""


def payment(account: str, body: dict[str, Any]) -> Payment:
    """RequestRejected(MALFORMED) when Mollie's answer is not a payment Koppel can read."""
    try:
        amount = _money(body["amount"])
        return Payment(
            provider=PROVIDER,
            account=account,
            payment_id=body["id"],
            status=PaymentStatus(body["status"]),
            amount=amount,
            refunded=_value(body.get("amountRefunded")),
            charged_back=_value(body.get("amountChargedBack")),
            reference=reference(_metadata(body), body.get("description") or ""),
            customer=payer_email_digest(_payer(body)),
            created_at=datetime.fromisoformat(body["createdAt"]),
            paid_at=datetime.fromisoformat(body["paidAt"]) if body.get("paidAt") else None,
        )
    except (KeyError, TypeError, ValueError, ValidationError, InvalidOperation) as error:
        raise RequestRejected(Rejection.MALFORMED, f"not a Mollie payment: {type(error).__name__}") from None


def event_payment(event: dict[str, Any]) -> str | None:
    """The payment a next-gen event is about: its entity (`tr_...`), or the `paymentId` of the entity a "full"
    payload embeds (a refund's, a chargeback's); None when it names none (a "simple" payload, a payment link).
    The entity is the first under any `_embedded` key with an `id` and a `resource`, as mollie-api-php's
    WebhookEventMapper finds it."""
    embedded = event.get("_embedded")
    entities = embedded.values() if isinstance(embedded, dict) else ()
    entity = next((each for each in entities if isinstance(each, dict) and "id" in each and "resource" in each), {})
    named = (event.get("entityId"), entity.get("paymentId"))
    return next((each for each in named if isinstance(each, str) and re.fullmatch(PAYMENT_ID, each)), None)


def _payer(body: dict[str, Any]) -> str | None:
    """The payer's e-mail address: the billing address's, when the shop sent one with it. A payment has no
    `billingEmail` (only a creation parameter of bank transfers): without a billing address there is none."""
    address = body.get("billingAddress")
    email = address.get("email") if isinstance(address, dict) else None
    return email if isinstance(email, str) else None


def _metadata(body: dict[str, Any]) -> dict[str, Any] | None:
    """What the shop put on the payment: Mollie keeps any JSON there; a map is what shops send."""
    metadata = body.get("metadata")
    return metadata if isinstance(metadata, dict) else None


def _money(raw: Any) -> Money:
    return Money(amount=Decimal(str(raw["value"])), currency=str(raw["currency"]))


def _value(raw: Any) -> Decimal:
    """An amount's value, 0 when Mollie leaves it out (nothing refunded or charged back)."""
    return Decimal(str(raw["value"])) if isinstance(raw, dict) and "value" in raw else Decimal(0)
