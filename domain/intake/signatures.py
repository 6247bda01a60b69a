"""Webhook signature checks, always over the raw request bytes. Header names arrive in lower case."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

STANDARD_WEBHOOKS_TOLERANCE = timedelta(minutes=5)
STANDARD_WEBHOOKS_SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's prefix, not a secret


def base64_hmac_sha256(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(raw body, secret)): WooCommerce's X-WC-Webhook-Signature, Shopify's X-Shopify-Hmac-Sha256."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


woocommerce_signature = base64_hmac_sha256


def _matches(expected: str, signature: str) -> bool:
    """Constant-time; a header that is not text (undecodable bytes) simply does not match."""
    return hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace"))


def hex_hmac_sha256(body: bytes, secret: str) -> str:
    """hex(HMAC-SHA256(raw body, secret)), lower case: Sendcloud's `Sendcloud-Signature`."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sendcloud_signature_valid(body: bytes, secret: str, headers: Mapping[str, str], _now: datetime) -> bool:
    """Sendcloud signs the raw body with the integration's Secret Key or Webhook Signature Key (which one depends on
    the integration type: sendcloud.dev/api/v2/webhooks); an empty secret never matches."""
    return bool(secret) and _matches(hex_hmac_sha256(body, secret), headers.get("sendcloud-signature", "").lower())


def woocommerce_signature_valid(body: bytes, secret: str, headers: Mapping[str, str], _now: datetime) -> bool:
    return _matches(base64_hmac_sha256(body, secret), headers.get("x-wc-webhook-signature", ""))


def shopify_signature_valid(body: bytes, secret: str, headers: Mapping[str, str], _now: datetime) -> bool:
    return _matches(base64_hmac_sha256(body, secret), headers.get("x-shopify-hmac-sha256", ""))


def standard_webhook_valid(body: bytes, secret: str, headers: Mapping[str, str], now: datetime) -> bool:
    """Standard Webhooks: `v1,<base64 HMAC-SHA256("{webhook-id}.{webhook-timestamp}.{body}")>` with the decoded
    `whsec_` key, among space-separated signatures; a timestamp more than 5 minutes off is refused (replays)."""
    message_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not (message_id and timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 11):
        return False
    try:
        sent_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return False
    if abs(now - sent_at) > STANDARD_WEBHOOKS_TOLERANCE:
        return False
    try:
        key = base64.b64decode(secret.removeprefix(STANDARD_WEBHOOKS_SECRET_PREFIX) + "==")
    except (binascii.Error, ValueError):
        return False
    signed = message_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(_matches(expected, candidate) for candidate in headers.get("webhook-signature", "").split())
