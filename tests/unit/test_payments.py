"""Worked examples: payments read from Mollie and Stripe, the order they name, and where an order stands."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain.email_digests import payer_email_digest
from domain.errors import RequestRejected
from domain.models import WebOrderKey
from domain.payments import mollie, stripe
from domain.payments.matching import Position, order_key, reference, settlement
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.payments.record import MatchStatus, PaymentRecord

EUR_30 = Money(amount=Decimal("30.00"), currency="EUR")


def mollie_payment(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resource": "payment",
        "id": "tr_WDqYK6vllg",
        "mode": "test",
        "createdAt": "2026-11-29T09:58:01+00:00",
        "amount": {"currency": "EUR", "value": "30.00"},
        "description": "Bestelling 1001",
        "method": "ideal",
        "metadata": {"order_id": "1001"},
        "status": "paid",
        "paidAt": "2026-11-29T09:59:12+00:00",
    }
    return body | changes


def _paid(value: str, currency: str = "EUR", refunded: str = "0", status: str = "paid") -> Payment:
    return Payment(
        provider="mollie",
        account="main",
        payment_id="tr_1",
        status=PaymentStatus(status),
        amount=Money(amount=Decimal(value), currency=currency),
        refunded=Decimal(refunded),
        created_at=datetime(2026, 11, 29, tzinfo=UTC),
    )


def test_a_mollie_payment_keeps_its_amount_as_a_decimal_with_its_currency_and_names_its_order():
    found = mollie.payment("main", mollie_payment(amountRefunded={"currency": "EUR", "value": "5.50"}))

    assert (found.payment_id, found.status, found.amount) == ("tr_WDqYK6vllg", PaymentStatus.PAID, EUR_30)
    assert (found.refunded, found.received, found.reference) == (Decimal("5.50"), Decimal("24.50"), "1001")
    assert found.paid_at == datetime(2026, 11, 29, 9, 59, 12, tzinfo=UTC)


def test_the_mollie_payer_is_the_billing_address_email_and_billing_email_is_never_read():
    """Mollie's Payment has `billingAddress` (with `email`) and no `billingEmail`, which is only a creation parameter
    of bank transfers (mollie/mollie-api-python mollie/api/objects/payment.py; docs.mollie.com/reference/
    extra-payment-parameters)."""
    with_address = mollie_payment(billingAddress={"givenName": "Bram", "email": " Bram@Example.nl"})
    with_email_only = mollie_payment(billingEmail="bram@example.nl")

    assert mollie.payment("main", with_address).customer == payer_email_digest("bram@example.nl")
    assert mollie.payment("main", with_email_only).customer == ""
    assert mollie.payment("main", mollie_payment(billingAddress={"country": "NL"})).customer == ""


@pytest.mark.parametrize(
    "broken",
    [{"amount": {"currency": "EUR", "value": "dertig"}}, {"status": "kwijt"}, {"id": None}, {"amount": "30.00"}],
)
def test_what_is_not_a_mollie_payment_is_refused_as_malformed(broken: dict[str, Any]):
    with pytest.raises(RequestRejected, match="not a Mollie payment"):
        mollie.payment("main", mollie_payment(**broken))


REFUND = {"resource": "refund", "id": "re_4qqhO89gsT", "paymentId": "tr_5B8cwPMGnU6qLbRvo7qEZo"}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"entityId": "tr_WDqYK6vllg"}, "tr_WDqYK6vllg"),
        ({"entityId": "re_4qqhO89gsT", "_embedded": {"entity": REFUND}}, REFUND["paymentId"]),
        ({"entityId": "re_4qqhO89gsT", "_embedded": {"refund": REFUND}}, REFUND["paymentId"]),
        ({"entityId": "re_4qqhO89gsT", "_embedded": {"entity": {"paymentId": "tr_NoResource1"}}}, None),
        ({"entityId": "re_4qqhO89gsT"}, None),
        (
            {
                "entityId": "pl_4Y0eZitmBnQ5jsBYZIBw",
                "_embedded": {"entity": {"id": "pl_4Y0", "resource": "payment-link"}},
            },
            None,
        ),
    ],
    ids=["payment", "refund", "any-key", "no-resource", "simple", "payment-link"],
)
def test_the_payment_a_mollie_event_is_about(event: dict[str, Any], expected: str | None):
    """The embedded entity is the first under any `_embedded` key that has an `id` and a `resource`
    (mollie/mollie-api-php src/Webhooks/WebhookEventMapper.php createWebhookEntityFromPayload); a refund's or a
    chargeback's payment is its `paymentId` (docs.mollie.com/reference/refunds-api-webhooks)."""
    assert mollie.event_payment(event) == expected


def test_a_stripe_payment_intent_in_cents_and_a_refund_on_its_charge():
    intent = {
        "id": "pi_3Q",
        "object": "payment_intent",
        "amount": 3000,
        "currency": "eur",
        "status": "succeeded",
        "created": 1_796_032_800,
        "metadata": {"order_id": "1001"},
        "latest_charge": {"id": "ch_1", "amount": 3000, "amount_refunded": 1050, "disputed": False},
    }

    found = stripe.payment("main", intent)

    assert (found.amount, found.refunded, found.received, found.reference) == (
        EUR_30,
        Decimal("10.50"),
        Decimal("19.50"),
        "1001",
    )
    assert stripe.minor_units(1050, "jpy") == Decimal(1050)
    assert stripe.payment("main", intent | {"status": "processing"}).status is PaymentStatus.PENDING


