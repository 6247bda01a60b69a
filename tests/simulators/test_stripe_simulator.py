"""The Stripe simulator over real sockets: secret key, payment intents, refunds, disputes, events, and signed webhook
deliveries that are retried, held and released out of order, resent, replayed and tampered with."""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from localdev.ports import free_port
from localdev.simulators.stripe import StripeSimulator
from tests.simulators.shop_support import Received, Receiver

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "sk_test_koppel0123456789abcdef"
WEBHOOK_SECRET = "whsec_koppeltestsecret0123456789"
TOLERANCE_S = 300
TIME_SCALE = 1e-6
"""Stripe's three days of retries in about a quarter of a second."""
INTENT = {"amount": "2495", "currency": "EUR", "description": "Order #1001", "metadata[order_number]": "1001"}


def verified(received: Received, secret: str = WEBHOOK_SECRET, now: float | None = None) -> bool:
    """Stripe's scheme, written out here apart from the simulator: any v1 matching, t within the tolerance."""
    parts = [part.split("=", 1) for part in received.headers["stripe-signature"].split(",")]
    timestamp = next(value for key, value in parts if key == "t")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + received.body, hashlib.sha256).hexdigest()
    fresh = abs((now or time.time()) - int(timestamp)) <= TOLERANCE_S
    return fresh and any(key == "v1" and hmac.compare_digest(value, expected) for key, value in parts)


@pytest.fixture
def sim(receiver):
    with StripeSimulator(
        api_key=API_KEY, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET, time_scale=TIME_SCALE
    ) as running:
        yield running


@pytest.fixture
def api(sim):
    with httpx.Client(base_url=sim.url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10) as client:
        yield client


def create(api: httpx.Client, **changes: str) -> dict[str, Any]:
    response = api.post("/v1/payment_intents", data={**INTENT, **changes})
    assert response.status_code == 200, response.text
    return dict(response.json())


