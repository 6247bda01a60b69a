"""A Shopify refund read as the shop itemises it (ShopifyRefundDetails) against the simulator over real sockets: one
made in the admin with products and shipping, excluding tax and positive, known by the id the REST order lists;
Koppel's own refund known by its key; refunds the shop does not have; a body that is no refund."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import PermanentError
from domain.models import WebOrderKey
from domain.orders.mapping import shopify
from domain.payments.payment import Money
from domain.refunds.shop_origin_ports import RefundedCharge, RefundedItem, ShopRefundDetails
from integrations.settings import SHOPIFY_DEFAULT_VERSION
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.refund_details import ShopifyRefundDetails
from integrations.shops.shopify.refunds import ShopifyRefunds
from localdev.simulators.shopify import ShopifySimulator
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN = "shpat_koppel_refund_details"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
LINES = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 1, Decimal("4.99")))


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture(scope="module")
def shop() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN, graphql_restore_rate=1_000_000) as simulator:
        yield simulator


def _client(shop: ShopifySimulator) -> ShopifyClient:
    return ShopifyClient(
        httpx.Client(timeout=30), shop.url, SHOPIFY_DEFAULT_VERSION, StaticToken(TOKEN), sleep=lambda _s: None
    )


def _key(order: dict[str, Any]) -> WebOrderKey:
    return WebOrderKey(source="shopify", shop="demo", order_id=str(order["id"]))


def _refunded_in_the_admin(shop: ShopifySimulator, order: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    made = httpx.post(f"{shop.url}/_sim/orders/{order['id']}/refunds", json=body, timeout=30)
    assert made.status_code == 201, made.text
    refund: dict[str, Any] = made.json()["refund"]
    return refund


def _rest_order(shop: ShopifySimulator, order: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.get(f"{shop.api_base}/orders/{order['id']}.json", headers={"X-Shopify-Access-Token": TOKEN})
    rest: dict[str, Any] = answer.json()["order"]
    return rest


def test_a_refund_made_in_the_admin_has_its_products_and_shipping_excluding_tax_in_the_orders_currency(shop):
    order = shop.place_order(LINES, CUSTOMER)  # prices include 21% VAT
    mug, tea = (line["id"] for line in order["line_items"])
    lines = [
        {"line_item_id": mug, "quantity": 1, "restock_type": "return"},
        {"line_item_id": tea, "quantity": 1, "restock_type": "no_restock"},
    ]
    made = _refunded_in_the_admin(shop, order, {"line_items": lines, "shipping": {"amount": "4.95"}, "note": "kapot"})

    found = ShopifyRefundDetails(_client(shop)).refund(_key(order), str(made["id"]))

    assert found is not None
    assert (found.refund_id, found.amount, found.reason) == (
        str(made["id"]),
        Money(amount=Decimal("22.44"), currency="EUR"),
        "kapot",
    )
    assert found.items == (
        RefundedItem(sku="MUG-01", quantity=Decimal(1), amount=Decimal("10.33"), tax=Decimal("2.17"), restocked=True),
        RefundedItem(sku="TEA-9", quantity=Decimal(1), amount=Decimal("4.12"), tax=Decimal("0.87"), restocked=False),
    )
    assert found.charges == (
        RefundedCharge(kind="shipping", description="PostNL", amount=Decimal("4.09"), tax=Decimal("0.86")),
    )
    assert (found.money_moved, found.koppel_key) == (True, "")
    assert found.created_at is not None
    assert abs(found.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_refund_id_the_order_webhook_carries_is_the_one_read(shop):
    order = shop.place_order(LINES, CUSTOMER)
    made = _refunded_in_the_admin(
        shop, order, {"line_items": [{"line_item_id": order["line_items"][1]["id"], "quantity": 1}]}
    )

    refund_ids = shopify.to_order("demo", shopify.parse(json.dumps(_rest_order(shop, order)).encode())).refund_ids
    found = ShopifyRefundDetails(_client(shop)).refund(_key(order), refund_ids[0])

    assert refund_ids == (str(made["id"]),)
    assert found is not None
    assert found.amount == Money(amount=Decimal("4.99"), currency="EUR")


def test_koppels_own_refund_carries_the_key_and_amount_of_its_note_and_moved_no_money(shop):
    order = shop.place_order(LINES, CUSTOMER)
    client = _client(shop)
    recorded = ShopifyRefunds(client).record(
        _key(order), Money(amount=Decimal("7.50"), currency="EUR"), "koppel-cm-1", "CM"
    )

    found = ShopifyRefundDetails(client).refund(_key(order), recorded.refund_id)

    assert found is not None
    assert (found.koppel_key, found.amount, found.money_moved, found.items, found.charges) == (
        "koppel-cm-1",
        Money(amount=Decimal("7.50"), currency="EUR"),
        False,
        (),
        (),
    )
    assert found.refund_id == recorded.refund_id.rsplit("/", 1)[-1]


def test_a_refund_the_shop_does_not_have_or_of_another_order_is_none(shop):
    order, other = shop.place_order(LINES, CUSTOMER), shop.place_order(LINES, CUSTOMER)
    made = _refunded_in_the_admin(
        shop, other, {"line_items": [{"line_item_id": other["line_items"][0]["id"], "quantity": 1}]}
    )
    details: ShopRefundDetails = ShopifyRefundDetails(_client(shop))

    assert details.refund(_key(order), "424242") is None
    assert details.refund(_key(order), str(made["id"])) is None


def test_a_body_that_is_no_refund_is_a_permanent_error_naming_the_field():
    def shop(_request: httpx.Request) -> httpx.Response:
        refund = {"id": "gid://shopify/Refund/9", "legacyResourceId": "9", "totalRefundedSet": {"shopMoney": {}}}
        return httpx.Response(200, json={"data": {"refund": refund}})

    client = ShopifyClient(
        httpx.Client(transport=httpx.MockTransport(shop)),
        "http://shop.test",
        SHOPIFY_DEFAULT_VERSION,
        StaticToken(TOKEN),
        sleep=lambda _s: None,
    )

    with pytest.raises(PermanentError, match=r"refund 9 of order 1001 cannot be read: totalRefundedSet\.shopMoney"):
        ShopifyRefundDetails(client).refund(WebOrderKey(source="shopify", shop="demo", order_id="1001"), "9")
