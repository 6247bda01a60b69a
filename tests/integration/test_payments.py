"""Payments end to end: the Mollie and Stripe simulators call the local host's webhooks, the payment worker reads
each payment at its provider and matches it to the WooCommerce order it names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import RequestRejected
from domain.payments.accounts import PaymentAccount
from domain.payments.matching import Position
from domain.payments.record import MatchStatus, PaymentRecord
from integrations.payments.readers import STRIPE_API_VERSION, mollie_reader, stripe_reader
from integrations.storage.account import StorageAccount
from integrations.storage.payment_store import TablePaymentStore
from localdev.mollie_payments import mollie_call, pay_with_mollie
from localdev.simulators.mollie import MollieSimulator
from localdev.simulators.stripe import StripeSimulator
from localdev.stack import PAYMENT_ACCOUNT, LocalStack
from tests.integration.conftest import running_stack
from tests.integration.payment_flow import booked_dossier, placed_order_total, recorded_payment
from tests.integration.support import (
    a_catalog_order,
    deliver_order,
    dossier,
    next_order_id,
    settled_dossier,
    wait_for,
)
from tests.payment_support import stored_payment
from tests.simulators.shop_support import Receiver
from tests.support.woocommerce import ShopLine, ShopOrder


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """The integration stack, with Koppel's refund API page (the BC simulator serves it)."""
    yield from running_stack(KOPPEL_BC_REFUND_API="koppel/payments/v1.0")


def _stripe_intent_for_an_order(stack: LocalStack) -> dict[str, Any]:
    """A new order, and a Stripe payment intent for its total naming it in metadata, as the shop's plugin makes."""
    assert stack.stripe is not None
    order_id = next_order_id()
    total = placed_order_total(stack, order_id)
    headers = {"Authorization": f"Bearer {stack.stripe.api_key}"}
    form = {"amount": str(int(total * 100)), "currency": "eur", "metadata[order_id]": str(order_id)}
    intent: dict[str, Any] = httpx.post(
        f"{stack.stripe.url}/v1/payment_intents", data=form, headers=headers, timeout=30
    ).json()
    return intent


def _unmatched(stack: LocalStack) -> list[str]:
    body = httpx.get(f"{stack.host_url}/api/ops/payments/unmatched", timeout=30).json()
    return [entry["payment"]["payment_id"] for entry in body["payments"]]


def test_a_paid_mollie_payment_is_read_at_mollie_and_pays_its_order(stack: LocalStack):
    order_id = next_order_id()
    total = placed_order_total(stack, order_id)

    payment_id = pay_with_mollie(stack, order_id, total)

    record = recorded_payment(stack, "mollie", payment_id, MatchStatus.MATCHED)
    assert record.order_key is not None
    assert record.order_key.order_id == str(order_id)
    assert record.settlement is not None
    assert (record.settlement.position, record.settlement.received) == (Position.PAID, total)
    [shown] = dossier(stack, order_id).json()["payments"]
    assert (shown["payment_id"], shown["status"], shown["match"], shown["amount"]) == (
        payment_id,
        "paid",
        "matched",
        {"amount": f"{total:.2f}", "currency": "EUR"},
    )
    assert [event["status"] for event in shown["history"]] == ["processed"]


def test_a_forged_mollie_call_is_answered_200_and_marks_nothing_paid(stack: LocalStack):
    response = httpx.post(
        f"{stack.host_url}/api/webhooks/mollie/{PAYMENT_ACCOUNT}", content=b"id=tr_Forged123", timeout=30
    )

    def checked() -> dict[str, Any] | None:
        body: dict[str, Any] = httpx.get(
            f"{stack.host_url}/api/orders/mollie/{PAYMENT_ACCOUNT}/tr_Forged123", timeout=30
        ).json()
        return body if body["events"] and body["events"][0]["status"] == "processed" else None

    assert response.status_code == 200
    assert "does not know this payment" in wait_for(checked)["events"][0]["note"]
    assert (
        stored_payment(
            TablePaymentStore(StorageAccount(stack.azurite.connection_string)), "mollie", "main", "tr_Forged123"
        )
        is None
    )


