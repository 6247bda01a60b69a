import base64
import hashlib
import hmac

from domain.signatures import woocommerce_signature, woocommerce_signature_valid


def test_woocommerce_signature_is_base64_hmac_sha256_of_the_raw_body():
    body = b'{"id": 1}'
    expected = base64.b64encode(hmac.new(b"s3cret", body, hashlib.sha256).digest()).decode()
    assert woocommerce_signature(body, "s3cret") == expected
    assert woocommerce_signature_valid(body, "s3cret", expected)


def test_a_changed_body_or_wrong_secret_fails():
    signature = woocommerce_signature(b'{"id": 1}', "s3cret")
    assert not woocommerce_signature_valid(b'{"id": 2}', "s3cret", signature)
    assert not woocommerce_signature_valid(b'{"id": 1}', "other", signature)
    assert not woocommerce_signature_valid(b'{"id": 1}', "s3cret", "")
