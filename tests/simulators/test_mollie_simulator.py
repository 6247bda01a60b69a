"""The Mollie simulator over real sockets: API key, payments, refunds, chargebacks, faults, webhook calls, retries."""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from localdev.ports import free_port
from localdev.simulators.mollie import MollieDelivery, MollieSimulator
from tests.simulators.shop_support import Receiver

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "test_koppelkoppelkoppelkoppel12"
SIGNING_SECRET = "mollie-signing-secret"
TIME_SCALE = 1e-5
"""Mollie's 26 hours of retries in about a second."""
ORDER = {
    "amount": {"currency": "EUR", "value": "24.95"},
    "description": "Order #1001",
    "redirectUrl": "https://shop.example.nl/return/1001",
    "metadata": {"order_number": "1001"},
}


@pytest.fixture
def sim():
    with MollieSimulator(api_key=API_KEY, time_scale=TIME_SCALE) as running:
        yield running


@pytest.fixture
def api(sim):
    with httpx.Client(base_url=sim.api_base, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10) as client:
        yield client


def create(api: httpx.Client, receiver: Receiver | None = None, **changes: Any) -> dict[str, Any]:
    body = {**ORDER, "webhookUrl": receiver.url if receiver else None, **changes}
    response = api.post("/payments", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def control(sim: MollieSimulator, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.post(f"{sim.url}/_sim/{path}", json=body)


def test_the_api_key_is_checked_and_errors_have_mollies_shape(sim, api):
    missing = httpx.get(f"{sim.api_base}/payments/tr_unknown1")
    wrong = httpx.get(f"{sim.api_base}/payments/tr_unknown1", headers={"Authorization": "Bearer test_wrong"})
    unknown = api.get("/payments/tr_unknown1")

    for refused in (missing, wrong):
        assert refused.status_code == 401
        assert refused.json() == {
            "status": 401,
            "title": "Unauthorized Request",
            "detail": "Missing authentication, or failed to authenticate",
            "_links": {
                "documentation": {"href": "https://docs.mollie.com/overview/authentication", "type": "text/html"}
            },
        }
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "No payment exists with token tr_unknown1."
    assert unknown.json()["title"] == "Not Found"
    assert unknown.headers["Content-Type"].startswith("application/hal+json")


def test_a_new_payment_is_open_with_mollies_fields(sim, api, receiver):
    payment = create(api, receiver)
    fetched = api.get(f"/payments/{payment['id']}").json()

    assert payment == fetched
    assert payment["id"].startswith("tr_")
    assert len(payment["id"]) == 13
    assert (payment["resource"], payment["mode"], payment["status"]) == ("payment", "test", "open")
    assert payment["amount"] == {"currency": "EUR", "value": "24.95"}
    assert (payment["description"], payment["metadata"]) == ("Order #1001", {"order_number": "1001"})
    assert (payment["method"], payment["webhookUrl"]) == (None, receiver.url)
    assert payment["createdAt"].endswith("+00:00")
    assert "paidAt" not in payment
    assert "amountRefunded" not in payment
    assert payment["_links"]["self"]["href"] == f"{sim.api_base}/payments/{payment['id']}"
    assert payment["_links"]["checkout"]["type"] == "text/html"
    assert receiver.received == []


def test_a_billing_address_is_shown_back_and_a_billing_email_never(api):
    """Mollie's Payment object has `billingAddress` (with `email`) and no `billingEmail`: mollie/mollie-api-python
    mollie/api/objects/payment.py and tests/responses/payment_single_no_links.json; `billingEmail` is a deprecated
    creation parameter of bank transfers (docs.mollie.com/reference/extra-payment-parameters)."""
    address = {"givenName": "Bram", "familyName": "Smit", "email": "bram@example.nl", "country": "NL"}
    with_address = create(api, billingAddress=address)
    with_email = create(api, billingEmail="bram@example.nl")

    assert with_address["billingAddress"] == address
    assert api.get(f"/payments/{with_address['id']}").json()["billingAddress"] == address
    assert "billingEmail" not in with_email
    assert "billingEmail" not in api.get(f"/payments/{with_email['id']}").json()
    assert "billingAddress" not in with_email
    assert api.post("/payments", json={**ORDER, "billingAddress": "Bram"}).json()["field"] == "billingAddress"


def test_ids_repeat_with_the_same_seed(receiver):
    ids = []
    for _ in range(2):
        with MollieSimulator(api_key=API_KEY, seed=7) as sim:
            response = httpx.post(
                f"{sim.api_base}/payments", json=ORDER, headers={"Authorization": f"Bearer {API_KEY}"}
            )
            ids.append(response.json()["id"])
    assert ids[0] == ids[1]


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ({"currency": "EUR", "value": "24.9"}, "amount.value"),
        ({"currency": "EUR", "value": 24.95}, "amount.value"),
        ({"currency": "eur", "value": "24.95"}, "amount.currency"),
        (None, "amount"),
    ],
)
def test_an_amount_must_be_a_currency_and_a_two_decimal_string(api, amount, field):
    response = api.post("/payments", json={**ORDER, "amount": amount})

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["title"] == "Unprocessable Entity"