def control(sim: StripeSimulator, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.post(f"{sim.url}/_sim/{path}", json=body)


def events(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    return [json.loads(delivery.body) for delivery in receiver.wait_for(count)]


def test_the_secret_key_is_checked_and_errors_have_stripes_shape(sim, api):
    missing = httpx.get(f"{sim.url}/v1/payment_intents/pi_unknown")
    wrong = httpx.get(f"{sim.url}/v1/payment_intents/pi_unknown", headers={"Authorization": "Bearer sk_test_wrong123"})
    unknown = api.get("/v1/payment_intents/pi_unknown")

    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["error"]["message"].startswith("You did not provide an API key.")
    assert wrong.json() == {
        "error": {"message": "Invalid API Key provided: sk_test_****g123", "type": "invalid_request_error"}
    }
    assert unknown.status_code == 404
    assert unknown.json() == {
        "error": {
            "code": "resource_missing",
            "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
            "message": "No such payment_intent: 'pi_unknown'",
            "param": "id",
            "type": "invalid_request_error",
        }
    }
    assert unknown.headers["Request-Id"].startswith("req_")


def test_a_payment_intent_is_created_from_stripes_form_encoding(api):
    intent = create(api)
    fetched = api.get(f"/v1/payment_intents/{intent['id']}").json()

    assert intent == fetched
    assert intent["id"].startswith("pi_")
    assert len(intent["id"]) == 27
    assert (intent["object"], intent["amount"], intent["currency"]) == ("payment_intent", 2495, "eur")
    assert (intent["status"], intent["amount_received"], intent["livemode"]) == ("requires_payment_method", 0, False)
    assert intent["metadata"] == {"order_number": "1001"}
    assert intent["description"] == "Order #1001"
    assert intent["latest_charge"] is None
    assert intent["client_secret"].startswith(f"{intent['id']}_secret_")
    assert isinstance(intent["created"], int)


@pytest.mark.parametrize(
    ("form", "code", "param"),
    [
        ({"currency": "eur"}, "parameter_missing", "amount"),
        ({"amount": "24.95", "currency": "eur"}, "parameter_invalid_integer", "amount"),
        ({"amount": "2495"}, "parameter_missing", "currency"),
        ({**INTENT, "order": "1001"}, "parameter_unknown", "order"),
    ],
)
def test_bad_parameters_answer_400_with_code_and_param(api, form, code, param):
    response = api.post("/v1/payment_intents", data=form)

    assert response.status_code == 400
    assert (response.json()["error"]["code"], response.json()["error"]["param"]) == (code, param)
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_succeeding_sends_a_signed_payment_intent_succeeded_event(sim, api, receiver):
    intent = create(api)

    control(sim, f"payment_intents/{intent['id']}/succeed")
    sim.wait_for_deliveries(5)
    expanded = api.get(f"/v1/payment_intents/{intent['id']}", params={"expand[]": "latest_charge"}).json()

    (delivery,) = receiver.wait_for(1)
    event = json.loads(delivery.body)
    assert verified(delivery)
    assert not verified(delivery, secret="whsec_other")
    assert delivery.headers["content-type"] == "application/json; charset=utf-8"
    assert event["id"].startswith("evt_")
    assert (event["object"], event["type"], event["livemode"]) == ("event", "payment_intent.succeeded", False)
    assert (event["api_version"], event["pending_webhooks"]) == ("2024-06-20", 1)
    assert event["data"]["object"]["id"] == intent["id"]
    assert event["data"]["object"]["status"] == "succeeded"
    assert event["data"]["object"]["amount_received"] == 2495
    assert api.get(f"/v1/events/{event['id']}").json() == event
    charge = expanded["latest_charge"]
    assert charge["id"] == event["data"]["object"]["latest_charge"]
    assert (charge["object"], charge["amount"], charge["paid"], charge["status"]) == ("charge", 2495, True, "succeeded")
    assert (charge["amount_refunded"], charge["refunded"], charge["disputed"]) == (0, False, False)
    assert charge["payment_intent"] == intent["id"]
    assert charge["metadata"] == {"order_number": "1001"}
    assert api.get("/v1/events/evt_unknown").status_code == 404


def test_a_declined_payment_sends_payment_failed(sim, api, receiver):
    intent = create(api)

    failed = control(sim, f"payment_intents/{intent['id']}/fail", {"decline_code": "insufficient_funds"})
    sim.wait_for_deliveries(5)

    (event,) = events(receiver, 1)
    assert event["type"] == "payment_intent.payment_failed"
    assert event["data"]["object"]["status"] == "requires_payment_method"
    assert event["data"]["object"]["last_payment_error"] == {
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card was declined.",
        "type": "card_error",
    }
    assert failed.json() == event["data"]["object"]


def test_refunds_send_charge_refunded_and_are_idempotent(sim, api, receiver):
    intent = create(api)
    too_early = api.post("/v1/refunds", data={"payment_intent": intent["id"]})
    control(sim, f"payment_intents/{intent['id']}/succeed")

    key = {"Idempotency-Key": "refund-1001-1"}
    first = api.post("/v1/refunds", data={"payment_intent": intent["id"], "amount": "1000"}, headers=key)
    again = api.post("/v1/refunds", data={"payment_intent": intent["id"], "amount": "1000"}, headers=key)
    misused = api.post("/v1/refunds", data={"payment_intent": intent["id"], "amount": "900"}, headers=key)
    too_much = api.post("/v1/refunds", data={"payment_intent": intent["id"], "amount": "1500"})
    rest = control(sim, f"payment_intents/{intent['id']}/refund")
    sim.wait_for_deliveries(5)

    assert too_early.status_code == 400
    assert too_early.json()["error"]["code"] == "charge_not_refundable"
    assert first.status_code == 200
    assert first.json()["id"].startswith("re_")
    assert (first.json()["object"], first.json()["amount"], first.json()["status"]) == ("refund", 1000, "succeeded")
    assert first.json()["payment_intent"] == intent["id"]
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert misused.json()["error"]["type"] == "idempotency_error"
    assert too_much.json()["error"]["code"] == "amount_too_large"
    assert too_much.json()["error"]["message"] == (
        "Refund amount (1500) is greater than unrefunded amount on charge (1495)"
    )
    assert rest.json()["amount"] == 1495
    received = events(receiver, 3)
    assert sorted(e["type"] for e in received) == ["charge.refunded", "charge.refunded", "payment_intent.succeeded"]
    partly, fully = sorted(
        (e for e in received if e["type"] == "charge.refunded"), key=lambda e: e["data"]["object"]["amount_refunded"]
    )
    assert (partly["data"]["object"]["amount_refunded"], partly["data"]["object"]["refunded"]) == (1000, False)
    assert (fully["data"]["object"]["amount_refunded"], fully["data"]["object"]["refunded"]) == (2495, True)
    assert partly["request"] == {"id": first.headers["Request-Id"], "idempotency_key": "refund-1001-1"}
    assert httpx.get(f"{sim.url}/_sim/stats").json()["refunds"] == 2


def test_a_dispute_sends_charge_dispute_created_and_blocks_refunds(sim, api, receiver):
    intent = create(api)
    control(sim, f"payment_intents/{intent['id']}/succeed")

    dispute = control(sim, f"payment_intents/{intent['id']}/dispute", {"reason": "product_not_received"})
    twice = control(sim, f"payment_intents/{intent['id']}/dispute")
    refund = api.post("/v1/refunds", data={"payment_intent": intent["id"]})
    sim.wait_for_deliveries(5)
    charge = api.get(f"/v1/payment_intents/{intent['id']}", params={"expand[]": "latest_charge"}).json()

    (event,) = [e for e in events(receiver, 2) if e["type"] == "charge.dispute.created"]
    assert event["data"]["object"] == dispute.json()
    assert dispute.json()["id"].startswith("dp_")
    assert (dispute.json()["object"], dispute.json()["amount"], dispute.json()["status"]) == (
        "dispute",
        2495,
        "needs_response",
    )
    assert dispute.json()["reason"] == "product_not_received"
    assert dispute.json()["payment_intent"] == intent["id"]
    assert twice.status_code == 400
    assert refund.json()["error"]["code"] == "charge_disputed"
    assert charge["latest_charge"]["disputed"] is True


def test_a_dispute_is_listed_by_payment_intent_and_closes_won_or_lost(sim, api, receiver):
    """Dispute statuses as stripe-python stripe/_dispute.py lists them; `GET /v1/disputes?payment_intent=` as
    stripe/params/_dispute_list_params.py. A partial dispute is for its own amount; the charge stays `disputed`."""
    lost, won = create(api), create(api)
    for intent in (lost, won):
        control(sim, f"payment_intents/{intent['id']}/succeed")
    partial = control(sim, f"payment_intents/{lost['id']}/dispute", {"amount": 1000}).json()
    whole = control(sim, f"payment_intents/{won['id']}/dispute").json()

    listed = api.get("/v1/disputes", params={"payment_intent": lost["id"]}).json()
    reviewed = control(sim, f"disputes/{partial['id']}/status", {"status": "under_review"})
    closed = control(sim, f"disputes/{partial['id']}/status", {"status": "lost"})
    control(sim, f"disputes/{whole['id']}/status", {"status": "won"})
    again = control(sim, f"disputes/{partial['id']}/status", {"status": "won"})
    sim.wait_for_deliveries(5)

    assert (listed["object"], listed["has_more"], [d["id"] for d in listed["data"]]) == ("list", False, [partial["id"]])
    assert (listed["data"][0]["amount"], listed["data"][0]["status"]) == (1000, "needs_response")
    assert (reviewed.json()["status"], closed.json()["status"], again.status_code) == ("under_review", "lost", 400)
    assert api.get("/v1/disputes", params={"charge": whole["charge"]}).json()["data"][0]["status"] == "won"
    assert [e["type"] for e in events(receiver, 7) if e["type"].startswith("charge.dispute.")] == [
        "charge.dispute.created",
        "charge.dispute.created",
        "charge.dispute.updated",
        "charge.dispute.closed",
        "charge.dispute.closed",
    ]
    charge = api.get(f"/v1/payment_intents/{lost['id']}", params={"expand[]": "latest_charge"}).json()
    assert charge["latest_charge"]["disputed"] is True
    assert api.get("/v1/disputes", params={"customer": "cus_1"}).json()["error"]["code"] == "parameter_unknown"


def test_an_inquiry_withdraws_nothing_and_leaves_the_charge_refundable(sim, api):
    intent = create(api)
    control(sim, f"payment_intents/{intent['id']}/succeed")

    inquiry = control(sim, f"payment_intents/{intent['id']}/dispute", {"inquiry": True}).json()
    refund = api.post("/v1/refunds", data={"payment_intent": intent["id"], "amount": "495"})
    closed = control(sim, f"disputes/{inquiry['id']}/status", {"status": "warning_closed"}).json()

    assert (inquiry["status"], inquiry["is_charge_refundable"]) == ("warning_needs_response", True)
    assert refund.status_code == 200
    assert closed["status"] == "warning_closed"


def test_the_stripe_version_a_call_pins_is_counted_and_answered(sim, api):
    """Stripe answers in the version the `Stripe-Version` header names, else in the account's default
    (stripe-python stripe/_api_requestor.py sends it on every call)."""
    pinned = api.get("/v1/payment_intents/pi_unknown", headers={"Stripe-Version": "2024-06-20"})
    unpinned = api.get("/v1/payment_intents/pi_unknown")

    assert (pinned.headers["Stripe-Version"], unpinned.headers["Stripe-Version"]) == ("2024-06-20", "2024-06-20")
    assert httpx.get(f"{sim.url}/_sim/stats").json()["versions"] == {"2024-06-20": 1, "": 1}


def test_a_failed_delivery_is_retried_and_each_attempt_signed_afresh(sim, api, receiver):
    receiver.answer_with(500, 502)
    intent = create(api)

    control(sim, f"payment_intents/{intent['id']}/succeed")
    sim.wait_for_deliveries(5)

    attempts = receiver.wait_for(3)
    assert [(d.attempt, d.outcome, d.how) for d in sim.deliveries] == [
        (1, 500, "live"),
        (2, 502, "live"),
        (3, 200, "live"),
    ]
    assert len({d.event_id for d in sim.deliveries}) == 1
    assert len({a.body for a in attempts}) == 1
    assert all(verified(attempt) for attempt in attempts)


def test_delivery_gives_up_after_ten_attempts(sim, api, receiver):
    receiver.answer_with(*[500] * 12)
    intent = create(api)

    control(sim, f"payment_intents/{intent['id']}/succeed")
    sim.wait_for_deliveries(5)

    assert [d.attempt for d in sim.deliveries] == list(range(1, 11))
    assert len(receiver.received) == 10


def test_held_events_are_released_newest_first(sim, api, receiver):
    intent = create(api)
    held = control(sim, "hold")

    control(sim, f"payment_intents/{intent['id']}/succeed")
    control(sim, f"payment_intents/{intent['id']}/refund", {"amount": 500})
    sim.wait_for_deliveries(5)
    nothing_yet = list(receiver.received)
    released = control(sim, "release", {"order": "newest_first"})
    sim.wait_for_deliveries(5)

    assert held.json() == {"holding": True, "held": []}
    assert nothing_yet == []
    first, second = events(receiver, 2)
    assert [first["type"], second["type"]] == ["charge.refunded", "payment_intent.succeeded"]
    assert released.json() == {"released": [first["id"], second["id"]]}
    assert first["created"] >= second["created"]


def test_an_event_can_be_resent_replayed_and_tampered_with(sim, api, receiver):
    intent = create(api)
    control(sim, f"payment_intents/{intent['id']}/succeed")
    sim.wait_for_deliveries(5)
    (original,) = receiver.wait_for(1)
    event_id = json.loads(original.body)["id"]

    duplicate = control(sim, f"events/{event_id}/resend")
    replay = control(sim, f"events/{event_id}/resend", {"age_s": 600})
    forged = control(sim, f"events/{event_id}/resend", {"tamper": True})

    _, copy, old, tampered = receiver.wait_for(4)
    assert [d["how"] for d in (*duplicate.json(), *replay.json(), *forged.json())] == ["resend", "replay", "tampered"]
    assert copy.body == original.body
    assert verified(copy)
    signed_at = replay.json()[0]["signed_at"]
    assert int(old.headers["stripe-signature"].split(",")[0].removeprefix("t=")) == signed_at
    assert not verified(old)
    assert verified(old, now=signed_at)
    assert json.loads(tampered.body)["data"]["object"]["amount"] == 1
    assert json.loads(tampered.body)["id"] == event_id
    assert not verified(tampered)
    assert control(sim, "events/evt_unknown/resend").status_code == 404


def test_every_endpoint_gets_events_signed_with_its_own_secret(sim, api, receiver):
    with Receiver() as second:
        added = control(sim, "endpoints", {"url": second.url}).json()
        intent = create(api)
        control(sim, f"payment_intents/{intent['id']}/succeed")
        sim.wait_for_deliveries(5)
        (other,) = second.wait_for(1)

    (own,) = receiver.wait_for(1)
    assert added["secret"].startswith("whsec_")
    assert added["id"].startswith("we_")
    assert own.body == other.body
    assert verified(own)
    assert verified(other, secret=added["secret"])
    assert not verified(other)
    assert [e["url"] for e in httpx.get(f"{sim.url}/_sim/endpoints").json()] == [receiver.url, second.url]


def test_faults_fail_the_next_calls_as_api_errors(sim, api):
    intent = create(api)
    control(sim, "faults", {"status": 500, "count": 2})

    answers = [api.get(f"/v1/payment_intents/{intent['id']}") for _ in range(3)]
    stats = httpx.get(f"{sim.url}/_sim/stats").json()

    assert [a.status_code for a in answers] == [500, 500, 200]
    assert answers[0].json() == {"error": {"message": "An unknown error occurred", "type": "api_error"}}
    assert stats["calls"] == {"POST /v1/payment_intents": 1, "GET /v1/payment_intents/{intent_id}": 3}


def test_ids_repeat_with_the_same_seed():
    ids = []
    for _ in range(2):
        with StripeSimulator(api_key=API_KEY, seed=3) as sim:
            response = httpx.post(
                f"{sim.url}/v1/payment_intents", data=INTENT, headers={"Authorization": f"Bearer {API_KEY}"}
            )
            ids.append(response.json()["id"])
    assert ids[0] == ids[1]


def test_the_cli_serves_until_sigterm(receiver):
    port = free_port()
    env = {**os.environ, "STRIPE_SIM_API_KEY": API_KEY, "STRIPE_SIM_WEBHOOK_SECRET": WEBHOOK_SECRET}
    command = [sys.executable, "-m", "localdev.simulators.stripe", "--port", str(port), "--webhook-url", receiver.url]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603 - fixed argv
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"Stripe simulator listening on http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {API_KEY}"}
        intent = httpx.post(f"http://127.0.0.1:{port}/v1/payment_intents", data=INTENT, headers=headers).json()
        httpx.post(f"http://127.0.0.1:{port}/_sim/payment_intents/{intent['id']}/succeed").raise_for_status()
        assert verified(receiver.wait_for(1)[0])
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_the_stripe_librarys_own_verification_accepts_the_signature(sim, api, receiver):
    control(sim, f"payment_intents/{create(api)['id']}/succeed")
    (delivery,) = receiver.wait_for(1)

    event = stripe.Webhook.construct_event(delivery.body, delivery.headers["stripe-signature"], WEBHOOK_SECRET)

    assert event.type == "payment_intent.succeeded"


def paid_intent(sim: StripeSimulator, api: httpx.Client) -> str:
    intent = create(api)
    control(sim, f"payment_intents/{intent['id']}/succeed")
    return str(intent["id"])


def test_refunds_are_listed_newest_first_a_page_at_a_time_with_their_metadata(sim, api):
    intent_id = paid_intent(sim, api)
    other_id = paid_intent(sim, api)
    made = [
        api.post(
            "/v1/refunds",
            data={"payment_intent": intent_id, "amount": str(cents), "metadata[koppel_refund]": f"k{cents}"},
        ).json()
        for cents in (100, 200, 300)
    ]
    api.post("/v1/refunds", data={"payment_intent": other_id, "amount": "100"})

    first = api.get("/v1/refunds", params={"payment_intent": intent_id, "limit": "2"}).json()
    rest = api.get(
        "/v1/refunds", params={"payment_intent": intent_id, "limit": "2", "starting_after": first["data"][-1]["id"]}
    ).json()
    unknown = api.get("/v1/refunds", params={"payment_intent": intent_id, "starting_after": "re_unknown"})
    bad_limit = api.get("/v1/refunds", params={"limit": "101"})

    assert (first["object"], first["url"], first["has_more"], rest["has_more"]) == ("list", "/v1/refunds", True, False)
    assert [r["id"] for r in first["data"] + rest["data"]] == [r["id"] for r in reversed(made)]
    assert [r["metadata"] for r in rest["data"]] == [{"koppel_refund": "k100"}]
    assert {r["payment_intent"] for r in first["data"]} == {intent_id}
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "resource_missing")
    assert bad_limit.json()["error"]["code"] == "parameter_invalid_integer"


