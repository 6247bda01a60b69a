"""Payment webhooks in: verify what can be verified, store the raw delivery and queue it, answer fast.

Mollie's classic webhook carries only `id=tr_...` and no signature: it is stored and queued as a hint, and the worker
reads the payment from Mollie itself, so a forged call can never mark anything paid. Every call counts (Mollie calls
again on each status change, refund and chargeback with the same body). Mollie's next-gen events and Stripe's events
are signed and deduplicated on their event id.

A Mollie next-gen event that names its payment only at Mollie (a "simple" refund or chargeback payload, without its
entity) is filed and queued under its event id: the worker reads the event at Mollie for its payment. A paid payment
link is ignored: the payment that paid it comes as its own event and classic call. A call or event of a kind Koppel
handles that names no payment Koppel can read (a Mollie order, a Stripe charge without a payment intent) is answered
200 and kept for a person: a 4xx would only have the provider retry it for a day (Mollie) or three (Stripe).
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
from domain.intake.ingest_webhook import Accepted, Ignored, Intake, Kept, accept, admitted, keep, lower_case_names
from domain.models import StreamKey
from domain.payments.accounts import PaymentAccount
from domain.payments.mollie import EVENT_ID, PAYMENT_ID, event_payment

MOLLIE_PAYMENT = re.compile(PAYMENT_ID)
MOLLIE_EVENT = re.compile(EVENT_ID)
MOLLIE_ID = re.compile(r"^[a-z]{2,8}_[A-Za-z0-9]{1,64}$")
"""Any Mollie resource id: `tr_` payments, `ord_` orders, `re_` refunds, `chb_` chargebacks, `pl_` payment links."""
MOLLIE_EVENT_TYPES = ("payment.", "refund.", "chargeback.")
"""Next-gen event types about money a payment brings in (docs.mollie.com/reference/payments-api-webhooks,
refunds-api-webhooks, chargebacks-api-webhooks); others (a paid payment link among them: its payment comes as
`payment.paid`, payment-links-api-webhooks) are answered 200 and not stored."""
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


def receive_mollie(intake: Intake, delivery: PaymentDelivery, max_body_bytes: int) -> Accepted | Kept | Ignored:
    account = _checked(delivery, "mollie", max_body_bytes)
    headers = lower_case_names(delivery.headers)
    if "x-mollie-signature" in headers:
        return _mollie_event(intake, account, headers["x-mollie-signature"], delivery.body)
    resource_id = _form_id(delivery.body)
    stream = _payment_stream(account, resource_id)
    dedup_key = f"{resource_id}@{intake.clock.now().isoformat()}"
    if not MOLLIE_PAYMENT.fullmatch(resource_id):
        reason = f"a Mollie call about {resource_id}, which is not a payment (tr_...)"
        return keep(intake, stream, "payment.changed", dedup_key, delivery.body, reason=reason)
    return accept(intake, stream, "payment.changed", dedup_key, delivery.body)


def receive_stripe(
    intake: Intake, delivery: PaymentDelivery, events: StripeEvents, max_body_bytes: int
) -> Accepted | Kept | Ignored:
    account = _checked(delivery, "stripe", max_body_bytes)
    signature = lower_case_names(delivery.headers).get("stripe-signature", "")
    event = events.verified(delivery.body, signature, account.webhook_secret)
    topic, event_id = str(event.get("type", "")), str(event.get("id", ""))
    if topic not in STRIPE_TOPICS:
        return Ignored(f"event type '{topic}' is not handled")
    if not event_id:
        raise RequestRejected(Rejection.MALFORMED, "a Stripe event has an id")
    stripe_object = _stripe_object(event)
    intent = _payment_intent(stripe_object)
    if intent is None:
        subject = stripe_object.get("id")
        stream = _payment_stream(account, subject if isinstance(subject, str) and subject else event_id)
        reason = f"a Stripe {topic} event names no payment intent"
        return keep(intake, stream, topic, event_id, delivery.body, reason=reason)
    return accept(intake, _payment_stream(account, intent), topic, event_id, delivery.body)


def _checked(delivery: PaymentDelivery, provider: str, max_body_bytes: int) -> PaymentAccount:
    unknown = f"no {provider} account '{delivery.account_name}' is configured"
    return admitted(delivery.account, unknown, delivery.body, max_body_bytes)


def _form_id(body: bytes) -> str:
    """The `id` of Mollie's classic form body, which must look like a Mollie id (a payment's is `tr_...`)."""
    try:
        values = parse_qs(body.decode("ascii"), strict_parsing=True).get("id", [])
    except (UnicodeDecodeError, ValueError):
        values = []
    if len(values) != 1 or not MOLLIE_ID.fullmatch(values[0]):
        raise RequestRejected(Rejection.MALFORMED, "expected a form body id=tr_... (a Mollie id)")
    return values[0]


def _mollie_event(intake: Intake, account: PaymentAccount, signature: str, body: bytes) -> Accepted | Ignored:
    """A next-gen event: hex HMAC-SHA256 of the raw body with the signing secret, perhaps prefixed `sha256=`."""
    expected = hmac.new(account.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    given = signature.strip().removeprefix("sha256=").encode("utf-8", "replace")
    if not account.webhook_secret or not hmac.compare_digest(expected.encode(), given):
        raise RequestRejected(Rejection.UNAUTHENTICATED, "the X-Mollie-Signature does not match the body")
    event = _json_object(body)
    event_id, kind = str(event.get("id", "")), str(event.get("type", ""))
    if not MOLLIE_EVENT.fullmatch(event_id):
        raise RequestRejected(Rejection.MALFORMED, "a Mollie event has an id event_...")
    if not kind.startswith(MOLLIE_EVENT_TYPES):
        return Ignored(f"event type '{kind}' is not handled")
    # Without its payment (a "simple" payload) the event is filed under its own id: the worker reads it at Mollie.
    subject = event_payment(event) or event_id
    return accept(intake, _payment_stream(account, subject), kind, event_id, body)


def _stripe_object(event: dict[str, Any]) -> dict[str, Any]:
    """The object a Stripe event carries (`data.object`): a payment intent, charge or dispute; {} without one."""
    data = event.get("data")
    carried = data.get("object") if isinstance(data, dict) else None
    return carried if isinstance(carried, dict) else {}


def _payment_intent(carried: dict[str, Any]) -> str | None:
    """The payment intent an event's object is, or belongs to (a charge's, a dispute's); None without one."""
    intent = carried.get("id") if carried.get("object") == "payment_intent" else carried.get("payment_intent")
    return intent if isinstance(intent, str) and intent.startswith("pi_") else None


def _payment_stream(account: PaymentAccount, payment_id: str) -> StreamKey:
    """The stream a payment's events are logged and queued under."""
    try:
        return account.payment_key(payment_id).stream
    except ValueError:
        raise RequestRejected(Rejection.MALFORMED, "the payment id cannot be a storage key") from None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        raise RequestRejected(Rejection.MALFORMED, "the body is not JSON") from None
    if not isinstance(parsed, dict):
        raise RequestRejected(Rejection.MALFORMED, "the body is not a JSON object")
    return parsed
