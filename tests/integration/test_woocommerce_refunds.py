"""The WooCommerce refund records (ShopRefunds) against the simulator over real sockets, without the rest of the
stack: a refund whose money already moved is recorded without asking the payment gateway and found again by its
key, once however often it is sent; the shop's refusals and failures."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.refunds.ports import RefundRefused
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.refunds import WooCommerceRefunds
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

KEY = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
REFUND_KEY = "koppel-cm-6f1c2a4e-0000-4000-8000-000000000001-tr_WDqYK6vllg"
ORDER_TOTAL = Decimal("34.94")


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    """Its webhook points at a closed port: each delivery is attempted (and recorded) at once."""
    with WooCommerceSimulator(webhook_url="http://127.0.0.1:9/woocommerce", webhook_timeout_s=2) as running:
        customer = ShopCustomer("Anna", "de Vries", "anna@example.nl", postcode="3511 AA")
        lines = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 1, Decimal("4.99")))
        running.place_order(ShopOrder(1001, customer, lines))
        yield running


def _refunds(woo: WooCommerceSimulator) -> WooCommerceRefunds:
    client = WooCommerceClient(httpx.Client(timeout=10), woo.url, woo.consumer_key, woo.consumer_secret)
    return WooCommerceRefunds(client)


def _site(woo: WooCommerceSimulator) -> httpx.Client:
    return httpx.Client(base_url=woo.url, auth=(woo.consumer_key, woo.consumer_secret), timeout=10)


def _stored(woo: WooCommerceSimulator) -> dict[str, Any]:
    with _site(woo) as site:
        stored: dict[str, Any] = site.get("/_sim/orders/1001/refunds").json()
    return stored


def _order(woo: WooCommerceSimulator) -> dict[str, Any]:
    with _site(woo) as site:
        order: dict[str, Any] = site.get("/wp-json/wc/v3/orders/1001").json()
    return order


def _eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def test_a_recorded_refund_is_found_again_by_its_key_and_no_gateway_was_asked(woo: WooCommerceSimulator):
    shop = _refunds(woo)

    made = shop.record(KEY, _eur("12.50"), REFUND_KEY, "Credit memo PCM-1001")
    found = shop.recorded(KEY)

    assert found == [made]
    assert made.koppel_key == REFUND_KEY
    assert made.amount == _eur("12.50")
    stored = _stored(woo)
    assert stored["gateway_refunds"] == []
    assert stored["restocked"] == []
    assert stored["refunds"][0]["refunded_payment"] is False
    assert _order(woo)["refunds"] == [{"id": int(made.refund_id), "reason": "Credit memo PCM-1001", "total": "-12.50"}]


def test_a_partial_refund_leaves_the_status_and_a_full_one_sets_the_order_refunded(woo: WooCommerceSimulator):
    shop = _refunds(woo)

    shop.record(KEY, _eur("10.00"), REFUND_KEY, "part")
    status_after_part = _order(woo)["status"]
    shop.record(KEY, _eur("24.94"), REFUND_KEY + "-2", "rest")

    assert status_after_part == "processing"
    assert _order(woo)["status"] == "refunded"
    assert [d.topic for d in woo.deliveries] == ["order.created", "order.updated", "order.updated"]
    assert [email.kind for email in woo.emails] == ["customer_refunded_order", "customer_refunded_order"]


def test_the_same_key_again_after_a_lost_answer_makes_no_second_refund(woo: WooCommerceSimulator):
    shop = _refunds(woo)
    with _site(woo) as site:
        lost = {"route": "refunds", "method": "POST", "status": 500, "after_commit": True}
        site.post("/_sim/faults/fulfilment", json={"faults": [lost]})

    with pytest.raises(RetryableError):
        shop.record(KEY, _eur("12.50"), REFUND_KEY, "Credit memo PCM-1001")
    again = shop.record(KEY, _eur("12.50"), REFUND_KEY, "Credit memo PCM-1001")

    assert [refund.refund_id for refund in shop.recorded(KEY)] == [again.refund_id]


def test_a_refund_made_in_the_shop_is_recorded_without_a_key(woo: WooCommerceSimulator):
    with _site(woo) as site:
        site.post("/wp-json/wc/v3/orders/1001/refunds", json={"amount": "5.00", "reason": "by hand"})

    [found] = _refunds(woo).recorded(KEY)

    assert found.koppel_key == ""
    assert found.amount == _eur("5.00")
    assert len(_stored(woo)["gateway_refunds"]) == 1


def test_more_than_the_order_has_left_is_refused_without_sending_it(woo: WooCommerceSimulator):
    shop = _refunds(woo)
    shop.record(KEY, _eur("30.00"), REFUND_KEY, "most")

    with pytest.raises(RefundRefused, match=r"4\.94 left to refund"):
        shop.record(KEY, _eur("5.00"), REFUND_KEY + "-2", "too much")
    assert len(_stored(woo)["refunds"]) == 1


def test_woocommerce_refuses_an_amount_over_what_is_left_with_500_invalid_refund_amount(woo: WooCommerceSimulator):
    with _site(woo) as site:
        answer = site.post("/wp-json/wc/v3/orders/1001/refunds", json={"amount": str(ORDER_TOTAL + 1)})

    assert answer.status_code == 500
    assert answer.json()["code"] == "woocommerce_rest_cannot_create_order_refund"
    assert answer.json()["message"] == "Invalid refund amount."


def test_an_order_the_shop_does_not_have_is_refused_in_its_words(woo: WooCommerceSimulator):
    missing = WebOrderKey(source="woocommerce", shop="shop-a", order_id="4040")

    with pytest.raises(RefundRefused, match="Invalid ID"):
        _refunds(woo).record(missing, _eur("1.00"), REFUND_KEY, "gone")


def test_another_currency_is_refused(woo: WooCommerceSimulator):
    with pytest.raises(RefundRefused, match="in EUR, the refund in USD"):
        _refunds(woo).record(KEY, Money(amount=Decimal("1.00"), currency="USD"), REFUND_KEY, "dollars")


def test_a_503_on_the_refund_is_retryable_and_nothing_was_made(woo: WooCommerceSimulator):
    with _site(woo) as site:
        site.post("/_sim/faults/fulfilment", json={"faults": [{"route": "refunds", "method": "POST", "status": 503}]})

    with pytest.raises(RetryableError):
        _refunds(woo).record(KEY, _eur("12.50"), REFUND_KEY, "Credit memo PCM-1001")
    assert _stored(woo)["refunds"] == []


def test_an_order_the_merchant_set_refunded_has_its_whole_total_refunded_without_a_key(woo: WooCommerceSimulator):
    with _site(woo) as site:
        site.put("/wp-json/wc/v3/orders/1001", json={"status": "refunded"})
    shop = _refunds(woo)

    [found] = shop.recorded(KEY)

    assert found.amount == Money(amount=ORDER_TOTAL, currency="EUR")
    assert found.koppel_key == ""
    assert _stored(woo)["gateway_refunds"] == []
    with pytest.raises(RefundRefused, match="left to refund"):
        shop.record(KEY, _eur("1.00"), REFUND_KEY, "after the merchant")