def test_a_payment_before_its_order_waits_and_is_matched_when_the_order_arrives(stack: LocalStack):
    order_id = next_order_id()
    order = a_catalog_order(stack, order_id)
    payment_id = pay_with_mollie(stack, order_id, Decimal("10.00"))

    recorded_payment(stack, "mollie", payment_id, MatchStatus.WAITING_FOR_ORDER)
    assert payment_id in _unmatched(stack)
    deliver_order(stack, order)

    matched = recorded_payment(stack, "mollie", payment_id, MatchStatus.MATCHED)
    assert matched.settlement is not None
    assert matched.settlement.position is Position.PARTLY_PAID
    assert payment_id not in _unmatched(stack)


def test_a_stripe_payment_and_a_partial_refund_after_it(stack: LocalStack):
    assert stack.stripe is not None
    intent = _stripe_intent_for_an_order(stack)
    httpx.post(f"{stack.stripe.url}/_sim/payment_intents/{intent['id']}/succeed", json={}, timeout=30)

    paid = recorded_payment(stack, "stripe", intent["id"], MatchStatus.MATCHED)
    httpx.post(f"{stack.stripe.url}/_sim/payment_intents/{intent['id']}/refund", json={"amount": 500}, timeout=30)

    def refunded() -> PaymentRecord | None:
        found = recorded_payment(stack, "stripe", intent["id"], MatchStatus.MATCHED)
        return found if found.payment.refunded == Decimal("5.00") else None

    assert paid.settlement is not None
    assert paid.settlement.position is Position.PAID
    after = wait_for(refunded)
    assert after.settlement is not None
    assert (after.settlement.position, after.settlement.difference) == (Position.PARTLY_PAID, Decimal("5.00"))


def test_an_order_held_for_prepayment_is_released_once_its_mollie_payment_pays_it(stack: LocalStack):
    """An on-hold WooCommerce order (bank transfer, say) passes every control but payment; the buyer then pays
    through Mollie: the payment control passes and BC releases the order."""
    probe = stack.bc_probe()
    stocked = [i for i in probe.all("items", **{"$top": "60"}) if not i["blocked"] and i["inventory"] >= 5]
    vat_groups = probe.vat_groups()
    hoog = [item for item in stocked if vat_groups[item["number"]] == "HOOG"][:2]
    lines = tuple(
        ShopLine(
            item["number"],
            item["displayName"],
            1,
            (Decimal(str(item["unitPrice"])) * Decimal("1.21")).quantize(Decimal("0.01")),
        )
        for item in hoog
    )
    basket = a_catalog_order(stack)
    order = ShopOrder(basket.order_id, basket.customer, lines, created=basket.created, status="on-hold")
    deliver_order(stack, order)
    held = settled_dossier(stack, order.order_id)
    assert held["release"] == "held by payment: a person decides in BC"

    pay_with_mollie(stack, order.order_id, Decimal(str(held["web_order"]["total"])))

    def released() -> dict[str, Any] | None:
        body: dict[str, Any] = dossier(stack, order.order_id).json()
        return body if body["release"] == "released" else None

    after = wait_for(released)
    assert {c["control"]: c["passed"] for c in after["controls"]}["payment"] is True
    assert probe.sales_orders(str(order.order_id))[0]["status"] == "Open"


