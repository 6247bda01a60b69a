"""What a shop says it received becomes a payment of the order, unless a payment provider Koppel reads took it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from domain.mapping import shopify, woocommerce
from domain.models import Order
from domain.payments.matching import Position
from domain.payments.payment import customer_digest
from domain.payments.record import MatchStatus
from domain.payments.shop_payment import shop_payment
from domain.services.ingest_webhook import Accepted, Delivery, receive_woocommerce
from domain.services.shop_payments import record_shop_payment, track_unpaid
from domain.services.sync_order import sync_order
from localdev.shop.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery
from tests.fakes import MemoryPayments, MemoryUnpaidOrders, memory_intake, memory_sync

PAID_AT = datetime(2026, 11, 27, 9, 5, tzinfo=UTC)
ANNA = ShopCustomer("Anna", "de Vries", "anna@example.nl", customer_id=12)
BANK_TRANSFER = ShopOrder(
    1001, ANNA, (ShopLine("KOF-1001", "Koffiebonen", 2, Decimal("12.50")),), payment_method="bacs", paid_at=PAID_AT
)


def woo(order: ShopOrder) -> Order:
    return woocommerce.to_order("shop-a", woocommerce.parse(json.dumps(order_payload(order)).encode()))


def test_a_bank_transfer_marked_paid_is_a_payment_of_the_whole_total():
    order = woo(BANK_TRANSFER)

    payment = shop_payment(order, providers={"mollie"})

    assert payment is not None
    assert (payment.provider, payment.account, payment.payment_id) == ("woocommerce", "shop-a", "order_1001")
    assert (payment.amount.amount, payment.amount.currency, payment.reference) == (order.total, "EUR", "1001")
    assert payment.paid_at == PAID_AT
    assert payment.received == order.total


def test_a_payment_a_provider_koppel_reads_took_is_left_to_that_provider():
    by_mollie = woo(replace(BANK_TRANSFER, payment_method="mollie_wc_gateway_ideal", transaction_id="tr_WDqYK6vllg"))
    by_stripe_charge = woo(replace(BANK_TRANSFER, payment_method="card", transaction_id="ch_3MmlLrLkdIwHu7ix"))
    paypal = woo(replace(BANK_TRANSFER, payment_method="ppcp-gateway", transaction_id="8AB12345CD678901E"))

    assert shop_payment(by_mollie, providers={"mollie"}) is None
    assert shop_payment(by_stripe_charge, providers={"stripe"}) is None
    assert shop_payment(by_mollie, providers=set()) is not None
    found = shop_payment(paypal, providers={"mollie", "stripe"})
    assert found is not None
    assert found.payment_id == "8AB12345CD678901E"


def test_an_order_not_paid_yet_has_no_shop_payment():
    assert shop_payment(woo(replace(BANK_TRANSFER, paid_at=None)), providers=set()) is None


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

    payment = shop_payment(order, providers=set())

    assert payment is not None
    assert (payment.amount.amount, payment.payment_id) == (Decimal("60.00"), "order_820982911946154508")


def test_the_shop_payment_is_recorded_matched_and_not_written_again_when_unchanged():
    payments = MemoryPayments()
    order = woo(BANK_TRANSFER)

    first = record_shop_payment(payments, order, set(), PAID_AT)
    again = record_shop_payment(payments, order, set(), datetime(2026, 11, 28, tzinfo=UTC))

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

    track_unpaid(unpaid_orders, waiting, providers={"mollie"})
    kept = dict(unpaid_orders.rows)
    track_unpaid(unpaid_orders, woo(BANK_TRANSFER), providers={"mollie"})
    track_unpaid(unpaid_orders, waiting, providers=set())

    [candidate] = kept.values()
    assert (candidate.key, candidate.total.amount) == (waiting.key, waiting.total)
    assert candidate.customer == customer_digest("anna@example.nl")
    assert unpaid_orders.rows == {}
