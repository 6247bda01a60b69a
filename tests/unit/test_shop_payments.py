"""What a shop says it received becomes a payment of the order, unless a payment provider Koppel reads took it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from domain.email_digests import payer_email_digest
from domain.intake.ingest_webhook import Accepted, Delivery, receive_woocommerce
from domain.models import Order
from domain.orders.mapping import shopify, woocommerce
from domain.orders.sync_order import sync_order
from domain.payments.accounts import PaymentAccount
from domain.payments.matching import Position
from domain.payments.payment import PaymentStatus
from domain.payments.record import MatchStatus
from domain.payments.shop_payment import shop_payment
from domain.payments.shop_payments import record_shop_payment, track_unpaid
from tests.fakes import MemoryPayments, MemoryUnpaidOrders, memory_intake, memory_sync
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

PAID_AT = datetime(2026, 11, 27, 9, 5, tzinfo=UTC)
ANNA = ShopCustomer("Anna", "de Vries", "anna@example.nl", customer_id=12)
ON_ACCOUNT = frozenset({"cod", "invoice", "on_account"})
BANK_TRANSFER = ShopOrder(
    1001, ANNA, (ShopLine("KOF-1001", "Koffiebonen", 2, Decimal("12.50")),), payment_method="bacs", paid_at=PAID_AT
)


def woo(order: ShopOrder) -> Order:
    return woocommerce.to_order("shop-a", woocommerce.parse(json.dumps(order_payload(order)).encode()))


def test_a_bank_transfer_marked_paid_is_a_payment_of_the_whole_total():
    order = woo(BANK_TRANSFER)

    payment = shop_payment(order, {"mollie"}, ON_ACCOUNT)

    assert payment is not None
    assert (payment.provider, payment.account, payment.payment_id) == ("woocommerce", "shop-a", "order_1001")
    assert (payment.amount.amount, payment.amount.currency, payment.reference) == (order.total, "EUR", "1001")
    assert payment.paid_at == PAID_AT
    assert payment.received == order.total


def test_a_payment_a_provider_koppel_reads_took_is_left_to_that_provider():
    by_mollie = woo(replace(BANK_TRANSFER, payment_method="mollie_wc_gateway_ideal", transaction_id="tr_WDqYK6vllg"))
    by_stripe_charge = woo(replace(BANK_TRANSFER, payment_method="card", transaction_id="ch_3MmlLrLkdIwHu7ix"))
    paypal = woo(replace(BANK_TRANSFER, payment_method="ppcp-gateway", transaction_id="8AB12345CD678901E"))

    assert shop_payment(by_mollie, {"mollie"}, ON_ACCOUNT) is None
    assert shop_payment(by_stripe_charge, {"stripe"}, ON_ACCOUNT) is None
    assert shop_payment(by_mollie, set(), ON_ACCOUNT) is not None
    found = shop_payment(paypal, {"mollie", "stripe"}, ON_ACCOUNT)
    assert found is not None
    assert found.payment_id == "order_1001"


def test_an_order_not_paid_yet_has_no_shop_payment():
    assert shop_payment(woo(replace(BANK_TRANSFER, paid_at=None)), set(), ON_ACCOUNT) is None


def test_shopify_partially_paid_counts_what_is_not_outstanding():
    body = {
        "id": 820982911946154508,
        "name": "#1001",
        "currency": "EUR",
        "total_price": "100.00",
        "total_outstanding": "40.00",
        "financial_status": "partially_paid",
        "created_at": "2026-11-27T10:00:00+01:00",
        "updated_at": "2026-11-27T10:05:00+01:00",
        "line_items": [{"id": 1, "sku": "KOF-1001", "title": "Koffie", "quantity": 1, "price": "100.00"}],
    }
    order = shopify.to_order("shop-b", shopify.parse(json.dumps(body).encode()))

    payment = shop_payment(order, set(), ON_ACCOUNT)

    assert payment is not None
    assert (payment.amount.amount, payment.payment_id) == (Decimal("60.00"), "order_820982911946154508")


def test_the_shop_payment_is_recorded_matched_and_not_written_again_when_unchanged():
    payments = MemoryPayments()
    order = woo(BANK_TRANSFER)

    first = record_shop_payment(payments, order, set(), ON_ACCOUNT, PAID_AT)
    again = record_shop_payment(payments, order, set(), ON_ACCOUNT, datetime(2026, 11, 28, tzinfo=UTC))

    assert first is not None
    assert first.status is MatchStatus.MATCHED
    assert first.settlement is not None
    assert first.settlement.position is Position.PAID
    assert first.to_book
    assert again == first


def test_the_order_worker_records_the_shops_payment_with_the_order():
    intake, _events, queue = memory_intake()
    sync = replace(memory_sync(intake), payments=MemoryPayments())
    body, headers = signed_delivery(order_payload(BANK_TRANSFER), "s")
    accepted = receive_woocommerce(intake, Delivery("shop-a", "s", headers, body), 1 << 20)
    assert isinstance(accepted, Accepted)

    sync_order(sync, queue.messages[-1], worker="m1")

    assert sync.payments is not None
    [record] = sync.payments.for_order(woo(BANK_TRANSFER).key)
    assert (record.payment.payment_id, record.status) == ("order_1001", MatchStatus.MATCHED)


def test_an_unpaid_order_of_a_shop_a_provider_pays_is_kept_until_it_is_paid():
    unpaid_orders = MemoryUnpaidOrders()
    waiting = woo(replace(BANK_TRANSFER, paid_at=None, status="on-hold"))

    payments = MemoryPayments()
    track_unpaid(unpaid_orders, payments, waiting, providers={"mollie"})
    kept = dict(unpaid_orders.rows)
    track_unpaid(unpaid_orders, payments, woo(BANK_TRANSFER), providers={"mollie"})
    track_unpaid(unpaid_orders, payments, waiting, providers=set())

    [candidate] = kept.values()
    assert (candidate.key, candidate.total.amount) == (waiting.key, waiting.total)
    assert candidate.customer == payer_email_digest("anna@example.nl")
    assert unpaid_orders.rows == {}


def test_cash_on_delivery_is_no_payment_though_woocommerce_sets_date_paid():
    assert shop_payment(woo(replace(BANK_TRANSFER, payment_method="cod")), set(), ON_ACCOUNT) is None


def test_a_refund_in_the_shop_is_counted_on_its_payment():
    payload = order_payload(BANK_TRANSFER)
    payload["refunds"] = [{"id": 726, "reason": "", "total": "-5.00"}]
    order = woocommerce.to_order("shop-a", woocommerce.parse(json.dumps(payload).encode()))

    payment = shop_payment(order, set(), ON_ACCOUNT)

    assert payment is not None
    assert order.total is not None
    assert (payment.refunded, payment.received) == (Decimal("5.00"), order.total - Decimal("5.00"))


def test_a_payment_the_shop_no_longer_reports_counts_nothing_any_more():
    payments = MemoryPayments()
    record_shop_payment(payments, woo(BANK_TRANSFER), set(), ON_ACCOUNT, PAID_AT)
    taken = woo(replace(BANK_TRANSFER, payment_method="mollie_wc_gateway_ideal", transaction_id="tr_WDqYK6vllg"))

    withdrawn = record_shop_payment(payments, taken, {"mollie"}, ON_ACCOUNT, PAID_AT)

    assert withdrawn is not None
    assert (withdrawn.payment.status, withdrawn.payment.received) == (PaymentStatus.CANCELED, Decimal(0))
    assert withdrawn.note.startswith("the shop no longer reports this payment")


def test_an_unpaid_order_whose_recorded_payments_pay_it_is_no_candidate():
    unpaid_orders, payments = MemoryUnpaidOrders(), MemoryPayments()
    record_shop_payment(payments, woo(BANK_TRANSFER), set(), ON_ACCOUNT, PAID_AT)
    still_on_hold = woo(replace(BANK_TRANSFER, status="on-hold"))

    track_unpaid(unpaid_orders, payments, still_on_hold.model_copy(update={"paid": False}), providers={"mollie"})

    assert unpaid_orders.rows == {}


def test_a_provider_payment_the_shop_names_is_queued_to_be_read_at_the_provider():
    intake, _events, queue = memory_intake()
    payment_intake, _payment_events, payment_queue = memory_intake()
    mollie = PaymentAccount(provider="mollie", account="main", source="woocommerce", shop="shop-a")
    base = memory_sync(intake)
    policy = replace(base.policy, payment_accounts={"woocommerce:shop-a": (mollie,)})
    sync = replace(base, payments=MemoryPayments(), payment_intake=payment_intake, policy=policy)
    by_plugin = replace(BANK_TRANSFER, payment_method="mollie_wc_gateway_ideal", transaction_id="tr_WDqYK6vllg")
    for version in (by_plugin, replace(by_plugin, status="completed")):
        body, headers = signed_delivery(order_payload(version), "s")
        receive_woocommerce(intake, Delivery("shop-a", "s", headers, body), 1 << 20)
        sync_order(sync, queue.messages[-1], worker="m1")

    assert {(str(m.stream), m.event_id) for m in payment_queue.messages} == {
        ("mollie:main:tr_WDqYK6vllg", payment_queue.messages[0].event_id)
    }
    assert sync.payments is not None
    assert sync.payments.for_order(woo(by_plugin).key) == []