def test_a_paid_order_invoiced_in_bc_has_its_payment_booked_against_the_invoice(stack: LocalStack):
    """Paid through Mollie, shipped and invoiced in BC: BC's webhook (or the poll) files the invoice on the order,
    the booking timer puts the payment in Koppel's journal applied to it and posts it. Refunded afterwards: the
    refund waits for BC's credit memo, then a refund line (Koppel's API page) pays the credit memo back."""
    order_id = next_order_id()
    total = placed_order_total(stack, order_id)
    payment_id = pay_with_mollie(stack, order_id, total)
    recorded_payment(stack, "mollie", payment_id, MatchStatus.MATCHED)
    probe = stack.bc_probe()
    probe.ship_and_invoice(settled_dossier(stack, order_id)["bc_document"]["id"])

    body = booked_dossier(stack, order_id)
    [invoice] = body["invoices"]
    [payment] = body["payments"]
    in_bc = probe.get(f"salesInvoices({invoice['id']})")
    assert (in_bc["remainingAmount"], in_bc["status"]) == (0, "Paid")
    assert payment["booking"]["invoice_number"] == in_bc["number"]
    assert payment["booking"]["external_document_number"] == payment_id.upper()
    assert Decimal(payment["booking"]["amount"]) == total
    assert probe.all(f"customerPaymentJournals({_koppel_journal(probe)})/customerPayments") == []

    assert stack.mollie is not None
    headers = {"Authorization": f"Bearer {stack.mollie.api_key}"}
    httpx.post(f"{stack.mollie.url}/v2/payments/{payment_id}/refunds", json={}, headers=headers, timeout=30)
    assert stack.bc is not None
    memo = httpx.post(f"{stack.bc.url}/_sim/salesInvoices/{invoice['id']}/creditMemo", json={"apply": False}).json()

    def refunded() -> dict[str, Any] | None:
        [shown] = dossier(stack, order_id).json()["payments"]
        refunds = shown["booking"]["refunds"]
        return shown if refunds and all(each["state"] == "booked" for each in refunds) else None

    [refund] = wait_for(refunded, timeout=60)["booking"]["refunds"]
    assert (refund["credit_memo_number"], Decimal(refund["amount"])) == (memo["number"], total)
    assert probe.get(f"salesCreditMemos({memo['id']})")["status"] == "Paid"
    assert probe.get(f"customers({in_bc['customerId']})")["balanceDue"] == 0
    assert payment_id not in _unmatched(stack)


def _koppel_journal(probe: Any) -> str:
    [journal] = probe.all("customerPaymentJournals", **{"$filter": "code eq 'KOPPEL'"})
    return str(journal["id"])


@pytest.mark.parametrize(
    ("payer", "note"),
    [
        (
            lambda email: {"billingAddress": {"email": email, "country": "NL"}},
            "matched by amount, payer's e-mail and time: the payment names no order",
        ),
        (
            lambda email: {"billingEmail": email},
            "matched by amount and time only: the payment names no order and mollie knows no payer's e-mail",
        ),
    ],
    ids=["billing-address", "bank-transfer-billing-email"],
)
def test_a_payment_naming_no_order_pays_the_unpaid_order_of_its_amount(stack: LocalStack, payer: Any, note: str):
    """The buyer pays an on-hold order through a Mollie payment that carries no order number: the amount and the
    time find the order, and the payer's e-mail when Mollie has one. Mollie shows `billingAddress.email`; the bank
    transfer's `billingEmail` is a creation parameter it never shows (mollie/mollie-api-python
    mollie/api/objects/payment.py), so the note must not claim the payer matched."""
    basket = a_catalog_order(stack)
    order = ShopOrder(basket.order_id, basket.customer, basket.lines, created=basket.created, status="on-hold")
    deliver_order(stack, order)
    total = Decimal(str(settled_dossier(stack, order.order_id)["web_order"]["total"]))
    payment = mollie_call(
        stack,
        "POST",
        "/v2/payments",
        {
            "amount": {"currency": "EUR", "value": f"{total:.2f}"},
            "description": "Betaling webshop",
            "redirectUrl": "https://shop.example.nl/bedankt",
            "webhookUrl": f"{stack.host_url}/api/webhooks/mollie/{PAYMENT_ACCOUNT}",
        }
        | payer(order.customer.email.upper()),
    )
    assert stack.mollie is not None
    httpx.post(f"{stack.mollie.url}/_sim/payments/{payment['id']}/status", json={"status": "paid"}, timeout=30)

    matched = recorded_payment(stack, "mollie", payment["id"], MatchStatus.MATCHED)
    assert matched.order_key is not None
    assert matched.order_key.order_id == str(order.order_id)
    assert matched.note == note
    assert matched.settlement is not None
    assert matched.settlement.position is Position.PAID


