"""Refunds made in the shop, on shops whose refunds start in the shop (the default origin). WooCommerce's credit
memos Koppel posts (KOPPEL_WOOCOMMERCE_CREDIT_MEMOS_SHOP_A=post): the order is placed in the WooCommerce simulator,
paid through Mollie, invoiced and booked in BC; the shop owner refunds an article and the shipping in WooCommerce,
whose Mollie plugin refunds at Mollie. Koppel makes one BC credit memo for it, priced from the invoice, posts it,
and books Mollie's refund against it: the customer owes nothing and nothing is credited twice. Shopify's are left
as drafts for a person (the default)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from localdev.demo_returns import credits_finished, dossier_at, shop_refunds_done
from localdev.mollie_payments import mollie_call
from localdev.simulators.businesscentral.seed import NOT_RETURNED_ACCOUNT_NUMBER
from localdev.stack import LocalStack
from tests.integration.conftest import running_stack
from tests.integration.payment_flow import paid_invoiced_and_booked
from tests.integration.shopify_refunds import credit_memos_of, invoiced_shopify_order, refund_one_unit_in_admin
from tests.integration.support import dossier, wait_for, woo_call

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """The integration stack with shop-a's credit memos posted by Koppel and Koppel's refund API page (whose refund
    lines book Mollie's refund against the credit memo); the booking timer (which the shop refunds run on) every 2
    seconds."""
    yield from running_stack(
        KOPPEL_BC_REFUND_API="koppel/payments/v1.0",
        KOPPEL_WOOCOMMERCE_CREDIT_MEMOS_SHOP_A="post",
        KOPPEL_BOOKING_SCHEDULE="*/2 * * * * *",
        KOPPEL_BC_REFUNDED_NOT_RETURNED_ACCOUNT=NOT_RETURNED_ACCOUNT_NUMBER,
    )


def _refund_in_shop(stack: LocalStack, order_id: int) -> dict[str, Any]:
    """The shop owner refunds one unit of the first line and the shipping, tax included, as WooCommerce's refund
    screen sends it (its gateway asked to pay it back)."""
    order = woo_call(stack, "GET", f"/orders/{order_id}")
    line, shipping = order["line_items"][0], order["shipping_lines"][0]
    unit = Decimal(str(line["total"])) / Decimal(str(line["quantity"]))
    unit_tax = Decimal(str(line["total_tax"])) / Decimal(str(line["quantity"]))
    items = [
        _refunded(line, Decimal(1), unit.quantize(CENT), unit_tax.quantize(CENT)),
        _refunded(shipping, None, Decimal(str(shipping["total"])), Decimal(str(shipping["total_tax"]))),
    ]
    amount = sum((Decimal(each["refund_total"]) + _tax(each) for each in items), Decimal(0))
    body = {"amount": f"{amount:.2f}", "reason": "one article back", "line_items": items}
    refund: dict[str, Any] = woo_call(stack, "POST", f"/orders/{order_id}/refunds", body)
    return refund


def _refunded(item: dict[str, Any], quantity: Decimal | None, total: Decimal, tax: Decimal) -> dict[str, Any]:
    taxes = item.get("taxes") or [{"id": 1}]
    asked: dict[str, Any] = {
        "id": item["id"],
        "refund_total": f"{total:.2f}",
        "refund_tax": [{"id": taxes[0]["id"], "refund_total": f"{tax:.2f}"}],
    }
    return asked | ({"quantity": int(quantity)} if quantity is not None else {})


def _tax(asked: dict[str, Any]) -> Decimal:
    return sum((Decimal(each["refund_total"]) for each in asked["refund_tax"]), Decimal(0))


def _credited(stack: LocalStack, order_id: int, count: int) -> list[dict[str, Any]]:
    def done() -> list[dict[str, Any]] | None:
        credits: list[dict[str, Any]] = dossier(stack, order_id).json()["shop_refunds"]
        return credits if len(credits) == count and credits_finished(credits) else None

    return wait_for(done, timeout=60)


def test_a_refund_made_in_the_shop_becomes_one_posted_credit_memo_that_mollies_refund_pays_back(stack: LocalStack):
    order_id, payment_id, invoice = paid_invoiced_and_booked(stack)

    refund = _refund_in_shop(stack, order_id)
    mollie_call(
        stack, "POST", f"/v2/payments/{payment_id}/refunds", {"amount": {"currency": "EUR", "value": refund["amount"]}}
    )

    [credit] = _credited(stack, order_id, 1)
    assert (credit["state"], credit["refund_id"], credit["problem"]) == ("posted", str(refund["id"]), "")
    [memo] = credit_memos_of(stack, invoice["external_document_number"])
    assert Decimal(str(memo["totalAmountIncludingTax"])) == Decimal(refund["amount"])
    lines = stack.bc_probe().all(f"salesCreditMemos({memo['id']})/salesCreditMemoLines")
    assert [line["lineType"] for line in lines] == ["Comment", "Comment", "Item", "Account"]
    assert lines[0]["description"].startswith(f"Koppel: woocommerce refund {refund['id']}")

    def paid_back() -> dict[str, Any] | None:
        found: dict[str, Any] = stack.bc_probe().get(f"salesCreditMemos({memo['id']})")
        return found if found["status"] == "Paid" else None

    wait_for(paid_back, timeout=60)
    in_bc = stack.bc_probe().get(f"salesInvoices({invoice['id']})")
    assert stack.bc_probe().get(f"customers({in_bc['customerId']})")["balanceDue"] == 0
    shown = dossier(stack, order_id).json()
    assert (shown["status"], shown["problem"]) == ("in_bc", ""), "the refund's order.updated parks nothing"


def test_koppels_own_record_of_a_refund_and_a_second_delivery_credit_nothing_again(stack: LocalStack):
    order_id, _, invoice = paid_invoiced_and_booked(stack)
    refund = _refund_in_shop(stack, order_id)
    _credited(stack, order_id, 1)

    own = woo_call(
        stack,
        "POST",
        f"/orders/{order_id}/refunds",
        {"amount": "1.00", "api_refund": False, "meta_data": [{"key": "_koppel_refund", "value": "koppel-cm-x"}]},
    )
    credits = _credited(stack, order_id, 2)

    states = {each["refund_id"]: each["state"] for each in credits}
    assert states == {str(refund["id"]): "posted", str(own["id"]): "not_credited"}
    assert len(credit_memos_of(stack, invoice["external_document_number"])) == 1


def test_a_refund_made_in_shopifys_admin_becomes_one_draft_credit_memo_for_a_person(stack: LocalStack):
    """shop-b's credit memos are left as drafts (the default): the returned article on an item line at the
    invoice's price, the total the refund's to the cent."""
    host = httpx.Client(base_url=stack.host_url, timeout=30)
    order = invoiced_shopify_order(stack, host)
    path, in_bc = order.path, order.in_bc

    refund = refund_one_unit_in_admin(stack, order.placed)

    done = wait_for(lambda: dossier_at(host, path, shop_refunds_done), 60)
    [credit] = done["shop_refunds"]
    assert (credit["state"], credit["refund_id"], credit["problem"]) == ("drafted", str(refund["id"]), "")
    [memo] = credit_memos_of(stack, in_bc["bc_document"]["external_document_number"])
    assert memo["status"] == "Draft"
    lines = stack.bc_probe().all(f"salesCreditMemos({memo['id']})/salesCreditMemoLines")
    assert [(each["lineType"], each["quantity"]) for each in lines] == [("Comment", 0), ("Comment", 0), ("Item", 1)]
    assert abs(Decimal(str(memo["totalAmountIncludingTax"])) - Decimal(credit["refunded"]["amount"])) <= CENT


def test_a_unit_refunded_in_shopifys_admin_without_restock_is_credited_on_the_not_returned_account_at_its_vat(
    stack: LocalStack,
):
    """BC serves the invoice line's taxCode as its VAT Identifier (VAT21 in the simulator): Koppel sends the VAT Prod.
    Posting Group whose setup has it at that VAT % (HOOG), read from page 472."""
    host = httpx.Client(base_url=stack.host_url, timeout=30)
    order = invoiced_shopify_order(stack, host)
    assert stack.shopify is not None
    placed = order.placed
    kept = {"line_item_id": placed["line_items"][0]["id"], "quantity": 1, "restock_type": "no_restock"}
    httpx.post(f"{stack.shopify.url}/_sim/orders/{placed['id']}/refunds", json={"line_items": [kept]}, timeout=30)

    done = wait_for(lambda: dossier_at(host, order.path, shop_refunds_done), 60)
    [credit] = done["shop_refunds"]
    assert (credit["state"], credit["problem"]) == ("drafted", "")
    [memo] = credit_memos_of(stack, order.in_bc["bc_document"]["external_document_number"])
    lines = stack.bc_probe().all(f"salesCreditMemos({memo['id']})/salesCreditMemoLines")
    [line] = [each for each in lines if each["lineType"] == "Account"]
    assert (line["lineObjectNumber"], line["quantity"], line["taxCode"]) == (NOT_RETURNED_ACCOUNT_NUMBER, 1, "VAT21")
    assert line["taxPercent"] == 21