def test_paying_calls_the_classic_webhook_with_only_the_id(sim, api, receiver):
    payment = create(api, receiver)

    paid = control(sim, f"payments/{payment['id']}/status", {"status": "paid"})
    sim.wait_for_deliveries(5)
    fetched = api.get(f"/payments/{payment['id']}").json()

    (call,) = receiver.wait_for(1)
    assert parse_qs(call.body.decode()) == {"id": [payment["id"]]}
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert not any("signature" in name for name in call.headers)
    assert paid.json() == fetched
    assert (fetched["status"], fetched["method"]) == ("paid", "ideal")
    assert fetched["paidAt"] >= fetched["createdAt"]
    assert fetched["amountRefunded"] == {"currency": "EUR", "value": "0.00"}
    assert fetched["amountRemaining"] == {"currency": "EUR", "value": "24.95"}
    assert fetched["settlementAmount"] == {"currency": "EUR", "value": "24.95"}
    assert "checkout" not in fetched["_links"]
    assert sim.deliveries == [MollieDelivery("classic", receiver.url, payment["id"], 1, 200)]


@pytest.mark.parametrize("status", ["failed", "canceled", "expired", "authorized"])
def test_every_final_status_and_authorized_calls_the_webhook(sim, api, receiver, status):
    payment = create(api, receiver)

    moved = control(sim, f"payments/{payment['id']}/status", {"status": status, "method": "creditcard"})
    sim.wait_for_deliveries(5)

    assert moved.json()["status"] == status
    assert moved.json()[f"{status}At"] >= moved.json()["createdAt"]
    assert [d.outcome for d in sim.deliveries] == [200]


def test_pending_calls_no_webhook_and_final_statuses_stay_final(sim, api, receiver):
    payment = create(api, receiver)

    pending = control(sim, f"payments/{payment['id']}/status", {"status": "pending"})
    control(sim, f"payments/{payment['id']}/status", {"status": "failed"})
    again = control(sim, f"payments/{payment['id']}/status", {"status": "paid"})
    sim.wait_for_deliveries(5)

    assert pending.json()["status"] == "pending"
    assert again.status_code == 422
    assert again.json()["detail"] == "The payment cannot go from status failed to paid"
    assert len(sim.deliveries) == 1


def test_refunds_call_the_webhook_again_and_the_payment_stays_paid(sim, api, receiver):
    payment = create(api, receiver)
    refused_while_open = api.post(f"/payments/{payment['id']}/refunds", json={"amount": ORDER["amount"]})
    control(sim, f"payments/{payment['id']}/status", {"status": "paid"})

    refund = api.post(
        f"/payments/{payment['id']}/refunds",
        json={"amount": {"currency": "EUR", "value": "10.00"}, "description": "Mok retour"},
    )
    too_much = api.post(f"/payments/{payment['id']}/refunds", json={"amount": {"currency": "EUR", "value": "15.00"}})
    rest = api.post(f"/payments/{payment['id']}/refunds", json={})
    sim.wait_for_deliveries(5)
    listed = api.get(f"/payments/{payment['id']}/refunds").json()
    fetched = api.get(f"/payments/{payment['id']}").json()

    assert refused_while_open.status_code == 422
    assert refund.status_code == 201
    assert refund.json()["resource"] == "refund"
    assert refund.json()["id"].startswith("re_")
    assert (refund.json()["status"], refund.json()["paymentId"]) == ("pending", payment["id"])
    assert refund.json()["amount"] == {"currency": "EUR", "value": "10.00"}
    assert refund.json()["description"] == "Mok retour"
    assert too_much.status_code == 422
    assert too_much.json()["detail"] == "The refund amount is higher than the amount remaining (14.95)"
    assert rest.json()["amount"] == {"currency": "EUR", "value": "14.95"}
    assert listed["count"] == 2
    assert [r["id"] for r in listed["_embedded"]["refunds"]] == [refund.json()["id"], rest.json()["id"]]
    assert fetched["status"] == "paid"
    assert fetched["amountRefunded"] == {"currency": "EUR", "value": "24.95"}
    assert fetched["amountRemaining"] == {"currency": "EUR", "value": "0.00"}
    assert fetched["_links"]["refunds"]["href"].endswith(f"/v2/payments/{payment['id']}/refunds")
    assert [parse_qs(d.body.decode())["id"] for d in receiver.wait_for(3)] == [[payment["id"]]] * 3


