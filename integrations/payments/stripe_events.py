"""Stripe webhook events verified by the `stripe` library itself: `Stripe-Signature` over the raw body, 300 s
tolerance against replays."""

from __future__ import annotations

import json
from typing import Any

import stripe

from domain.errors import Rejection, RequestRejected

TOLERANCE_SECONDS = 300


class StripeSignatures:
    def verified(self, body: bytes, signature: str, secret: str) -> dict[str, Any]:
        if not secret:
            raise RequestRejected(Rejection.UNKNOWN_SOURCE, "this Stripe account has no webhook secret configured")
        try:
            stripe.WebhookSignature.verify_header(body.decode("utf-8"), signature, secret, TOLERANCE_SECONDS)
        except (stripe.SignatureVerificationError, UnicodeDecodeError):
            raise RequestRejected(
                Rejection.UNAUTHENTICATED, "the Stripe-Signature is missing, does not match the body, or is too old"
            ) from None
        try:
            event = json.loads(body)
        except ValueError:
            raise RequestRejected(Rejection.MALFORMED, "the body is not JSON") from None
        if not isinstance(event, dict) or event.get("object") != "event":
            raise RequestRejected(Rejection.MALFORMED, "the body is not a Stripe event")
        return event