def _dispute(status: str, amount: int) -> dict[str, Any]:
    return {"id": f"dp_{status}", "object": "dispute", "amount": amount, "currency": "eur", "status": status}


@pytest.mark.parametrize(
    ("disputes", "charged_back", "disputed"),
    [
        ([_dispute("lost", 1000)], "10.00", "0"),
        ([_dispute("won", 3000)], "0", "0"),
        ([_dispute("needs_response", 3000)], "0", "30.00"),
        ([_dispute("under_review", 1200)], "0", "12.00"),
        ([_dispute("warning_needs_response", 3000)], "0", "30.00"),
        ([_dispute("warning_closed", 3000)], "0", "0"),
        ([_dispute("prevented", 3000)], "0", "0"),
    ],
)
def test_a_stripe_charge_counts_as_charged_back_only_for_a_lost_dispute_for_its_amount(
    disputes: list[dict[str, Any]], charged_back: str, disputed: str
):
    """Dispute.status and Dispute.amount (the disputed amount, which may differ from the charge's) as stripe-python
    stripe/_dispute.py has them; `charge.disputed` stays true after a dispute is won (stripe/_charge.py). An inquiry
    (`warning_*`) withdraws nothing; an open dispute is shown, not counted."""
    intent = {
        "id": "pi_3Q",
        "object": "payment_intent",
        "amount": 3000,
        "currency": "eur",
        "status": "succeeded",
        "created": 1_796_032_800,
        "latest_charge": {"id": "ch_1", "amount": 3000, "amount_refunded": 0, "disputed": True},
    }

    found = stripe.payment("main", intent, disputes)

    assert (found.charged_back, found.disputed) == (Decimal(charged_back), Decimal(disputed))
    assert stripe.disputed(intent) is True


@pytest.mark.parametrize(
    ("metadata", "description", "expected"),
    [
        ({"order_id": 1001}, "", "1001"),
        ({"orderNumber": "WEB-77"}, "Order 1", "WEB-77"),
        (None, "Bestelling #1002 bij Koffiebranderij", "1002"),
        ({}, "Order nr. 1003", "1003"),
        ({"order_id": True}, "koffie", ""),
    ],
)
def test_the_order_a_payment_names(metadata: dict[str, Any] | None, description: str, expected: str):
    assert reference(metadata, description) == expected


def test_the_order_key_is_the_shop_of_the_provider_account_and_the_reference():
    payment = _paid("30.00").model_copy(update={"reference": "1001"})

    assert order_key(payment, "woocommerce", "shop-a") == WebOrderKey(
        source="woocommerce", shop="shop-a", order_id="1001"
    )
    assert order_key(payment.model_copy(update={"reference": ""}), "woocommerce", "shop-a") is None
    assert order_key(payment.model_copy(update={"reference": "a/b"}), "woocommerce", "shop-a") is None


def test_an_order_is_paid_by_the_sum_of_its_payments_less_refunds():
    """30.00 owed: 10 + 20 pays it; 10 alone is partial; 10 + 25 over by 5; 35 with 5 refunded pays it exactly;
    an open or failed payment brings nothing."""
    assert settlement(Decimal("30.00"), "EUR", [_paid("10"), _paid("20")]).position is Position.PAID
    assert settlement(Decimal("30.00"), "EUR", [_paid("10")]).difference == Decimal("20.00")
    over = settlement(Decimal("30.00"), "EUR", [_paid("10"), _paid("25")])
    assert (over.position, over.difference, over.needs_a_person) == (Position.OVERPAID, Decimal("-5.00"), True)
    assert settlement(Decimal("30.00"), "EUR", [_paid("35", refunded="5")]).position is Position.PAID
    assert (
        settlement(Decimal("30.00"), "EUR", [_paid("30", status="open"), _paid("30", status="failed")]).position
        is Position.UNPAID
    )


def test_a_payment_just_read_counts_in_place_of_its_recorded_version():
    """Recorded: tr_1 paid 10, tr_2 paid 20; tr_2 read again with 20 refunded counts as it is now, once; the
    order's currency is read whatever its case."""
    recorded = [_paid("10"), _paid("20").model_copy(update={"payment_id": "tr_2"})]
    refunded = _paid("20", refunded="20").model_copy(update={"payment_id": "tr_2"})

    standing = settlement(Decimal("30.00"), "eur", recorded, counting=refunded)

    assert (standing.position, standing.received, standing.total) == (Position.PARTLY_PAID, Decimal("10"), EUR_30)


def test_a_payment_in_another_currency_is_for_a_person_whatever_the_sums():
    mismatch = settlement(Decimal("30.00"), "EUR", [_paid("30", currency="USD")])

    assert (mismatch.position, mismatch.received, mismatch.needs_a_person) == (
        Position.CURRENCY_MISMATCH,
        Decimal(0),
        True,
    )


def test_a_records_state_change_is_validated_so_a_wrong_value_is_refused_not_stored():
    now = datetime(2026, 11, 29, tzinfo=UTC)
    record = PaymentRecord(payment=_paid("30"), status=MatchStatus.MATCHED, first_seen_at=now, updated_at=now)

    assert record.parked("booked by hand", now).booking_problem == "booked by hand"
    with pytest.raises(ValidationError):
        record.parked(["not", "a", "reason"], now)  # type: ignore[arg-type]
