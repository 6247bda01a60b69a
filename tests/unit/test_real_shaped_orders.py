"""Orders in the shapes the vendors publish (issue 10, items 11, 16, 20, 24), read by Koppel's channels.

The official examples are read from ../shared/official-fixtures/ where they are (never copied; see its README).
Shapes named in tests: WooCommerce's orders controller (woocommerce/woocommerce plugins/woocommerce/includes/
rest-api/Controllers/Version2/class-wc-rest-orders-v2-controller.php, get_order_item_data: `sku` is the product's
SKU or null when the product is gone); Shopify's REST Admin Order resource (https://shopify.dev/docs/api/admin-rest/
latest/resources/order: `current_quantity`, `current_total_price`, `current_total_tax`, `total_outstanding`).
Tests that change an example beyond what the fixtures' README allows (SKUs, ids, status, currency) say what they
change: those are shapes written from the vendor's documented fields, on top of the vendor's example.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import PermanentError
from domain.intake.channels import CHANNELS
from domain.intake.ingest_webhook import Accepted, Delivery, receive_woocommerce
from domain.models import Order, OrderStatus, Party
from domain.orders.customers import resolve_customer
from domain.orders.mapping import shopify
from domain.orders.rules.totals import totals_problem
from domain.orders.sync_order import sync_order
from tests.fakes import FakeBusinessCentral, MemoryBindings, draft_sales_order, memory_intake, memory_sync
from tests.official_fixtures import fixture_names, official
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

SECRET = "s"


def _read(source: str, body: dict[str, Any]) -> Order:
    raw = json.dumps(body).encode()
    CHANNELS[source].identify(raw, {"x-shopify-webhook-id": "d-1"})
    return CHANNELS[source].read("shop-a", raw)


@pytest.mark.parametrize("name", fixture_names())
def test_every_official_example_order_is_read(name: str):
    order = _read("woocommerce" if name.startswith("woo-") else "shopify", official(name))
    assert order.lines or order.charges


def test_a_woocommerce_line_whose_product_was_deleted_is_read_with_no_sku_and_its_product_named():
    body = official("woo-ios-211-order-with-charge.json")
    body["line_items"][0]["sku"] = None  # what the orders controller renders once product 16 is deleted

    order = _read("woocommerce", body)

    assert order.lines[0].sku == ""
    assert order.lines[0].shop_product_id == "16"


def test_a_woocommerce_simple_payment_is_a_fee_without_products():
    order = _read("woocommerce", official("woo-ios-630-simple-payment.json"))

    assert order.lines == ()
    assert [(c.kind, c.description, c.amount) for c in order.charges] == [("fee", "Simple Payments", Decimal("5.00"))]
    assert order.total == Decimal("5.00")


def test_a_woocommerce_negative_fee_carries_negative_tax():
    body = official("woo-ios-211-order-with-charge.json")
    # added: a negative fee line as WooCommerce renders one (fee_lines[].total and total_tax, both negative)
    body["fee_lines"] = [{"id": 9, "name": "Korting", "total": "-4.13", "total_tax": "-0.87", "taxes": []}]

    order = _read("woocommerce", body)

    assert order.charges[-1].amount == Decimal("-5.00")  # prices include tax in this order


def test_a_woocommerce_simple_payment_of_nothing_is_an_order_without_lines_or_charges():
    """Accepted, never refused: WooCommerce counts every answer other than 2xx towards disabling its webhook. A zero
    fee is no charge for BC (it is left off the document); the worker leaves such an order out of BC."""
    body = official("woo-ios-630-simple-payment.json")
    body["fee_lines"][0] |= {"total": "0.00", "total_tax": "0.00"}  # changed: the example's 5.00 fee made zero
    order = _read("woocommerce", body)

    assert (order.lines, order.charges) == ((), ())


def test_a_refunded_shopify_line_keeps_its_current_quantity_and_the_totals_are_the_current_ones():
    """450789469: two of three lines refunded (current_quantity 0); total_price 598.94 is what was first ordered."""
    order = _read("shopify", official("shopify-rest-450789469-get.json"))

    assert [(line.sku, line.quantity, line.discount_amount) for line in order.lines] == [
        ("IPOD2008RED", Decimal(1), Decimal("3.33"))
    ]
    assert (order.total, order.total_tax) == (Decimal("199.65"), Decimal("3.98"))
    assert order.refunded_amount == Decimal("209.00")


def test_a_shopify_orders_refunds_are_read_with_their_exact_ids():
    body = official("shopify-rest-450789469-get.json")  # one refund, 509562969
    # added: a second refund as the REST order renders one, with an id beyond 2^53 and no transactions
    body["refunds"].append({"id": 9007199254740993, "note": "", "transactions": [], "refund_line_items": []})

    order = _read("shopify", body)

    assert order.refund_ids == ("509562969", "9007199254740993")
    assert order.refunded_amount == Decimal("209.00")


def test_a_shopify_discount_falls_on_the_current_quantity_only():
    body = official("shopify-rest-1073459981-create-discount.json")
    line = body["line_items"][0]
    # changed: three bought, two taken off by an order edit, the discount allocated for the three kept
    line |= {"quantity": 3, "current_quantity": 1, "discount_allocations": [{"amount": "30.00"}]}

    order = _read("shopify", body)

    assert (order.lines[0].quantity, order.lines[0].discount_amount) == (Decimal(1), Decimal("10.00"))


def test_a_shopify_order_paid_more_than_it_now_comes_to_is_read():
    """An edit took a line off after payment: Shopify owes the buyer, total_outstanding is negative."""
    body = official("shopify-rest-1073459981-create-discount.json")
    body |= {"current_total_price": "131.09", "total_outstanding": "-50.00"}  # changed: 50.00 taken off after payment

    order = _read("shopify", body)

    assert order.total == Decimal("131.09")
    assert order.paid_amount == Decimal("181.09")


def test_a_shopify_partially_refunded_order_is_paid():
    parsed = shopify.parse(json.dumps(official("shopify-rest-450789469-get.json")).encode())
    assert shopify.to_order("shop-a", parsed).paid is True


def test_a_totals_difference_in_the_vat_split_names_the_amounts_that_differ_with_both_values():
    order = _read("woocommerce", official("woo-ios-211-order-with-charge.json"))  # 33.30 of which 0.65 VAT

    problem = totals_problem(order, draft_sales_order("27.52", "5.78", "33.30"), Decimal("0.02"))

    assert "excl. VAT: web 32.65, BC 27.52" in problem
    assert "VAT: web 0.65, BC 5.78" in problem
    assert "incl. VAT" not in problem


def _receive(intake, order: ShopOrder):
    body, headers = signed_delivery(order_payload(order), SECRET)
    accepted = receive_woocommerce(intake, Delivery("shop-a", SECRET, headers, body), 1 << 20)
    assert isinstance(accepted, Accepted)
    return intake.queue.messages[-1]


def test_a_bc_order_of_the_same_number_whose_vat_split_differs_is_parked_naming_what_differs():
    """Item 20: the reason once read "its total 220.16 is not the web order's 220.16"."""
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    order = ShopOrder(
        1001, ShopCustomer("Anna", "de Vries", "anna@example.nl"), (ShopLine("KOF-1001", "K", 2, Decimal("12.50")),)
    )
    total = Decimal(order_payload(order)["total"])
    bc.orders["1001"] = draft_sales_order(excluding=f"{total}", tax="0.00", including=f"{total}")

    record = sync_order(memory_sync(intake, bc), _receive(intake, order), "m1")

    assert record.status is OrderStatus.NEEDS_ATTENTION
    assert f"excl. VAT: web {total - Decimal(order_payload(order)['total_tax'])}, BC {total}" in record.problem
    assert f"VAT: web {order_payload(order)['total_tax']}, BC 0.00" in record.problem
    assert "is not the web order's" not in record.problem


def _anonymous_order() -> Order:
    return _read("shopify", official("shopify-rest-1073459976-create-eur.json"))


def test_a_buyer_without_e_mail_or_name_goes_to_the_default_customer():
    bc = FakeBusinessCentral()
    customer = resolve_customer(bc, MemoryBindings(), _anonymous_order(), "C10000")
    assert customer.number == "C10000"
    assert not bc.created_customers


def test_a_buyer_without_e_mail_or_name_and_no_default_customer_parks_the_order_instead_of_a_nameless_customer():
    bc = FakeBusinessCentral()
    with pytest.raises(PermanentError, match="KOPPEL_BC_DEFAULT_CUSTOMER"):
        resolve_customer(bc, MemoryBindings(), _anonymous_order(), None)
    assert not bc.created_customers


def test_a_guest_with_a_name_but_no_e_mail_still_becomes_a_customer():
    bc = FakeBusinessCentral()
    order = _anonymous_order()
    named = order.model_copy(
        update={"customer": Party(billing=order.customer.billing.model_copy(update={"name": "Bo"}))}
    )
    resolve_customer(bc, MemoryBindings(), named, None)
    assert len(bc.created_customers) == 1


def test_a_woocommerce_orders_refunds_are_read_with_their_ids_and_what_they_gave_back():
    """The order's `refunds` entries as WooCommerce renders them: id, reason, total negative."""
    body = official("woo-ios-211-order-with-charge.json")
    body["refunds"] = [{"id": 9002, "reason": "", "total": "-2.50"}, {"id": 9001, "reason": "broken", "total": "-5"}]

    order = _read("woocommerce", body)

    assert (order.refund_ids, order.refunded_amount) == (("9002", "9001"), Decimal("7.50"))