def test_a_chargeback_calls_the_webhook_and_shows_on_the_payment(sim, api, receiver):
    payment = create(api, receiver)
    refused_while_open = control(sim, f"payments/{payment['id']}/chargebacks")
    control(sim, f"payments/{payment['id']}/status", {"status": "paid"})

    chargeback = control(
        sim,
        f"payments/{payment['id']}/chargebacks",
        {"amount": "20.00", "reason": {"code": "AC01", "description": "Account identifier incorrect"}},
    )
    sim.wait_for_deliveries(5)
    listed = api.get(f"/payments/{payment['id']}/chargebacks").json()
    fetched = api.get(f"/payments/{payment['id']}").json()

    assert refused_while_open.status_code == 422
    assert chargeback.status_code == 201
    assert listed["count"] == 1
    (shown,) = listed["_embedded"]["chargebacks"]
    assert shown == chargeback.json()
    assert shown["id"].startswith("chb_")
    assert shown["resource"] == "chargeback"
    assert shown["amount"] == {"currency": "EUR", "value": "20.00"}
    assert shown["settlementAmount"] == {"currency": "EUR", "value": "-20.00"}
    assert shown["reason"]["code"] == "AC01"
    assert fetched["status"] == "paid"
    assert fetched["amountChargedBack"] == {"currency": "EUR", "value": "20.00"}
    assert fetched["amountRemaining"] == {"currency": "EUR", "value": "4.95"}
    assert len(receiver.wait_for(2)) == 2


def test_a_failed_call_is_retried_until_it_gets_a_2xx(sim, api, receiver):
    receiver.answer_with(500, 503, 404)
    payment = create(api, receiver)

    control(sim, f"payments/{payment['id']}/status", {"status": "paid"})
    sim.wait_for_deliveries(10)

    assert [(d.attempt, d.outcome) for d in sim.deliveries] == [(1, 500), (2, 503), (3, 404), (4, 200)]
    assert {call.body for call in receiver.wait_for(4)} == {f"id={payment['id']}".encode()}
    listed = httpx.get(f"{sim.url}/_sim/deliveries").json()
    assert listed[-1] == {
        "kind": "classic",
        "url": receiver.url,
        "subject": payment["id"],
        "attempt": 4,
        "outcome": 200,
    }


def test_mollie_gives_up_after_ten_attempts(sim, api, receiver):
    receiver.answer_with(*[500] * 12)
    payment = create(api, receiver)

    control(sim, f"payments/{payment['id']}/status", {"status": "expired"})
    sim.wait_for_deliveries(10)

    assert [d.attempt for d in sim.deliveries] == list(range(1, 11))
    assert {d.outcome for d in sim.deliveries} == {500}
    assert len(receiver.received) == 10


def test_no_answer_in_time_counts_as_a_failure(receiver):
    receiver.delay_s = 0.3
    with MollieSimulator(api_key=API_KEY, time_scale=TIME_SCALE, delivery_timeout_s=0.1, retry_delays_s=(1, 1)) as sim:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        payment = httpx.post(f"{sim.api_base}/payments", json={**ORDER, "webhookUrl": receiver.url}, headers=headers)
        control(sim, f"payments/{payment.json()['id']}/status", {"status": "paid"})
        sim.wait_for_deliveries(5)

    assert [(d.attempt, d.outcome) for d in sim.deliveries] == [(1, "timeout"), (2, "timeout"), (3, "timeout")]


