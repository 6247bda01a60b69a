"""Webhook signature checks, always over the raw request bytes."""

import base64
import hashlib
import hmac


def base64_hmac_sha256(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(raw body, secret)): WooCommerce's X-WC-Webhook-Signature, Shopify's X-Shopify-Hmac-Sha256."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


woocommerce_signature = base64_hmac_sha256


def _matches(expected: str, signature: str) -> bool:
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def woocommerce_signature_valid(body: bytes, secret: str, signature: str) -> bool:
    return _matches(base64_hmac_sha256(body, secret), signature)


def shopify_signature_valid(body: bytes, secret: str, signature: str) -> bool:
    return _matches(base64_hmac_sha256(body, secret), signature)
