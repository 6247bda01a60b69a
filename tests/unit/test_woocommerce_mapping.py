import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.orders.mapping import woocommerce
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload

ANNA = ShopCustomer("Anna", "de Vries", "Anna@Example.nl", customer_id=12)


def _map(order: ShopOrder) -> woocommerce.Order:  # type: ignore[name-defined]
    return woocommerce.to_order("shop-a", woocommerce.parse(json.dumps(order_payload(order)).encode()))


def test_a_paid_order_maps_to_the_canonical_order():
    shop_order = ShopOrder(
        1001,
        ANNA,
        (ShopLine("KOF-1001", "Koffiebonen 1 kg", 2, Decimal("24.95")), ShopLine("MOK-1", "Mok", 1, Decimal("8.50"))),
    )
    order = _map(shop_order)

    assert str(order.key) == "woocommerce:shop-a:1001"
    assert order.number == "1001"
    assert order.prices_include_tax is True
    assert order.customer.email == "anna@example.nl"
    assert order.customer.is_guest is False
    assert [line.sku for line in order.lines] == ["KOF-1001", "MOK-1"]
    assert order.lines[0].unit_price == Decimal("24.95000")
    assert order.lines[0].discount_amount == 0
    assert order.charges[0].kind == "shipping"
    assert order.charges[0].amount == Decimal("4.95")
    assert order.total == Decimal("2") * Decimal("24.95") + Decimal("8.50") + Decimal("4.95")


def test_the_order_date_is_the_shops_local_date_and_versions_are_compared_in_utc():
    new_years_night = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    order = _map(ShopOrder(7, ANNA, (ShopLine("KOF-1001", "Koffie", 1, Decimal(10)),), created=new_years_night))
    assert order.order_date == date(2026, 1, 1)
    assert order.modified_at == new_years_night


def test_a_coupon_becomes_a_line_discount_including_vat():
    order = _map(ShopOrder(8, ANNA, (ShopLine("KOF-1001", "Koffie", 2, Decimal("10.00")),), coupon_percent=Decimal(10)))
    line = order.lines[0]
    assert line.unit_price * line.quantity - line.discount_amount == Decimal("18.00")


def test_a_vat_exempt_business_order_keeps_its_vat_number_and_net_prices():
    b2b = ShopCustomer(
        "Jan", "Peeters", "inkoop@brander.be", company="Brander BV", country="BE", vat_number="BE0123456789"
    )
    order = _map(ShopOrder(9, b2b, (ShopLine("KOF-1001", "Koffie", 10, Decimal("12.10")),), vat_exempt=True))
    assert order.customer.vat_number == "BE0123456789"
    assert order.customer.is_business
    assert order.total_tax == 0
    assert order.lines[0].unit_price == Decimal("10.00000")


def test_a_guest_has_customer_id_zero():
    guest = ShopCustomer("Piet", "Bakker", "piet@example.nl", customer_id=0)
    assert _map(ShopOrder(10, guest, (ShopLine("KOF-1001", "Koffie", 1, Decimal(5)),))).customer.is_guest


def test_price_as_a_json_number_and_totals_as_strings_are_both_read_exactly():
    payload = order_payload(ShopOrder(11, ANNA, (ShopLine("KOF-1001", "Koffie", 3, Decimal("3.33")),)))
    assert isinstance(payload["line_items"][0]["price"], float)
    parsed = woocommerce.parse(json.dumps(payload).encode())
    assert parsed.total == Decimal(payload["total"])


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"[]", "body"),
        (b'{"id": "abc"}', "id"),
        (
            json.dumps(
                {**order_payload(ShopOrder(1, ANNA, (ShopLine("A", "a", 1, Decimal(1)),))), "line_items": None}
            ).encode(),
            "line_items",
        ),
        (
            json.dumps(
                {**order_payload(ShopOrder(1, ANNA, (ShopLine("A", "a", 1, Decimal(1)),))), "currency": "EURO"}
            ).encode(),
            "currency",
        ),
    ],
)
def test_what_is_not_an_order_is_refused_with_the_field_named(body, fragment):
    with pytest.raises(ValueError, match=fragment):
        woocommerce.parse(body)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 2**70),
        ("id", -5),
        ("total", "1e400"),
        ("total", "NaN"),
        ("currency", "€€€"),
        ("date_modified", "gisteren"),
    ],
)
def test_values_no_shop_sends_and_bc_cannot_hold_are_refused(field, value):
    payload = {**order_payload(ShopOrder(15, ANNA, (ShopLine("KOF-1001", "Koffie", 1, Decimal(5)),))), field: value}
    with pytest.raises(ValueError, match=field):
        woocommerce.parse(json.dumps(payload).encode())


def test_a_negative_quantity_is_refused():
    payload = order_payload(ShopOrder(12, ANNA, (ShopLine("KOF-1001", "Koffie", 1, Decimal(5)),)))
    payload["line_items"][0]["quantity"] = -1
    with pytest.raises(ValueError, match="quantity"):
        woocommerce.parse(json.dumps(payload).encode())


def test_the_dedup_key_is_the_order_id_and_its_modification_time():
    payload = order_payload(ShopOrder(13, ANNA, (ShopLine("KOF-1001", "Koffie", 1, Decimal(5)),)))
    body = json.dumps(payload).encode()
    key = woocommerce.dedup_key(woocommerce.parse(body), body)
    assert key.startswith("13@2026-11-27T09:00:00+00:00#")
    assert key == woocommerce.dedup_key(woocommerce.parse(body), body)
    changed = json.dumps({**payload, "customer_note": "bel aan"}).encode()
    assert woocommerce.dedup_key(woocommerce.parse(changed), changed) != key


def test_prices_excluding_vat_are_taken_as_the_shop_gives_them():
    payload = order_payload(
        ShopOrder(14, ANNA, (ShopLine("KOF-1001", "Koffie", 4, Decimal("12.10")),), coupon_percent=Decimal(10))
    )
    payload["prices_include_tax"] = False
    order = woocommerce.to_order("shop-a", woocommerce.parse(json.dumps(payload).encode()))
    line = order.lines[0]
    assert order.prices_include_tax is False
    assert line.unit_price == Decimal("10.00000")
    assert line.unit_price * line.quantity - line.discount_amount == Decimal(payload["line_items"][0]["total"])
    assert order.charges[0].amount == Decimal(payload["shipping_total"])
