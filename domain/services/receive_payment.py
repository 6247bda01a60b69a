"""Payment webhooks in: verify what can be verified, store the raw delivery and queue it, answer fast.

Mollie's classic webhook carries only `id=tr_...` and no signature: it is stored and queued as a hint, and the worker
reads the payment from Mollie itself, so a forged call can never mark anything paid. Every call counts (Mollie calls
again on each status change, refund and chargeback with the same body). Mollie's next-gen events and Stripe's events
are signed and deduplicated on their event id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs

from domain.errors import Rejection, RequestRejected
from domain.mapping.mollie import PAYMENT_ID
from domain.models import WebOrderKey
from domain.payments.accounts import PaymentAccount
from domain.services.ingest_webhook import Accepted, Ignored, Intake, accept

MOLLIE_PAYMENT = re.compile(PAYMENT_ID)
STRIPE_TOPICS = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "payment_intent.processing",
        "payment_intent.amount_capturable_updated",
        "charge.refunded",
        "charge.dispute.created",
        "charge.dispute.closed",
    }
)
"""The Stripe events that change what a payment brings in; others are answered 200 and not stored."""


class StripeEvents(Protocol):
    def verified(self, body: bytes, signature: str, secret: str) -> dict[str, Any]:
        """The event, when `Stripe-Signature` is valid for the body and recent; RequestRejected otherwise."""
        ...


@dataclass(frozen=True)
class PaymentDelivery:
    """One webhook request from a provider; `account` None when Koppel has no such account configured."""

    account_name: str
    account: PaymentAccount | None
    headers: Mapping[str, str]
    body: bytes


def receive_mollie(intake: Intake, delivery: PaymentDelivery, max_body_bytes: int) -> Accepted:
    account = _checked(delivery, "mollie", max_body_bytes)
    headers = {name.lower(): value for name, value in delivery.headers.items()}
    if "x-mollie-signature" in headers:
        return _mollie_event(intake, account, headers["x-mollie-signature"], delivery.body)
    payment_id = _form_id(delivery.body)
    key = _payment_key(account, payment_id)
    return accept(intake, key, "payment.changed", f"{payment_id}@{intake.clock.now().isoformat()}", delivery.body)


def receive_stripe(
    intake: Intake, delivery: PaymentDelivery, events: StripeEvents, max_body_bytes: int
) -> Accepted | Ignored:
    account = _checked(delivery, "stripe", max_body_bytes)
    signature = {name.lower(): value for name, value in delivery.headers.items()}.get("stripe-signature", "")
    event = events.verified(delivery.body, signature, account.webhook_secret)
    topic = str(event.get("type", ""))
    if topic not in STRIPE_TOPICS:
        return Ignored(f"event type '{topic}' is not handled")
    key = _payment_key(account, _payment_intent(event))
    return accept(intake, key, topic, str(event.get("id", "")), delivery.body)


def _checked(delivery: PaymentDelivery, provider: str, max_body_bytes: int) -> PaymentAccount:
    if delivery.account is None:
        raise RequestRejected(
            Rejection.UNKNOWN_SOURCE, f"no {provider} account '{delivery.account_name}' is configured"
        )
    if len(delivery.body) > max_body_bytes:
        raise RequestRejected(Rejection.TOO_LARGE, f"body exceeds {max_body_bytes} bytes")
    return delivery.account


def _form_id(body: bytes) -> str:
    """The `id` of Mollie's classic form body, which must look like a payment id (`tr_...`)."""
    try:
        values = parse_qs(body.decode("ascii"), strict_parsing=True).get("id", [])
    except (UnicodeDecodeError, ValueError):
        values = []
    if len(values) != 1 or not MOLLIE_PAYMENT.fullmatch(values[0]):
        raise RequestRejected(Rejection.MALFORMED, "expected a form body id=tr_... (a Mollie payment id)")
    return values[0]


def _mollie_event(intake: Intake, account: PaymentAccount, signature: str, body: bytes) -> Accepted:
    """A next-gen event: hex HMAC-SHA256 of the raw body with the signing secret, perhaps prefixed `sha256=`."""
    expected = hmac.new(account.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    given = signature.strip().removeprefix("sha256=").encode("utf-8", "replace")
    if not account.webhook_secret or not hmac.compare_digest(expected.encode(), given):
        raise RequestRejected(Rejection.UNAUTHENTICATED, "the X-Mollie-Signature does not match the body")
    event = _json_object(body)
    entity = str(event.get("entityId", ""))
    if not MOLLIE_PAYMENT.fullmatch(entity) or not str(event.get("id", "")):
        raise RequestRejected(Rejection.MALFORMED, "a Mollie event names an event id and a payment (entityId tr_...)")
    return accept(intake, _payment_key(account, entity), str(event.get("type", "")), str(event["id"]), body)


def _payment_intent(event: dict[str, Any]) -> str:
    """The payment intent an event is about: the object itself, or the charge's / dispute's payment_intent."""
    data = event.get("data")
    found = data.get("object") if isinstance(data, dict) else None
    found = found if isinstance(found, dict) else {}
    intent = found.get("id") if found.get("object") == "payment_intent" else found.get("payment_intent")
    if not isinstance(intent, str) or not intent.startswith("pi_"):
        raise RequestRejected(Rejection.MALFORMED, "the Stripe event names no payment intent")
    return intent


def _payment_key(account: PaymentAccount, payment_id: str) -> WebOrderKey:
    """Payment events are logged like order events, under `provider:account:payment id`."""
    try:
        return WebOrderKey(source=account.provider, shop=account.account, order_id=payment_id)
    except ValueError:
        raise RequestRejected(Rejection.MALFORMED, "the payment id cannot be a storage key") from None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        found = json.loads(body)
    except ValueError:
        raise RequestRejected(Rejection.MALFORMED, "the body is not JSON") from None
    if not isinstance(found, dict):
        raise RequestRejected(Rejection.MALFORMED, "the body is not a JSON object")
    return found
