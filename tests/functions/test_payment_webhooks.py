"""Payment webhooks in through the real triggers and Azurite: Mollie's unsigned classic hint and signed events,
Stripe's signed events; stored raw and queued to `payments` before any 2xx, refused with a JSON error otherwise."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import azure.functions as func
import httpx
import pytest

from domain.models import StreamKey
from domain.records import EventStatus, WebhookEvent
from functions.container import container
from integrations.settings import settings
from integrations.storage.account import PAYMENTS_QUEUE
from localdev.azurite import Azurite
from localdev.simulators.mollie import MollieSimulator
from tests.functions.conftest import answer_body, queued_mentioning, trigger
from tests.simulators.shop_support import Received, Receiver

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
    assert answer_body(first)["payment"] == "mollie:main:tr_WDqYK6vllg"
    assert answer_body(first)["eventId"] != answer_body(again)["eventId"], (
        "every hint counts: Mollie repeats it per change"
    )
    assert all(
        queued_mentioning(azurite, PAYMENTS_QUEUE, answer_body(response)["eventId"]) for response in (first, again)
    )


@pytest.mark.parametrize(
    ("where", "status", "code"),
    [
        (("main", b"id=tr_1Refused&id=tr_2Refused"), 400, "malformed"),
        (("main", b"id=Refused"), 400, "malformed"),
        (("main", b"\xff\xfeRefused"), 400, "malformed"),
        (("elders", b"id=tr_3Refused"), 404, "unknown_source"),
    ],
)
def test_a_mollie_call_that_names_no_payment_or_no_account_is_refused(
    accounts: str, azurite: Azurite, where: tuple[str, bytes], status: int, code: str
):
    account, body = where
    response = _post("mollie", account, body, {})

    assert (response.status_code, answer_body(response)["error"]["code"]) == (status, code)
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, "Refused") == []


def test_a_signed_mollie_event_is_taken_once_and_a_badly_signed_one_refused(accounts: str, azurite: Azurite):
    body = json.dumps(
        {"resource": "event", "id": "event_GvJ8WHrp5isUdRub9CJyH", "type": "payment.paid", "entityId": "tr_WDqY"}
    ).encode()
    signature = hmac.new(MOLLIE_SIGNING.encode(), body, hashlib.sha256).hexdigest()

    taken = _post("mollie", "main", body, {"X-Mollie-Signature": f"sha256={signature}"})
    again = _post("mollie", "main", body, {"X-Mollie-Signature": signature})
    forged = _post("mollie", "main", body, {"X-Mollie-Signature": "sha256=" + "0" * 64})

    assert (taken.status_code, again.status_code, answer_body(again)["duplicate"]) == (200, 200, True)
    assert (forged.status_code, answer_body(forged)["error"]["code"]) == (401, "unauthenticated")


def test_a_stripe_event_is_verified_stored_once_and_queued(accounts: str, azurite: Azurite):
    body = _stripe_event("evt_1QaZ")

    taken = _post("stripe", "main", body, _stripe_signed(body))
    replayed = _post("stripe", "main", body, _stripe_signed(body))

    assert (taken.status_code, answer_body(taken)["payment"]) == (202, "stripe:main:pi_3QabcDEF")
    assert (replayed.status_code, answer_body(replayed)["duplicate"]) == (200, True)
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, answer_body(taken)["eventId"]), (
        "queued; a copy not yet processed is queued again"
    )
    assert answer_body(replayed)["eventId"] == answer_body(taken)["eventId"]


def test_a_refund_is_about_the_payment_intent_of_its_charge(accounts: str):
    body = json.dumps(
        {
            "id": "evt_2",
            "object": "event",
            "type": "charge.refunded",
            "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": "pi_3QabcDEF"}},
        }
    ).encode()

    assert answer_body(_post("stripe", "main", body, _stripe_signed(body)))["payment"] == "stripe:main:pi_3QabcDEF"


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

    assert (response.status_code, answer_body(response)["error"]["code"]) == (status, code)
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, "pi_3Refused") == []


def test_stripe_events_koppel_does_not_handle_are_answered_and_not_stored(accounts: str, azurite: Azurite):
    body = _stripe_event("evt_3", kind="customer.created", id="pi_3Ignored")

    ignored = _post("stripe", "main", body, _stripe_signed(body))

    assert (ignored.status_code, answer_body(ignored)["status"]) == (200, "ignored")
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, "Ignored") == []


def test_a_stripe_event_that_names_no_payment_intent_is_answered_200_and_kept(accounts: str, azurite: Azurite):
    """A charge made without a payment intent (the Charges API: `payment_intent` null, stripe-python
    stripe/_charge.py) cannot be read as a payment: a 400 would only have Stripe retry it for three days."""
    charge = {"id": "ch_3Kept", "object": "charge", "payment_intent": None, "amount": 3000}
    body = json.dumps({"id": "evt_4Kept", "object": "event", "type": "charge.refunded", "data": {"object": charge}})

    kept = _post("stripe", "main", body.encode(), _stripe_signed(body.encode()))
    again = _post("stripe", "main", body.encode(), _stripe_signed(body.encode()))

    assert (kept.status_code, answer_body(kept)["status"], again.status_code) == (200, "kept", 200)
    [event] = _events("stripe:main:ch_3Kept")
    assert (event.status, event.topic) == (EventStatus.PARKED, "charge.refunded")
    assert "names no payment intent" in event.note
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, "ch_3Kept") == []


def _events(key: str) -> list[WebhookEvent]:
    return container().events.for_stream(StreamKey.parse(key))


@pytest.fixture(scope="module")
def mollie_events() -> dict[str, Received]:
    """Next-gen events as the Mollie simulator sends them, signed with the account's signing secret: a refund and a
    chargeback (`entityId` re_/chb_, the payment in `_embedded.entity.paymentId`), a paid payment link (`pl_`, no
    payment on it), and a chargeback in the "simple" payload (no `_embedded`)."""
    with Receiver() as receiver, MollieSimulator(seed=secrets.randbits(32)) as sim:
        api = httpx.Client(base_url=sim.api_base, headers={"Authorization": f"Bearer {sim.api_key}"}, timeout=10)
        events = {"url": receiver.url, "signing_secret": MOLLIE_SIGNING}
        httpx.post(f"{sim.url}/_sim/event-webhook", json=events)
        amount = {"currency": "EUR", "value": "30.00"}
        payment = api.post("/payments", json={"amount": amount, "description": "Bestelling 1001"}).json()
        httpx.post(f"{sim.url}/_sim/payments/{payment['id']}/status", json={"status": "paid"})
        api.post(f"/payments/{payment['id']}/refunds", json={"amount": {"currency": "EUR", "value": "5.00"}})
        httpx.post(f"{sim.url}/_sim/payments/{payment['id']}/chargebacks", json={"amount": "10.00"})
        link = api.post("/payment-links", json={"amount": amount, "description": "Bestelling 1002"}).json()
        httpx.post(f"{sim.url}/_sim/payment-links/{link['id']}/pay", json={})
        sim.wait_for_deliveries(5)
        received = {json.loads(each.body)["type"]: each for each in receiver.wait_for(5)}
        httpx.post(f"{sim.url}/_sim/event-webhook", json=events | {"payload": "simple"})
        httpx.post(f"{sim.url}/_sim/payments/{payment['id']}/chargebacks", json={"amount": "1.00"})
        sim.wait_for_deliveries(5)
        received["simple chargeback"] = receiver.wait_for(6)[-1]
        api.close()
    return received


def _mollie_event(received: Received) -> func.HttpResponse:
    headers = {"X-Mollie-Signature": received.headers["x-mollie-signature"], "Content-Type": "application/json"}
    return _post("mollie", "main", received.body, headers)


@pytest.mark.parametrize("kind", ["refund.pending", "chargeback.received"])
def test_a_mollie_refund_or_chargeback_event_is_about_the_payment_its_entity_names(
    accounts: str, azurite: Azurite, mollie_events: dict[str, Received], kind: str
):
    """Mollie's refund and chargeback events: `entityId` is the refund or chargeback, the payment is the embedded
    entity's `paymentId` (docs.mollie.com/reference/refunds-api-webhooks, chargebacks-api-webhooks)."""
    event = json.loads(mollie_events[kind].body)

    response = _mollie_event(mollie_events[kind])

    assert response.status_code == 200
    assert answer_body(response)["payment"] == f"mollie:main:{event['_embedded']['entity']['paymentId']}"
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, answer_body(response)["eventId"])


