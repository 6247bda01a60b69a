import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from standardwebhooks import Webhook

from domain.intake.signatures import standard_webhook_valid, woocommerce_signature, woocommerce_signature_valid

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
PORTAL_SECRET = "whsec_" + base64.b64encode(b"portal-signing-key-32-bytes-long").decode()


def test_woocommerce_signature_is_base64_hmac_sha256_of_the_raw_body():
    body = b'{"id": 1}'
    expected = base64.b64encode(hmac.new(b"s3cret", body, hashlib.sha256).digest()).decode()
    assert woocommerce_signature(body, "s3cret") == expected
    assert woocommerce_signature_valid(body, "s3cret", {"x-wc-webhook-signature": expected}, NOW)


def test_a_changed_body_or_wrong_secret_fails():
    signature = woocommerce_signature(b'{"id": 1}', "s3cret")
    assert not woocommerce_signature_valid(b'{"id": 2}', "s3cret", {"x-wc-webhook-signature": signature}, NOW)
    assert not woocommerce_signature_valid(b'{"id": 1}', "other", {"x-wc-webhook-signature": signature}, NOW)
    assert not woocommerce_signature_valid(b'{"id": 1}', "s3cret", {}, NOW)


def _standard_headers(body: bytes, sent_at: datetime, message_id: str = "msg_2Yh0") -> dict[str, str]:
    """Signed by the reference implementation (the standardwebhooks package)."""
    signature = Webhook(PORTAL_SECRET).sign(message_id, sent_at, body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
    }


def test_a_standard_webhook_signed_by_the_reference_implementation_is_valid():
    body = b'{"orderId": "PO-1"}'
    headers = _standard_headers(body, NOW - timedelta(seconds=30))
    assert standard_webhook_valid(body, PORTAL_SECRET, headers, NOW)
    rotated = {**headers, "webhook-signature": "v1,b2xk " + headers["webhook-signature"]}
    assert standard_webhook_valid(body, PORTAL_SECRET, rotated, NOW)


def test_a_standard_webhook_replayed_late_or_from_the_future_is_refused():
    body = b'{"orderId": "PO-1"}'
    assert not standard_webhook_valid(body, PORTAL_SECRET, _standard_headers(body, NOW - timedelta(minutes=6)), NOW)
    assert not standard_webhook_valid(body, PORTAL_SECRET, _standard_headers(body, NOW + timedelta(minutes=6)), NOW)


def test_a_standard_webhook_with_another_id_body_or_secret_is_refused():
    body = b'{"orderId": "PO-1"}'
    headers = _standard_headers(body, NOW)
    assert not standard_webhook_valid(b'{"orderId": "PO-2"}', PORTAL_SECRET, headers, NOW)
    assert not standard_webhook_valid(body, PORTAL_SECRET, {**headers, "webhook-id": "msg_other"}, NOW)
    assert not standard_webhook_valid(body, "whsec_" + base64.b64encode(b"x" * 32).decode(), headers, NOW)
    for timestamp in ("99999999999999999999", "999999999999", "99999999999", "\u00b2", "-1", ""):
        assert not standard_webhook_valid(body, PORTAL_SECRET, {**headers, "webhook-timestamp": timestamp}, NOW)
    assert not standard_webhook_valid(body, PORTAL_SECRET, {}, NOW)