def test_stripe_events_arriving_newest_first_leave_the_payment_as_stripe_has_it(stack: LocalStack):
    """Stripe promises no order: the refund's event arrives before the payment's. Koppel reads the payment
    intent at Stripe for each, so the record ends as Stripe has it: paid, 5.00 refunded."""
    assert stack.stripe is not None
    intent = _stripe_intent_for_an_order(stack)
    sim = f"{stack.stripe.url}/_sim"
    httpx.post(f"{sim}/hold", json={}, timeout=30).raise_for_status()
    httpx.post(f"{sim}/payment_intents/{intent['id']}/succeed", json={}, timeout=30).raise_for_status()
    httpx.post(f"{sim}/payment_intents/{intent['id']}/refund", json={"amount": 500}, timeout=30).raise_for_status()
    released = httpx.post(f"{sim}/release", json={"order": "newest_first"}, timeout=30).json()["released"]

    def both_processed() -> PaymentRecord | None:
        found = recorded_payment(stack, "stripe", intent["id"], MatchStatus.MATCHED)
        events = _payment_events(stack, intent["id"])["events"]
        done = len(events) == 2 and all(event["status"] == "processed" for event in events)
        return found if done else None

    record = wait_for(both_processed)
    assert len(released) == 2
    assert (record.payment.status.value, record.payment.refunded) == ("paid", Decimal("5.00"))
    assert record.settlement is not None
    assert (record.settlement.position, record.settlement.difference) == (Position.PARTLY_PAID, Decimal("5.00"))


def test_a_stripe_dispute_is_told_while_open_and_charged_back_only_once_lost(stack: LocalStack):
    """`charge.dispute.created` (needs_response: the money is withdrawn, the outcome open) and
    `charge.dispute.closed` (lost): Koppel reads the intent's disputes at Stripe each time (stripe-python
    stripe/_dispute.py statuses); the order is short only by the disputed amount, and only once it is lost."""
    assert stack.stripe is not None
    intent = _stripe_intent_for_an_order(stack)
    sim = f"{stack.stripe.url}/_sim"
    httpx.post(f"{sim}/payment_intents/{intent['id']}/succeed", json={}, timeout=30).raise_for_status()
    recorded_payment(stack, "stripe", intent["id"], MatchStatus.MATCHED)
    dispute = httpx.post(f"{sim}/payment_intents/{intent['id']}/dispute", json={"amount": 500}, timeout=30).json()

    def told() -> PaymentRecord | None:
        found = recorded_payment(stack, "stripe", intent["id"], MatchStatus.MATCHED)
        return found if found.payment.disputed else None

    open_dispute = wait_for(told)
    httpx.post(f"{sim}/disputes/{dispute['id']}/status", json={"status": "lost"}, timeout=30).raise_for_status()

    def lost() -> PaymentRecord | None:
        found = recorded_payment(stack, "stripe", intent["id"], MatchStatus.MATCHED)
        return found if found.payment.charged_back else None

    after = wait_for(lost)
    assert (open_dispute.payment.charged_back, open_dispute.note) == (
        Decimal(0),
        "EUR 5.00 disputed at stripe: counted only if lost",
    )
    assert open_dispute.settlement is not None
    assert open_dispute.settlement.position is Position.PAID
    assert (after.payment.charged_back, after.payment.disputed, after.note) == (Decimal("5.00"), Decimal(0), "")
    assert after.settlement is not None
    assert (after.settlement.position, after.settlement.difference) == (Position.PARTLY_PAID, Decimal("5.00"))


def _payment_events(stack: LocalStack, payment_id: str) -> dict[str, Any]:
    response = httpx.get(f"{stack.host_url}/api/orders/stripe/{PAYMENT_ACCOUNT}/{payment_id}", timeout=30)
    found: dict[str, Any] = response.json()
    return found


