"""Webhook signature checks, always over the raw request bytes."""

import base64
import hashlib
import hmac


def woocommerce_signature_valid(body: bytes, secret: str, signature: str) -> bool:
    """WooCommerce signs with base64(HMAC-SHA256(raw body, webhook secret))."""
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature.strip())


def woocommerce_signature(body: bytes, secret: str) -> str:
    """The header value WooCommerce would send; used by simulators and tests."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
