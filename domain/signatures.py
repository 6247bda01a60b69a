"""Webhook signature checks, always over the raw request bytes."""

import base64
import hashlib
import hmac


def woocommerce_signature(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(raw body, webhook secret)), as WooCommerce sends it in X-WC-Webhook-Signature."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def woocommerce_signature_valid(body: bytes, secret: str, signature: str) -> bool:
    return hmac.compare_digest(woocommerce_signature(body, secret).encode(), signature.strip().encode())
