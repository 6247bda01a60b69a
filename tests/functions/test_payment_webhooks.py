"""Payment webhooks in through the real triggers and Azurite: Mollie's unsigned classic hint and signed events,
Stripe's signed events; stored raw and queued to `payments` before any 2xx, refused with a JSON error otherwise."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import azure.functions as func
import pytest

from functions.container import container
from integrations.settings import settings
from integrations.storage.account import PAYMENTS_QUEUE, StorageAccount
from localdev.azurite import Azurite
from tests.functions.conftest import trigger

STRIPE_SECRET = "whsec_test_koppel"
MOLLIE_SIGNING = "mollie-signing-test"


@pytest.fixture
def accounts(app_settings: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A Mollie and a Stripe account, both paying the orders of the test's WooCommerce shop."""
    for provider, secret in (("MOLLIE", MOLLIE_SIGNING), ("STRIPE", STRIPE_SECRET)):
        monkeypatch.setenv(f"KOPPEL_{provider}_ACCOUNTS", "main")
        monkeypatch.setenv(f"KOPPEL_{provider}_SHOP_MAIN", f"woocommerce:{app_settings}")
        monkeypatch.setenv(f"KOPPEL_{provider}_WEBHOOK_SECRET_MAIN", secret)
    settings.cache_clear()
    container.cache_clear()
    return app_settings


def _post(provider: str, account: str, body: bytes, headers: dict[str, str]) -> func.HttpResponse:
    request = func.HttpRequest(
        "POST",
        f"http://localhost/api/webhooks/{provider}/{account}",
        headers=headers,
        route_params={"account": account},
        body=body,
    )
    response: func.HttpResponse = trigger(f"{provider}_webhook")(request)
    return response


def _answer(response: func.HttpResponse) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(response.get_body())
    return found


def _queued(azurite: Azurite, needle: str) -> list[str]:
    """The messages on `payments` that mention `needle` (the queue is shared by the tests of this run)."""
    queue = StorageAccount(azurite.connection_string).queue(PAYMENTS_QUEUE)
    texts = (base64.b64decode(message.content).decode() for message in queue.peek_messages(max_messages=32))
    return [text for text in texts if needle in text]


def _stripe_event(event_id: str, kind: str = "payment_intent.succeeded", **object_fields: Any) -> bytes:
    payment = {"id": "pi_3QabcDEF", "object": "payment_intent", "status": "succeeded"} | object_fields
    event = {"id": event_id, "object": "event", "type": kind, "created": int(time.time()), "data": {"object": payment}}
    return json.dumps(event).encode()


def _stripe_signed(body: bytes, at: int | None = None, secret: str = STRIPE_SECRET) -> dict[str, str]:
    moment = int(time.time()) if at is None else at
    signature = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={moment},v1={signature}", "Content-Type": "application/json"}