def test_a_simple_mollie_event_is_queued_under_its_event_id_for_the_worker_to_read_at_mollie(
    accounts: str, azurite: Azurite, mollie_events: dict[str, Received]
):
    """A "simple" payload names only the chargeback (`chb_`): which payment it is about is read by the worker at
    `GET /v2/events/{id}` (docs.mollie.com/reference/get-webhook-event), not while Mollie waits for the answer."""
    event = json.loads(mollie_events["simple chargeback"].body)

    response = _mollie_event(mollie_events["simple chargeback"])

    assert (response.status_code, event["entityId"][:4]) == (200, "chb_")
    assert answer_body(response)["payment"] == f"mollie:main:{event['id']}"
    [stored] = _events(f"mollie:main:{event['id']}")
    assert (stored.status, stored.topic, stored.dedup_key) == (EventStatus.RECEIVED, event["type"], event["id"])
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, answer_body(response)["eventId"])


def test_a_paid_payment_link_is_answered_200_and_ignored(
    accounts: str, azurite: Azurite, mollie_events: dict[str, Received]
):
    """A paid payment link names no payment; the payment that paid it (`tr_`) comes as its own `payment.paid` event
    and classic call (docs.mollie.com/reference/payment-links-api-webhooks): nothing is left for a person."""
    event = json.loads(mollie_events["payment-link.paid"].body)

    response = _mollie_event(mollie_events["payment-link.paid"])

    assert (response.status_code, answer_body(response)["status"]) == (200, "ignored")
    assert _events(f"mollie:main:{event['entityId']}") == []
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, event["entityId"]) == []


