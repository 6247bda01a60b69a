"""The Shopify refund records (ShopRefunds) against the simulator over real sockets, no local stack: a refund whose
money already moved is a `refundCreate` without transactions (Shopify moves no money), found again by its key, made
once however often it is sent; the shop's refusals and failures."""

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
from integrations.settings import SHOPIFY_DEFAULT_VERSION
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.refunds import ShopifyRefunds
from localdev.simulators.shopify import ShopifySimulator
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_koppel_refunds"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
LINES = (ShopLine("KOF-1001-RD", "Mok rood", 2, Decimal("12.50")),)
REFUND_KEY = "koppel-cm-6f1c2a4e-0000-4000-8000-{order:012d}-tr_WDqYK6vllg"
"""One simulated shop serves the module: each order's key is its own, as each credit memo's is."""
FINANCIAL_STATUS = "query Status($id: ID!) { order(id: $id) { displayFinancialStatus } }"


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture(scope="module")
def shop() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN, graphql_restore_rate=1_000_000) as simulator:
        yield simulator


@pytest.fixture
def control(shop: ShopifySimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{shop.url}/_sim/", timeout=30) as client:
        yield client
        client.delete("graphql/faults")


def _client(shop: ShopifySimulator, version: str = SHOPIFY_DEFAULT_VERSION) -> ShopifyClient:
    return ShopifyClient(httpx.Client(timeout=30), shop.url, version, StaticToken(TOKEN), sleep=lambda _s: None)


def _key(order: dict[str, Any]) -> WebOrderKey:
    return WebOrderKey(source="shopify", shop="demo", order_id=str(order["id"]))


def _stored(control: httpx.Client, order: dict[str, Any]) -> dict[str, Any]:
    stored: dict[str, Any] = control.get(f"orders/{order['id']}/refunds").json()
    return stored


def _refund_key(order: dict[str, Any]) -> str:
    return REFUND_KEY.format(order=order["id"])


def _eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def test_a_recorded_refund_moves_no_money_and_is_found_again_by_its_key(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    refunds = ShopifyRefunds(_client(shop))

    made = refunds.record(_key(order), _eur("12.50"), _refund_key(order), "Credit memo PCM-1001")

    assert refunds.recorded(_key(order)) == [made]
    assert made.koppel_key == _refund_key(order)
    assert made.amount == _eur("12.50")
    stored = _stored(control, order)
    assert stored["moneyMoved"] == []
    [refund] = stored["refunds"]
    assert refund["transactions"] == []
    assert refund["totalRefunded"] == "0.00"
    assert refund["notify"] is False
    assert f"Koppel refund {_refund_key(order)}: 12.50 EUR" in refund["note"]
    assert "Credit memo PCM-1001" in refund["note"]


def test_without_transactions_shopify_still_shows_the_order_paid(shop):
    order = shop.place_order(LINES, CUSTOMER)
    client = _client(shop)

    ShopifyRefunds(client).record(_key(order), _eur("30.00"), _refund_key(order), "everything")

    status = client.graphql(FINANCIAL_STATUS, {"id": f"gid://shopify/Order/{order['id']}"})
    assert status["order"]["displayFinancialStatus"] == "PAID"


def test_the_same_key_after_a_lost_answer_makes_one_refund(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    refunds = ShopifyRefunds(_client(shop))
    control.post("graphql/faults", json={"lose_answer_of": {"refundCreate": 1}})

    with pytest.raises(RetryableError):
        refunds.record(_key(order), _eur("12.50"), _refund_key(order), "Credit memo PCM-1001")
    again = refunds.record(_key(order), _eur("12.50"), _refund_key(order), "Credit memo PCM-1001")

    assert [refund["id"] for refund in _stored(control, order)["refunds"]] == [again.refund_id]


def test_shopify_answers_a_repeated_idempotency_key_with_the_first_refund(shop, control):
    """Two runs that both read no refund yet, then both create: Shopify's key makes one of them."""
    order = shop.place_order(LINES, CUSTOMER)
    client = _client(shop)
    refund_input = {"orderId": f"gid://shopify/Order/{order['id']}", "note": "n", "notify": False}
    query = "mutation R($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) "
    query += "{ refund { id } userErrors { message } } }"

    answers = [client.graphql(query, {"input": refund_input, "key": _refund_key(order)}) for _ in range(2)]

    assert answers[0] == answers[1]
    assert len(_stored(control, order)["refunds"]) == 1


def test_a_refund_made_in_shopify_with_money_is_recorded_without_a_key(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    client = _client(shop)
    transaction = {"orderId": f"gid://shopify/Order/{order['id']}", "gateway": "mollie", "kind": "REFUND"}
    refund_input = {"orderId": transaction["orderId"], "transactions": [transaction | {"amount": "5.00"}]}
    query = "mutation R($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) "
    query += "{ userErrors { message } } }"
    client.graphql(query, {"input": refund_input, "key": "merchant-1"})

    [found] = ShopifyRefunds(client).recorded(_key(order))

    assert found.koppel_key == ""
    assert found.amount == _eur("5.00")
    assert len(_stored(control, order)["moneyMoved"]) == 1
    status = client.graphql(FINANCIAL_STATUS, {"id": f"gid://shopify/Order/{order['id']}"})
    assert status["order"]["displayFinancialStatus"] == "PARTIALLY_REFUNDED"


def test_an_order_shopify_does_not_have_is_refused(shop):
    missing = WebOrderKey(source="shopify", shop="demo", order_id="999999")

    with pytest.raises(RefundRefused, match="no order 999999"):
        ShopifyRefunds(_client(shop)).record(missing, _eur("1.00"), _refund_key({"id": 999999}), "gone")


def test_another_currency_is_refused_before_sending(shop, control):
    order = shop.place_order(LINES, CUSTOMER)

    dollars = Money(amount=Decimal(1), currency="USD")

    with pytest.raises(RefundRefused, match="in EUR, the refund in USD"):
        ShopifyRefunds(_client(shop)).record(_key(order), dollars, _refund_key(order), "")
    assert _stored(control, order)["refunds"] == []


def test_an_api_version_without_the_idempotent_directive_is_refused(shop, control):
    order = shop.place_order(LINES, CUSTOMER)

    with pytest.raises(RefundRefused, match="idempotent"):
        ShopifyRefunds(_client(shop, "2025-10")).record(_key(order), _eur("1.00"), _refund_key(order), "")
    assert _stored(control, order)["refunds"] == []


def test_a_503_is_retryable_and_nothing_was_made(shop, control):
    order = shop.place_order(LINES, CUSTOMER)
    control.post("graphql/faults", json={"fail_next": 1, "fail_status": 503})

    with pytest.raises(RetryableError):
        ShopifyRefunds(_client(shop)).record(_key(order), _eur("12.50"), _refund_key(order), "")
    assert _stored(control, order)["refunds"] == []