def test_a_mollie_hint_is_stored_and_queued_and_answered_200(accounts: str, azurite: Azurite):
    first = _post("mollie", "main", b"id=tr_WDqYK6vllg", {"Content-Type": "application/x-www-form-urlencoded"})
    again = _post("mollie", "main", b"id=tr_WDqYK6vllg", {"Content-Type": "application/x-www-form-urlencoded"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert _answer(first)["payment"] == "mollie:main:tr_WDqYK6vllg"
    assert _answer(first)["eventId"] != _answer(again)["eventId"], "every hint counts: Mollie repeats it per change"
    assert all(_queued(azurite, _answer(response)["eventId"]) for response in (first, again))


@pytest.mark.parametrize(
    ("where", "status", "code"),
    [
        (("main", b"id=ord_1Refused"), 400, "malformed"),
        (("main", b"id=tr_1Refused&id=tr_2Refused"), 400, "malformed"),
        (("main", b"\xff\xfeRefused"), 400, "malformed"),
        (("elders", b"id=tr_3Refused"), 404, "unknown_source"),
    ],
)
def test_a_mollie_call_that_names_no_payment_or_no_account_is_refused(
    accounts: str, azurite: Azurite, where: tuple[str, bytes], status: int, code: str
):
    account, body = where
    response = _post("mollie", account, body, {})

    assert (response.status_code, _answer(response)["error"]["code"]) == (status, code)
    assert _queued(azurite, "Refused") == []


def test_a_signed_mollie_event_is_taken_once_and_a_badly_signed_one_refused(accounts: str, azurite: Azurite):
    body = json.dumps(
        {"resource": "event", "id": "event_GvJ8WHrp5isUdRub9CJyH", "type": "payment.paid", "entityId": "tr_WDqY"}
    ).encode()
    signature = hmac.new(MOLLIE_SIGNING.encode(), body, hashlib.sha256).hexdigest()

    taken = _post("mollie", "main", body, {"X-Mollie-Signature": f"sha256={signature}"})
    again = _post("mollie", "main", body, {"X-Mollie-Signature": signature})
    forged = _post("mollie", "main", body, {"X-Mollie-Signature": "sha256=" + "0" * 64})

    assert (taken.status_code, again.status_code, _answer(again)["duplicate"]) == (200, 200, True)
    assert (forged.status_code, _answer(forged)["error"]["code"]) == (401, "unauthenticated")


def test_a_stripe_event_is_verified_stored_once_and_queued(accounts: str, azurite: Azurite):
    body = _stripe_event("evt_1QaZ")

    taken = _post("stripe", "main", body, _stripe_signed(body))
    replayed = _post("stripe", "main", body, _stripe_signed(body))

    assert (taken.status_code, _answer(taken)["payment"]) == (202, "stripe:main:pi_3QabcDEF")
    assert (replayed.status_code, _answer(replayed)["duplicate"]) == (200, True)
    assert _queued(azurite, _answer(taken)["eventId"]), "queued; a copy not yet processed is queued again"
    assert _answer(replayed)["eventId"] == _answer(taken)["eventId"]


def test_a_refund_is_about_the_payment_intent_of_its_charge(accounts: str):
    body = json.dumps(
        {
            "id": "evt_2",
            "object": "event",
            "type": "charge.refunded",
            "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": "pi_3QabcDEF"}},
        }
    ).encode()

    assert _answer(_post("stripe", "main", body, _stripe_signed(body)))["payment"] == "stripe:main:pi_3QabcDEF"


@pytest.mark.parametrize(
    ("sign", "status", "code"),
    [
        (lambda body: _stripe_signed(body + b" "), 401, "unauthenticated"),
        (lambda body: _stripe_signed(body, at=int(time.time()) - 301), 401, "unauthenticated"),
        (lambda body: _stripe_signed(body, secret="whsec_other"), 401, "unauthenticated"),
        (lambda _body: {}, 401, "unauthenticated"),
    ],
)
def test_a_tampered_replayed_or_unsigned_stripe_event_is_refused_and_nothing_queued(
    accounts: str, azurite: Azurite, sign: Any, status: int, code: str
):
    body = _stripe_event("evt_bad", id="pi_3Refused")

    response = _post("stripe", "main", body, sign(body))

    assert (response.status_code, _answer(response)["error"]["code"]) == (status, code)
    assert _queued(azurite, "pi_3Refused") == []


def test_stripe_events_koppel_does_not_handle_are_answered_and_not_stored(accounts: str, azurite: Azurite):
    body = _stripe_event("evt_3", kind="customer.created", id="pi_3Ignored")
    no_intent = json.dumps(
        {"id": "evt_4Ignored", "object": "event", "type": "charge.refunded", "data": {"object": {"object": "charge"}}}
    ).encode()

    ignored = _post("stripe", "main", body, _stripe_signed(body))
    malformed = _post("stripe", "main", no_intent, _stripe_signed(no_intent))

    assert (ignored.status_code, _answer(ignored)["status"]) == (200, "ignored")
    assert (malformed.status_code, _answer(malformed)["error"]["code"]) == (400, "malformed")
    assert _queued(azurite, "Ignored") == []