def test_mollie_events_koppel_does_not_handle_are_answered_200_and_not_stored(accounts: str, azurite: Azurite):
    body = json.dumps(
        {"resource": "event", "id": "event_Ignored1", "type": "sales-invoice.paid", "entityId": "invoice_Ignored1"}
    ).encode()
    signature = hmac.new(MOLLIE_SIGNING.encode(), body, hashlib.sha256).hexdigest()

    response = _post("mollie", "main", body, {"X-Mollie-Signature": signature})

    assert (response.status_code, answer_body(response)["status"]) == (200, "ignored")
    assert _events("mollie:main:invoice_Ignored1") == []
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, "Ignored1") == []


def test_a_classic_mollie_call_for_an_order_is_answered_200_and_kept(accounts: str, azurite: Azurite):
    """Mollie's Orders API calls the webhook with `id=ord_...`: no payment Koppel reads, kept rather than refused."""
    response = _post("mollie", "main", b"id=ord_kVAk3Kept", {"Content-Type": "application/x-www-form-urlencoded"})

    assert (response.status_code, answer_body(response)["status"]) == (200, "kept")
    [kept] = _events("mollie:main:ord_kVAk3Kept")
    assert kept.status is EventStatus.PARKED
    assert queued_mentioning(azurite, PAYMENTS_QUEUE, "ord_kVAk3Kept") == []


def test_kept_payment_events_are_listed_for_ops_without_their_bodies(accounts: str, azurite: Azurite):
    """A call Koppel keeps for a person (here Mollie's Orders API `id=ord_...`) shows in
    GET /api/ops/payments/unmatched with where it came from and why, never with its body."""
    order_id = f"ord_{secrets.token_hex(6)}"
    kept = _post("mollie", "main", f"id={order_id}".encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    request = func.HttpRequest("GET", "http://localhost/api/ops/payments/unmatched", body=b"")

    listed = json.loads(trigger("unmatched_payments")(request).get_body())

    [entry] = [each for each in listed["events"] if each["subject"] == order_id]
    assert entry == {
        "provider": "mollie",
        "account": "main",
        "subject": order_id,
        "event_id": answer_body(kept)["eventId"],
        "provider_event_id": entry["provider_event_id"],
        "topic": "payment.changed",
        "status": "parked",
        "reason": f"a Mollie call about {order_id}, which is not a payment (tr_...)",
        "received_at": entry["received_at"],
    }
    assert entry["provider_event_id"].startswith(f"{order_id}@")
    assert "body" not in json.dumps(listed["events"])