def test_the_stripe_reader_pins_its_api_version_and_counts_only_a_lost_dispute():
    """Every Stripe call names the pinned `Stripe-Version` (stripe-python stripe/_api_requestor.py sends one on every
    call), so the account's default version never changes what Koppel reads. A dispute withdraws the money at once
    but counts as charged back only once lost, for the disputed amount (stripe-python stripe/_dispute.py)."""
    account = PaymentAccount(provider="stripe", account="main", source="woocommerce", shop="shop-a")
    with StripeSimulator(api_version="2020-08-27") as sim, httpx.Client(timeout=10) as http:
        reader = stripe_reader(http, sim.url, lambda _account: sim.api_key)
        headers = {"Authorization": f"Bearer {sim.api_key}"}
        form = {"amount": "3000", "currency": "eur", "metadata[order_id]": "1001"}
        intent = httpx.post(f"{sim.url}/v1/payment_intents", data=form, headers=headers).json()
        httpx.post(f"{sim.url}/_sim/payment_intents/{intent['id']}/succeed", json={})
        dispute = httpx.post(f"{sim.url}/_sim/payment_intents/{intent['id']}/dispute", json={"amount": 1000}).json()

        open_dispute = reader.read(account, intent["id"])
        httpx.post(f"{sim.url}/_sim/disputes/{dispute['id']}/status", json={"status": "lost"})
        lost = reader.read(account, intent["id"])
        versions = httpx.get(f"{sim.url}/_sim/stats").json()["versions"]

    assert open_dispute is not None
    assert lost is not None
    assert (open_dispute.charged_back, open_dispute.disputed) == (Decimal(0), Decimal("10.00"))
    assert (lost.charged_back, lost.disputed, lost.received) == (Decimal("10.00"), Decimal(0), Decimal("20.00"))
    assert set(versions) == {"", STRIPE_API_VERSION}, "only the test's own calls go unpinned"
    assert versions[STRIPE_API_VERSION] == 4, "two payment intents and two dispute lists, each pinned"


def _simple_refund(sim: MollieSimulator) -> tuple[dict[str, Any], dict[str, Any]]:
    """A paid payment, a refund of 5.00 on it, and the refund's event as a "simple" payload sends it."""
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    with Receiver() as receiver, httpx.Client(base_url=sim.api_base, headers=headers, timeout=10) as api:
        events = {"url": receiver.url, "signing_secret": "signing", "payload": "simple"}
        httpx.post(f"{sim.url}/_sim/event-webhook", json=events)
        payment = api.post(
            "/payments", json={"amount": {"currency": "EUR", "value": "30.00"}, "description": "Bestelling 1001"}
        ).json()
        httpx.post(f"{sim.url}/_sim/payments/{payment['id']}/status", json={"status": "paid"})
        api.post(f"/payments/{payment['id']}/refunds", json={"amount": {"currency": "EUR", "value": "5.00"}})
        sim.wait_for_deliveries(5)
        sent = [json.loads(each.body) for each in receiver.wait_for(2)]
    [event] = [each for each in sent if each["type"] == "refund.pending"]
    return payment, event


def test_the_mollie_reader_reads_a_simple_events_payment_at_mollie_with_an_organization_access_token():
    """A "simple" next-gen payload names only the refund (`re_`); the event read at `GET /v2/events/{id}` embeds it
    with its `paymentId` (docs.mollie.com/reference/get-webhook-event), which only an organization access token with
    `events.read` may read, not an API key: with one, the event fails naming what is needed."""
    account = PaymentAccount(provider="mollie", account="main", source="woocommerce", shop="shop-a")
    with httpx.Client(timeout=10) as http:
        with MollieSimulator(api_key="access_koppelkoppelkoppelkoppel12", time_scale=1e-5) as sim:
            payment, event = _simple_refund(sim)
            read = mollie_reader(http, sim.url, lambda _account: sim.api_key).read(account, event["id"])
        with MollieSimulator(time_scale=1e-5) as sim:
            _payment, refused_event = _simple_refund(sim)
            with pytest.raises(RequestRejected) as refused:
                mollie_reader(http, sim.url, lambda _account: sim.api_key).read(account, refused_event["id"])

    assert (event["entityId"][:3], "_embedded" in event) == ("re_", False)
    assert read is not None
    assert (read.payment_id, read.refunded) == (payment["id"], Decimal("5.00"))
    assert "organization access token" in refused.value.message
