"""The WooCommerce simulator's itemised refunds, as wc_create_refund and the refunds controller make and show them:
order items named by id (products, shipping, fees), negative copies with `_refunded_item_id`, the amount from the
lines when none is sent, restocks recorded per product line, and the refund route's 404s."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

MUG, TEA, SHIPPING, FEE = 100101, 100102, 100103, 100104
"""Order 1001's item ids: two products, the shipping, then the fee added."""


@pytest.fixture
def site() -> Iterator[httpx.Client]:
    with WooCommerceSimulator(webhook_url="http://127.0.0.1:9/woocommerce", webhook_timeout_s=2) as woo:
        customer = ShopCustomer("Anna", "de Vries", "anna@example.nl")
        lines = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 1, Decimal("4.99")))
        woo.place_order(ShopOrder(1001, customer, lines))
        with httpx.Client(base_url=woo.url, auth=(woo.consumer_key, woo.consumer_secret), timeout=10) as client:
            client.post("/_sim/orders/1001/fees", json={"name": "Gift wrap", "total": "2.00", "total_tax": "0.42"})
            yield client


def _line(item_id: int, total: str, tax: str, quantity: int | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"id": item_id, "refund_total": total, "refund_tax": [{"id": 1, "refund_total": tax}]}
    return line | ({"quantity": quantity} if quantity is not None else {})


def _refund(site: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    made = site.post("/wp-json/wc/v3/orders/1001/refunds", json=body)
    assert made.status_code == 201, made.text
    shown: dict[str, Any] = site.get(f"/wp-json/wc/v3/orders/1001/refunds/{made.json()['id']}").json()
    return shown


ITEMISED = {
    "api_refund": False,
    "line_items": [
        _line(MUG, "10.33", "2.17", quantity=1),
        _line(TEA, "4.12", "0.87", quantity=1),
        _line(SHIPPING, "4.09", "0.86"),
        _line(FEE, "2.00", "0.42"),
    ],
}


def test_the_order_shows_the_fee_in_its_total_and_every_item_has_its_own_id(site: httpx.Client):
    order = site.get("/wp-json/wc/v3/orders/1001").json()

    assert [item["id"] for item in order["line_items"]] == [MUG, TEA]
    assert [order["shipping_lines"][0]["id"], order["fee_lines"][0]["id"]] == [SHIPPING, FEE]
    assert order["total"] == "37.36"
    assert order["fee_lines"][0]["name"] == "Gift wrap"


def test_an_itemised_refund_shows_negative_copies_of_the_order_items(site: httpx.Client):
    ordered = site.get("/wp-json/wc/v3/orders/1001").json()["line_items"][0]
    refund = _refund(site, ITEMISED)

    [mug, tea] = refund["line_items"]
    assert (mug["quantity"], mug["total"], mug["subtotal"], mug["total_tax"]) == (-1, "-10.33", "-10.33", "-2.17")
    assert mug["taxes"] == [{"id": 1, "total": "-2.17", "subtotal": "-2.17"}]
    assert (mug["sku"], mug["price"], mug["name"], mug["product_id"]) == ("MUG-01", 10.33, "Mok", ordered["product_id"])
    assert [(m["key"], m["value"]) for m in mug["meta_data"]] == [("_refunded_item_id", str(MUG))]
    assert tea["meta_data"][0]["value"] == str(TEA)
    [shipping] = refund["shipping_lines"]
    assert (shipping["method_title"], shipping["total"], shipping["total_tax"]) == ("PostNL", "-4.09", "-0.86")
    assert shipping["meta_data"][0]["value"] == str(SHIPPING)
    [fee] = refund["fee_lines"]
    assert (fee["name"], fee["total"], fee["total_tax"]) == ("Gift wrap", "-2.00", "-0.42")
    [tax] = refund["tax_lines"]
    assert (tax["rate_id"], tax["tax_total"], tax["shipping_tax_total"]) == (1, "-3.46", "-0.86")


def test_without_an_amount_the_refund_is_the_lines_totals_and_taxes_and_the_list_shows_it_itemised(site: httpx.Client):
    refund = _refund(site, ITEMISED)

    assert refund["amount"] == "24.86"
    assert site.get("/wp-json/wc/v3/orders/1001/refunds").json() == [refund]
    assert site.get("/wp-json/wc/v3/orders/1001").json()["refunds"][0]["total"] == "-24.86"


def test_a_sent_amount_wins_over_the_lines_and_an_amount_only_refund_has_no_items(site: httpx.Client):
    itemised = _refund(site, {**ITEMISED, "amount": "20.00"})
    amount_only = _refund(site, {"amount": "5.00", "api_refund": False})

    assert itemised["amount"] == "20.00"
    lists = ("line_items", "shipping_lines", "tax_lines", "fee_lines")
    assert [amount_only[name] for name in lists] == [[], [], [], []]


def test_unknown_ids_and_empty_entries_are_skipped_and_no_quantity_is_checked_against_the_item(site: httpx.Client):
    body = {"line_items": [{"id": 999999, "quantity": 1, "refund_total": "1.00"}, {"id": TEA}, _line(MUG, "0", "0", 5)]}

    refund = _refund(site, {**body, "amount": "1.00", "api_refund": False})

    assert [(item["meta_data"][0]["value"], item["quantity"]) for item in refund["line_items"]] == [(str(MUG), -5)]


def test_a_restock_is_recorded_per_refunded_product_line_and_not_without_api_restock(site: httpx.Client):
    restocked = _refund(site, ITEMISED)
    _refund(site, {**ITEMISED, "amount": "1.00", "api_restock": False})

    stored = site.get("/_sim/orders/1001/refunds").json()
    assert stored["restocked"] == [restocked["id"]]
    assert stored["restocked_items"] == [
        {"refund_id": restocked["id"], "item_id": MUG, "sku": "MUG-01", "quantity": 1},
        {"refund_id": restocked["id"], "item_id": TEA, "sku": "TEA-9", "quantity": 1},
    ]


def test_more_than_the_order_has_left_is_refused_however_it_is_itemised(site: httpx.Client):
    too_much = {"line_items": [_line(MUG, "40.00", "0")]}

    answer = site.post("/wp-json/wc/v3/orders/1001/refunds", json=too_much)

    assert (answer.status_code, answer.json()["message"]) == (500, "Invalid refund amount.")


def test_a_refund_the_shop_does_not_have_and_one_of_another_order_are_404s_in_woocommerces_codes(site: httpx.Client):
    refund = _refund(site, {"amount": "1.00"})
    site.post(
        "/_sim/orders",
        json={
            "order_id": 1002,
            "customer": {"first_name": "B", "last_name": "C", "email": "b@example.nl"},
            "lines": [{"sku": "A", "name": "a", "quantity": 1, "unit_price": "1"}],
        },
    )

    unknown = site.get("/wp-json/wc/v3/orders/1001/refunds/4242")
    elsewhere = site.get(f"/wp-json/wc/v3/orders/1002/refunds/{refund['id']}")

    assert (unknown.status_code, unknown.json()["code"]) == (404, "woocommerce_rest_shop_order_refund_invalid_id")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "woocommerce_rest_invalid_order_refund_id")
