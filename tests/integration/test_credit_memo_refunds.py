"""Returns handled in BC, on a shop whose refunds come from BC (KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_SHOP_A=bc): the
order is placed in the WooCommerce simulator, paid through Mollie, invoiced and booked in BC; a person posts a
credit memo in BC; Koppel refunds it at Mollie once, the refund is booked against the credit memo (the customer owes
nothing), and the shop records the refund without asking its gateway to pay anything."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from localdev.mollie_payments import mollie_call
from localdev.stack import LocalStack
from tests.integration.conftest import running_stack
from tests.integration.payment_flow import paid_invoiced_and_booked
from tests.integration.support import dossier, wait_for


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """The integration stack with Koppel's refund API page and shop-a's refunds coming from BC; the booking timer
    (which the refunds run on) every 2 seconds."""
    yield from running_stack(
        KOPPEL_BC_REFUND_API="koppel/payments/v1.0",
        KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_SHOP_A="bc",
        KOPPEL_BOOKING_SCHEDULE="*/2 * * * * *",
    )


def _credit(stack: LocalStack, invoice: dict[str, Any], amount: Decimal | None = None) -> dict[str, Any]:
    """A person posts a credit memo for (part of) the invoice, as a return received in BC ends."""
    assert stack.bc is not None
    body: dict[str, Any] = {"apply": False} | ({"amount": float(amount)} if amount is not None else {})
    memo: dict[str, Any] = httpx.post(
        f"{stack.bc.url}/_sim/salesInvoices/{invoice['id']}/creditMemo", json=body, timeout=30
    ).json()
    return memo


def _refunds_done(stack: LocalStack, order_id: int, count: int) -> list[dict[str, Any]]:
    def done() -> list[dict[str, Any]] | None:
        refunds: list[dict[str, Any]] = dossier(stack, order_id).json()["refunds"]
        finished = len(refunds) == count and all(each["state"] == "done" for each in refunds)
        return refunds if finished else None

    return wait_for(done, timeout=60)


def _credit_memos_paid_back(stack: LocalStack, order_id: int, memos: list[dict[str, Any]]) -> None:
    """The refunds booked against the credit memos: each is Paid in BC."""
    probe = stack.bc_probe()

    def paid() -> bool | None:
        statuses = [probe.get(f"salesCreditMemos({memo['id']})")["status"] for memo in memos]
        return True if statuses == ["Paid"] * len(memos) else None

    wait_for(paid, timeout=60)


def _shop_refunds(stack: LocalStack, order_id: int) -> list[dict[str, Any]]:
    woo = stack.woocommerce
    assert woo is not None
    answer = httpx.get(
        f"{woo.api_base}/orders/{order_id}/refunds", auth=(woo.consumer_key, woo.consumer_secret), timeout=30
    )
    answer.raise_for_status()
    refunds: list[dict[str, Any]] = answer.json()
    return refunds


def test_a_credit_memo_posted_in_bc_is_refunded_at_mollie_once_booked_and_recorded_in_the_shop(stack: LocalStack):
    order_id, payment_id, invoice = paid_invoiced_and_booked(stack)

    memo = _credit(stack, invoice)

    [refund] = _refunds_done(stack, order_id, 1)
    at_mollie = mollie_call(stack, "GET", f"/v2/payments/{payment_id}/refunds")["_embedded"]["refunds"]
    assert [(each["amount"]["value"], each["metadata"]) for each in at_mollie] == [
        (
            f"{Decimal(str(memo['totalAmountIncludingTax'])):.2f}",
            {"koppel_refund": f"koppel-cm-{memo['id']}-{payment_id}"},
        )
    ]
    assert refund["credit_memo_number"] == memo["number"]
    _credit_memos_paid_back(stack, order_id, [memo])
    probe = stack.bc_probe()
    in_bc = probe.get(f"salesInvoices({invoice['id']})")
    customer = probe.get(f"customers({in_bc['customerId']})")
    assert customer["balanceDue"] == 0
    [in_shop] = _shop_refunds(stack, order_id)
    assert Decimal(in_shop["amount"]) == Decimal(str(memo["totalAmountIncludingTax"]))
    assert in_shop["refunded_payment"] is False, "the shop's gateway was not asked to pay it again"
    shown = httpx.get(f"{stack.host_url}/api/orders/woocommerce/shop-a/{order_id}/status", timeout=30).json()
    assert (shown["returned"], shown["refunded"]) == (True, True)


def test_two_partial_credit_memos_are_refunded_each_once_and_never_more_than_was_paid(stack: LocalStack):
    order_id, payment_id, invoice = paid_invoiced_and_booked(stack)
    total = Decimal(str(invoice["total_including_tax"]))

    first = _credit(stack, invoice, Decimal("10.00"))
    _refunds_done(stack, order_id, 1)
    second = _credit(stack, invoice, total - Decimal("10.00"))
    _refunds_done(stack, order_id, 2)

    payment = mollie_call(stack, "GET", f"/v2/payments/{payment_id}")
    assert Decimal(payment["amountRefunded"]["value"]) == total
    assert Decimal(payment["amountRemaining"]["value"]) == 0
    _credit_memos_paid_back(stack, order_id, [first, second])
    assert sorted(Decimal(each["amount"]) for each in _shop_refunds(stack, order_id)) == sorted(
        [Decimal("10.00"), total - Decimal("10.00")]
    )


def test_a_refund_made_at_mollie_outside_koppel_is_put_before_a_person_and_never_refunded_again(stack: LocalStack):
    """On a shop whose refunds come from BC, the shop owner refunds in Mollie's dashboard anyway, then BC gets its
    credit memo: Koppel refunds nothing more (the booking run books the dashboard's refund against the credit memo)
    and lists it for a person when it saw the credit memo still open (else the credit memo is paid back already)."""
    order_id, payment_id, invoice = paid_invoiced_and_booked(stack)
    mollie_call(stack, "POST", f"/v2/payments/{payment_id}/refunds", {"amount": {"currency": "EUR", "value": "5.00"}})

    memo = _credit(stack, invoice, Decimal("5.00"))

    _credit_memos_paid_back(stack, order_id, [memo])

    def taken_on() -> list[dict[str, Any]] | None:
        refunds: list[dict[str, Any]] = dossier(stack, order_id).json()["refunds"]
        return refunds if [each["state"] for each in refunds] in (["needs_attention"], ["not_koppels"]) else None

    [refund] = wait_for(taken_on, timeout=30)
    if refund["state"] == "needs_attention":
        assert "outside Koppel" in refund["problem"]
        listed = httpx.get(f"{stack.host_url}/api/ops/refunds", timeout=30).json()["refunds"]
        assert memo["id"] in {each["credit_memo_id"] for each in listed}
    at_mollie = mollie_call(stack, "GET", f"/v2/payments/{payment_id}/refunds")["_embedded"]["refunds"]
    assert [each["amount"]["value"] for each in at_mollie] == ["5.00"], "one refund, the dashboard's"
