import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from domain.intake.channels import SHOPIFY
from domain.orders.mapping import shopify

BODY = (Path(__file__).parent / "data" / "shopify_order.json").read_bytes()


def test_a_shopify_order_maps_to_the_canonical_order_with_its_exact_id():
    order = shopify.to_order("shop-b", shopify.parse(BODY))

    assert str(order.key) == "shopify:shop-b:5798012345678901234"
    assert order.number == "#1042"
    assert order.status == "paid"
    assert order.order_date == date(2026, 1, 1)
    assert order.modified_at == datetime(2025, 12, 31, 23, 31, 12, tzinfo=UTC)
    assert order.prices_include_tax is True
    assert order.customer.email == "lotte.bakker@example.nl"
    assert order.customer.shop_customer_id == "7798012345678901333"
    assert order.customer.shipping.city == "Utrecht"
    assert order.customer.billing.country == "NL"
    assert [(line.sku, line.quantity, line.unit_price, line.discount_amount) for line in order.lines] == [
        ("KOF-1001", Decimal(2), Decimal("24.95"), Decimal("5.00")),
        ("TEX-2001-M", Decimal(1), Decimal("10.00"), Decimal(0)),
    ]
    assert order.lines[1].description == "T-shirt Koffieliefhebber - M"
    assert [(c.kind, c.amount) for c in order.charges] == [("shipping", Decimal("4.95"))]
    lines = sum((line.unit_price or Decimal(0)) * line.quantity - line.discount_amount for line in order.lines)
    assert lines + order.charges[0].amount == order.total


def test_a_cancelled_order_has_status_cancelled():
    payload = json.loads(BODY) | {"cancelled_at": "2026-01-02T10:00:00+01:00"}
    assert shopify.parse(json.dumps(payload).encode()).status == "cancelled"


def test_the_webhook_id_is_the_dedup_key_and_the_id_stays_exact():
    assert SHOPIFY.identify(BODY, {"x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}) == (
        "5798012345678901234",
        "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    )
    with pytest.raises(ValueError, match=r"(?i)x-shopify-webhook-id"):
        SHOPIFY.identify(BODY, {})


@pytest.mark.parametrize(
    ("field", "value"), [("id", 2**64), ("total_price", "1e400"), ("line_items", []), ("name", None)]
)
def test_what_shopify_never_sends_is_refused_with_the_field_named(field, value):
    payload = json.loads(BODY) | {field: value}
    with pytest.raises(ValueError, match=field):
        shopify.parse(json.dumps(payload).encode())


def test_an_edited_shopify_order_counts_what_is_left_of_each_line():
    payload = json.loads(BODY)
    payload["line_items"][0]["current_quantity"] = 1
    payload["line_items"][1]["current_quantity"] = 0
    order = shopify.to_order("shop-b", shopify.parse(json.dumps(payload).encode()))
    assert [(line.sku, line.quantity) for line in order.lines] == [("KOF-1001", Decimal(1))]


def test_the_discount_left_on_an_edited_line_is_rounded_half_up_as_the_shopify_simulator_does():
    """5.05 on two, one kept: 2.525 is 2.53 (ROUND_HALF_UP, as localdev/simulators/shopify/orders.py edited()
    prorates it), not 2.52 (ROUND_HALF_EVEN, Decimal's default)."""
    payload = json.loads(BODY)
    payload["line_items"][0] |= {"current_quantity": 1, "discount_allocations": [{"amount": "5.05"}]}

    order = shopify.to_order("shop-b", shopify.parse(json.dumps(payload).encode()))

    assert order.lines[0].discount_amount == Decimal("2.53")
