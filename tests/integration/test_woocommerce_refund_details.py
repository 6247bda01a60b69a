"""A WooCommerce refund read as the shop itemises it (WooCommerceRefundDetails) against the simulator over real
sockets: products, shipping and fees with positive amounts in the order's currency, an amount-only refund, Koppel's
own refund known by its key, and a refund the shop does not have."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import PermanentError
from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.refunds.shop_origin_ports import RefundedCharge, RefundedItem, ShopRefundDetails
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.refund_details import WooCommerceRefundDetails
from integrations.shops.woocommerce.refunds import WooCommerceRefunds
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

KEY = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
MUG, TEA, SHIPPING, FEE = 100101, 100102, 100103, 100104


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator(webhook_url="http://127.0.0.1:9/woocommerce", webhook_timeout_s=2) as running:
        customer = ShopCustomer("Anna", "de Vries", "anna@example.nl")
        lines = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 1, Decimal("4.99")))
        running.place_order(ShopOrder(1001, customer, lines))
        with _site(running) as site:
            site.post("/_sim/orders/1001/fees", json={"name": "Gift wrap", "total": "2.00", "total_tax": "0.42"})
        yield running


def _site(woo: WooCommerceSimulator) -> httpx.Client:
    return httpx.Client(base_url=woo.url, auth=(woo.consumer_key, woo.consumer_secret), timeout=10)


def _client(woo: WooCommerceSimulator) -> WooCommerceClient:
    return WooCommerceClient(httpx.Client(timeout=10), woo.url, woo.consumer_key, woo.consumer_secret)


def _made_in_the_shop(woo: WooCommerceSimulator, body: dict[str, Any]) -> str:
    with _site(woo) as site:
        made = site.post("/wp-json/wc/v3/orders/1001/refunds", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _line(item_id: int, total: str, tax: str, quantity: int | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"id": item_id, "refund_total": total, "refund_tax": [{"id": 1, "refund_total": tax}]}
    return line | ({"quantity": quantity} if quantity is not None else {})


def test_an_itemised_refund_has_its_products_shipping_and_fee_positive_in_the_orders_currency(
    woo: WooCommerceSimulator,
):
    lines = [_line(MUG, "10.33", "2.17", 1), _line(TEA, "4.12", "0.87", 1), _line(SHIPPING, "4.09", "0.86")]
    refund_id = _made_in_the_shop(woo, {"reason": "broken", "line_items": [*lines, _line(FEE, "2.00", "0.42")]})

    found = WooCommerceRefundDetails(_client(woo)).refund(KEY, refund_id)

    assert found is not None
    assert (found.refund_id, found.amount, found.reason) == (
        refund_id,
        Money(amount=Decimal("24.86"), currency="EUR"),
        "broken",
    )
    assert found.items == (
        RefundedItem(sku="MUG-01", quantity=Decimal(1), amount=Decimal("10.33"), tax=Decimal("2.17")),
        RefundedItem(sku="TEA-9", quantity=Decimal(1), amount=Decimal("4.12"), tax=Decimal("0.87")),
    )
    assert found.charges == (
        RefundedCharge(kind="shipping", description="PostNL", amount=Decimal("4.09"), tax=Decimal("0.86")),
        RefundedCharge(kind="fee", description="Gift wrap", amount=Decimal("2.00"), tax=Decimal("0.42")),
    )
    assert (found.money_moved, found.koppel_key) == (True, "")
    assert found.created_at is not None
    assert abs(found.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_an_amount_only_refund_has_no_items_or_charges_and_moved_no_money(woo: WooCommerceSimulator):
    refund_id = _made_in_the_shop(woo, {"amount": "5.00", "api_refund": False})

    found = WooCommerceRefundDetails(_client(woo)).refund(KEY, refund_id)

    assert found is not None
    assert (found.amount.amount, found.items, found.charges, found.money_moved) == (Decimal("5.00"), (), (), False)


def test_koppels_own_refund_carries_the_key_it_was_recorded_under(woo: WooCommerceSimulator):
    client = _client(woo)
    made = WooCommerceRefunds(client).record(KEY, Money(amount=Decimal("7.50"), currency="EUR"), "koppel-cm-1", "CM")

    found = WooCommerceRefundDetails(client).refund(KEY, made.refund_id)

    assert found is not None
    assert (found.koppel_key, found.amount.amount, found.money_moved) == ("koppel-cm-1", Decimal("7.50"), False)


def test_a_refund_the_shop_does_not_have_is_none(woo: WooCommerceSimulator):
    details: ShopRefundDetails = WooCommerceRefundDetails(_client(woo))
    other_order = WebOrderKey(source="woocommerce", shop="shop-a", order_id="4040")

    assert details.refund(KEY, "4242") is None
    assert details.refund(other_order, _made_in_the_shop(woo, {"amount": "1.00"})) is None


def test_a_body_that_is_no_refund_is_a_permanent_error_naming_the_field():
    def shop(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/refunds/9"):
            return httpx.Response(200, json={"id": 9, "amount": "-3.00", "line_items": [{"total": "x"}]})
        return httpx.Response(200, json={"currency": "EUR"})

    client = WooCommerceClient(httpx.Client(transport=httpx.MockTransport(shop)), "http://shop.test", "ck", "cs")

    with pytest.raises(PermanentError, match=r"refund 9 of order 1001 cannot be read: amount: .*line_items\.0\.total"):
        WooCommerceRefundDetails(client).refund(KEY, "9")