def test_an_idempotency_key_is_kept_for_24_hours():
    now = [1_790_000_000.0]
    with (
        StripeSimulator(api_key=API_KEY, clock=lambda: now[0]) as sim,
        httpx.Client(base_url=sim.url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10) as api,
    ):
        intent_id = paid_intent(sim, api)
        refund = {"payment_intent": intent_id, "amount": "500"}
        key = {"Idempotency-Key": "koppel-cm-1"}
        first = api.post("/v1/refunds", data=refund, headers=key)
        now[0] += 24 * 3600 - 1
        replayed = api.post("/v1/refunds", data=refund, headers=key)
        now[0] += 1
        new = api.post("/v1/refunds", data=refund, headers=key)

    assert replayed.json()["id"] == first.json()["id"]
    assert new.status_code == 200
    assert "Idempotent-Replayed" not in new.headers
    assert new.json()["id"] != first.json()["id"]


def test_drawn_faults_reach_the_refund_routes_only_and_a_lost_answer_still_refunds(sim, api):
    intent_id = paid_intent(sim, api)
    too_high = httpx.post(f"{sim.url}/_sim/rate-faults", json={"rate_429": 0.6, "rate_503": 0.6})
    httpx.post(f"{sim.url}/_sim/rate-faults", json={"rate_429": 1.0}).raise_for_status()
    limited = api.post("/v1/refunds", data={"payment_intent": intent_id, "amount": "100"})
    intent = api.get(f"/v1/payment_intents/{intent_id}")
    httpx.post(f"{sim.url}/_sim/rate-faults", json={"rate_429": 0.0, "rate_lost_answer": 1.0}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/v1/refunds", data={"payment_intent": intent_id, "amount": "100"})
    shown = httpx.delete(f"{sim.url}/_sim/rate-faults").json()

    assert too_high.status_code == 400
    assert (limited.status_code, limited.json()["error"]["code"]) == (429, "rate_limit")
    assert intent.status_code == 200
    assert httpx.get(f"{sim.url}/_sim/stats").json()["refunds"] == 1
    assert shown == {
        "rates": {"rate_429": 0.0, "rate_503": 0.0, "rate_lost_answer": 0.0, "seed": None},
        "drawn": {"429": 0, "503": 0, "lost_answer": 0},
    }


def test_a_refund_can_fail_and_give_its_amount_back_and_a_refused_parameter_keeps_no_answer(sim, api):
    intent_id = paid_intent(sim, api)
    key = {"Idempotency-Key": "koppel-cm-2"}
    invalid = api.post("/v1/refunds", data={"payment_intent": intent_id, "amount": "-5"}, headers=key)
    refund = api.post("/v1/refunds", data={"payment_intent": intent_id, "amount": "2495"}, headers=key).json()

    failed = control(sim, f"refunds/{refund['id']}/status", {"status": "failed"})
    final = control(sim, f"refunds/{refund['id']}/status", {"status": "succeeded"})
    charge = api.get(f"/v1/payment_intents/{intent_id}", params={"expand[]": "latest_charge"}).json()["latest_charge"]

    assert invalid.json()["error"]["code"] == "parameter_invalid_integer"
    assert refund["amount"] == 2495
    assert failed.json()["status"] == "failed"
    assert final.status_code == 400
    assert (charge["amount_refunded"], charge["refunded"]) == (0, False)