def test_faults_fail_the_next_calls_and_stats_count_them(sim, api):
    payment = create(api)
    planned = control(sim, "faults", {"status": 503, "count": 2})

    answers = [api.get(f"/payments/{payment['id']}") for _ in range(3)]
    stats = httpx.get(f"{sim.url}/_sim/stats").json()

    assert planned.json() == {"status": 503, "count": 2}
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].json()["title"] == "Service Unavailable"
    assert httpx.get(f"{sim.url}/_sim/faults").json()["count"] == 0
    assert stats["calls"] == {"POST /v2/payments": 1, "GET /v2/payments/{payment_id}": 3}
    assert (stats["payments"], stats["refunds"], stats["chargebacks"]) == (1, 0, 0)
    assert control(sim, "faults", {"status": 404}).status_code == 400


def test_next_gen_events_are_signed_with_the_signing_secret(receiver):
    events = Receiver()
    with (
        events,
        MollieSimulator(
            api_key=API_KEY, time_scale=TIME_SCALE, event_webhook_url=events.url, signing_secret=SIGNING_SECRET
        ) as sim,
    ):
        headers = {"Authorization": f"Bearer {API_KEY}"}
        payment = httpx.post(f"{sim.api_base}/payments", json={**ORDER, "webhookUrl": receiver.url}, headers=headers)
        payment_id = payment.json()["id"]
        control(sim, f"payments/{payment_id}/status", {"status": "paid"})
        refund = httpx.post(f"{sim.api_base}/payments/{payment_id}/refunds", json={}, headers=headers)
        sim.wait_for_deliveries(5)
        paid_event, refund_event = events.wait_for(2)

    for delivery in (paid_event, refund_event):
        expected = "sha256=" + hmac.new(SIGNING_SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(delivery.headers["x-mollie-signature"], expected)
        assert delivery.headers["content-type"] == "application/json"
    paid, refunded = sorted((json.loads(paid_event.body), json.loads(refund_event.body)), key=lambda e: e["type"])
    assert (paid["resource"], paid["type"], paid["entityId"]) == ("event", "payment.paid", payment_id)
    assert paid["id"].startswith("event_")
    assert paid["_embedded"]["entity"]["status"] == "paid"
    assert (refunded["type"], refunded["entityId"]) == ("refund.pending", refund.json()["id"])
    assert len(receiver.wait_for(2)) == 2
    assert [d.kind for d in sim.deliveries].count("event") == 2


def test_events_can_be_switched_on_through_the_control(sim, api, receiver):
    payment = create(api)

    refused = control(sim, "event-webhook", {"url": receiver.url})
    control(sim, "event-webhook", {"url": receiver.url, "signing_secret": SIGNING_SECRET})
    control(sim, f"payments/{payment['id']}/status", {"status": "canceled"})
    sim.wait_for_deliveries(5)

    assert refused.status_code == 400
    (event,) = receiver.wait_for(1)
    assert json.loads(event.body)["type"] == "payment.canceled"
    assert [d.kind for d in sim.deliveries] == ["event"]


def test_refund_chargeback_and_payment_link_events_name_the_payment_only_in_the_embedded_entity(sim, api, receiver):
    """Next-gen events as Mollie documents them (docs.mollie.com/reference/webhooks-new; refunds-api-webhooks,
    chargebacks-api-webhooks, payment-links-api-webhooks): `entityId` is the refund (`re_`), chargeback (`chb_`) or
    payment link (`pl_`); a refund's and a chargeback's payment is `_embedded.entity.paymentId`; a payment link
    names no payment. The "simple" payload leaves `_embedded` out."""
    control(sim, "event-webhook", {"url": receiver.url, "signing_secret": SIGNING_SECRET})
    payment = create(api)
    control(sim, f"payments/{payment['id']}/status", {"status": "paid"})
    api.post(f"/payments/{payment['id']}/refunds", json={"amount": {"currency": "EUR", "value": "5.00"}})
    control(sim, f"payments/{payment['id']}/chargebacks", {"amount": "10.00"})
    link = api.post(
        "/payment-links", json={"amount": {"currency": "EUR", "value": "24.95"}, "description": "Bestelling 1001"}
    ).json()
    paid_link = control(sim, f"payment-links/{link['id']}/pay").json()
    sim.wait_for_deliveries(5)

    events = {event["type"]: event for event in (json.loads(d.body) for d in receiver.wait_for(5))}
    refund, chargeback = events["refund.pending"], events["chargeback.received"]
    assert (refund["entityId"][:3], refund["_embedded"]["entity"]["paymentId"]) == ("re_", payment["id"])
    assert (chargeback["entityId"][:4], chargeback["_embedded"]["entity"]["paymentId"]) == ("chb_", payment["id"])
    assert (link["id"][:3], link["resource"], link["paidAt"]) == ("pl_", "payment-link", None)
    link_event = events["payment-link.paid"]
    assert (link_event["entityId"], link_event["_embedded"]["entity"]["resource"]) == (link["id"], "payment-link")
    assert "paymentId" not in link_event["_embedded"]["entity"]
    assert events["payment.paid"]["entityId"] in {payment["id"], paid_link["payment"]["id"]}
    assert paid_link["payment"]["status"] == "paid"
    assert api.get(f"/payment-links/{link['id']}").json()["paidAt"] is not None
    assert control(sim, f"payment-links/{link['id']}/pay").status_code == 422

    control(sim, "event-webhook", {"url": receiver.url, "signing_secret": SIGNING_SECRET, "payload": "simple"})
    control(sim, f"payments/{payment['id']}/chargebacks", {"amount": "1.00"})
    sim.wait_for_deliveries(5)
    simple = json.loads(receiver.wait_for(6)[-1].body)
    assert (simple["type"], "_embedded" in simple) == ("chargeback.received", False)


def test_an_event_is_read_back_in_full_with_an_organization_access_token_only(receiver):
    """`GET /v2/events/{webhookEventId}` answers the event with its entity embedded, whatever payload was sent; Mollie
    lets only an organization access token or OAuth with `events.read` read it, not an API key
    (docs.mollie.com/reference/get-webhook-event; mollie/mollie-api-php GetWebhookEventRequest.php)."""
    token = "access_koppelkoppelkoppelkoppel12"
    with MollieSimulator(api_key=token, time_scale=TIME_SCALE) as sim, httpx.Client(timeout=10) as http:
        headers = {"Authorization": f"Bearer {token}"}
        control(sim, "event-webhook", {"url": receiver.url, "signing_secret": SIGNING_SECRET, "payload": "simple"})
        payment = http.post(f"{sim.api_base}/payments", json=ORDER, headers=headers).json()
        control(sim, f"payments/{payment['id']}/status", {"status": "paid"})
        http.post(f"{sim.api_base}/payments/{payment['id']}/refunds", json={}, headers=headers)
        sim.wait_for_deliveries(5)
        simple = next(e for e in (json.loads(d.body) for d in receiver.wait_for(2)) if e["type"] == "refund.pending")

        read = http.get(f"{sim.api_base}/events/{simple['id']}", headers=headers)
        unknown = http.get(f"{sim.api_base}/events/event_Unknown1", headers=headers)

    assert "_embedded" not in simple
    assert read.status_code == 200
    event = read.json()
    assert (event["resource"], event["id"], event["entityId"]) == ("event", simple["id"], simple["entityId"])
    assert event["_embedded"]["entity"]["paymentId"] == payment["id"]
    assert unknown.status_code == 404


def test_an_api_key_cannot_read_an_event(sim, api, receiver):
    control(sim, "event-webhook", {"url": receiver.url, "signing_secret": SIGNING_SECRET})
    payment = create(api)
    control(sim, f"payments/{payment['id']}/status", {"status": "paid"})
    sim.wait_for_deliveries(5)
    (paid,) = receiver.wait_for(1)

    refused = api.get(f"/events/{json.loads(paid.body)['id']}")

    assert refused.status_code == 403
    assert refused.json()["status"] == 403


def test_the_cli_serves_until_sigterm():
    port = free_port()
    env = {**os.environ, "MOLLIE_SIM_API_KEY": API_KEY}
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-m", "localdev.simulators.mollie", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"Mollie simulator listening on http://127.0.0.1:{port}/v2"
        created = httpx.post(
            f"http://127.0.0.1:{port}/v2/payments", json=ORDER, headers={"Authorization": f"Bearer {API_KEY}"}
        )
        assert created.status_code == 201
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def paid(sim: MollieSimulator, api: httpx.Client) -> str:
    payment = create(api)
    control(sim, f"payments/{payment['id']}/status", {"status": "paid"})
    return str(payment["id"])


def refund_of(value: str, **more: Any) -> dict[str, Any]:
    return {"amount": {"currency": "EUR", "value": value}, **more}


def test_refunds_are_listed_a_page_at_a_time_with_their_metadata(sim, api):
    payment_id = paid(sim, api)
    made = [
        api.post(f"/payments/{payment_id}/refunds", json=refund_of(value, metadata={"koppel_refund": value})).json()
        for value in ("1.00", "2.00", "3.00")
    ]

    first = api.get(f"/payments/{payment_id}/refunds", params={"limit": "2"}).json()
    following = first["_links"]["next"]["href"]
    rest = httpx.get(following, headers={"Authorization": f"Bearer {API_KEY}"}).json()
    bad_limit = api.get(f"/payments/{payment_id}/refunds", params={"limit": "251"})

    assert (first["count"], rest["count"]) == (2, 1)
    assert [r["id"] for r in first["_embedded"]["refunds"] + rest["_embedded"]["refunds"]] == [r["id"] for r in made]
    assert rest["_embedded"]["refunds"][0]["metadata"] == {"koppel_refund": "3.00"}
    assert rest["_links"]["next"] is None
    assert bad_limit.status_code == 400


def test_an_idempotency_key_answers_the_first_refund_again_for_an_hour():
    now = [1_790_000_000.0]
    with (
        MollieSimulator(api_key=API_KEY, clock=lambda: now[0]) as sim,
        httpx.Client(base_url=sim.api_base, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10) as api,
    ):
        payment_id = paid(sim, api)
        key = {"Idempotency-Key": "koppel-cm-1"}
        first = api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00"), headers=key)
        replayed = api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00"), headers=key)
        misused = api.post(f"/payments/{payment_id}/refunds", json=refund_of("6.00"), headers=key)
        now[0] += 3600
        new = api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00"), headers=key)

    assert (first.status_code, replayed.status_code) == (201, 201)
    assert replayed.json() == first.json()
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert misused.status_code == 400
    assert new.status_code == 201
    assert new.json()["id"] != first.json()["id"]


def test_a_refund_of_the_same_amount_within_the_hour_is_a_duplicate(sim, api):
    payment_id = paid(sim, api)
    api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00"))

    duplicate = api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00"))
    long_description = api.post(f"/payments/{payment_id}/refunds", json=refund_of("6.00", description="x" * 141))

    assert (duplicate.status_code, duplicate.json()["detail"]) == (409, "A duplicate refund has been detected")
    assert (long_description.status_code, long_description.json()["field"]) == (422, "description")


def test_drawn_faults_reach_the_refund_routes_only_and_a_lost_answer_still_refunds(sim, api):
    payment_id = paid(sim, api)
    httpx.post(f"{sim.url}/_sim/rate-faults", json={"rate_503": 1.0, "seed": 3}).raise_for_status()
    unavailable = api.get(f"/payments/{payment_id}/refunds")
    payment = api.get(f"/payments/{payment_id}")
    httpx.post(f"{sim.url}/_sim/rate-faults", json={"rate_lost_answer": 1.0}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00"))
    shown = httpx.get(f"{sim.url}/_sim/rate-faults").json()

    assert (unavailable.status_code, unavailable.json()["status"]) == (503, 503)
    assert payment.status_code == 200
    assert httpx.get(f"{sim.url}/_sim/stats").json()["refunds"] == 1
    assert shown["drawn"] == {"429": 0, "503": 1, "lost_answer": 1}


def test_a_failed_refund_no_longer_counts_as_refunded(sim, api):
    payment_id = paid(sim, api)
    refund = api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00")).json()

    failed = control(sim, f"payments/{payment_id}/refunds/{refund['id']}/status", {"status": "failed"})
    final = control(sim, f"payments/{payment_id}/refunds/{refund['id']}/status", {"status": "refunded"})
    unknown = control(sim, f"payments/{payment_id}/refunds/re_unknown/status", {"status": "failed"})
    again = api.post(f"/payments/{payment_id}/refunds", json=refund_of("5.00"))
    shown = api.get(f"/payments/{payment_id}").json()

    assert failed.json()["status"] == "failed"
    assert (final.status_code, unknown.status_code) == (422, 404)
    assert again.status_code == 201
    assert shown["amountRefunded"] == {"currency": "EUR", "value": "5.00"}
