"""WooCommerce as seen from Koppel: order payloads with WooCommerce's arithmetic, and signed webhook deliveries.

Plays the part of a real shop for the tests and for localdev (the shop simulators, the demo, the proofs) and the
benchmarks; it lives in tests/ so that unit tests import nothing from localdev.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from typing import Any

from domain.intake.signatures import woocommerce_signature

CENT = Decimal("0.01")
_line_ids = count(1)


@dataclass(frozen=True)
class ShopLine:
    """A cart line as the shop shows it: `unit_price` includes VAT when the order's prices include tax."""

    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal = Decimal(21)


@dataclass(frozen=True)
class ShopCustomer:
    first_name: str
    last_name: str
    email: str
    customer_id: int = 0
    company: str = ""
    address_1: str = "Dorpsstraat 1"
    city: str = "Utrecht"
    postcode: str = "3511 AA"
    country: str = "NL"
    phone: str = "+31 30 123 4567"
    vat_number: str = ""


@dataclass(frozen=True)
class ShopOrder:
    order_id: int
    customer: ShopCustomer
    lines: tuple[ShopLine, ...]
    status: str = "processing"
    created: datetime = field(default_factory=lambda: datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    shipping_price: Decimal = Decimal("4.95")
    coupon_percent: Decimal = Decimal(0)
    vat_exempt: bool = False
    currency: str = "EUR"
    payment_method: str = "mollie_wc_gateway_ideal"
    paid_at: datetime | None = None
    """When the shop recorded the payment (WooCommerce's date_paid); None while unpaid."""
    transaction_id: str = ""


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _money(value: Decimal) -> str:
    return str(_cents(value))


def _line_item(line: ShopLine, order: ShopOrder) -> dict[str, Any]:
    """WooCommerce keeps line amounts excluding VAT: subtotal before coupons, total after."""
    rate = line.vat_rate / 100
    gross = line.unit_price * line.quantity
    discounted = _cents(gross * (1 - order.coupon_percent / 100))
    subtotal = _cents(gross / (1 + rate))
    total = _cents(discounted / (1 + rate))
    subtotal_tax = Decimal(0) if order.vat_exempt else gross - subtotal
    total_tax = Decimal(0) if order.vat_exempt else discounted - total
    return {
        "id": next(_line_ids),
        "name": line.name,
        "product_id": 100 + sum(line.sku.encode()) % 900,
        "variation_id": 0,
        "quantity": line.quantity,
        "tax_class": "" if line.vat_rate == 21 else "reduced-rate",
        "subtotal": _money(subtotal),
        "subtotal_tax": _money(subtotal_tax),
        "total": _money(total),
        "total_tax": _money(total_tax),
        "taxes": [],
        "meta_data": [],
        "sku": line.sku,
        "price": float(subtotal / line.quantity),
    }


def _address(customer: ShopCustomer, with_contact: bool) -> dict[str, str]:
    address = {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company": customer.company,
        "address_1": customer.address_1,
        "address_2": "",
        "city": customer.city,
        "state": "",
        "postcode": customer.postcode,
        "country": customer.country,
    }
    if with_contact:
        address |= {"email": customer.email, "phone": customer.phone}
    return address


def order_payload(order: ShopOrder, modified: datetime | None = None) -> dict[str, Any]:
    """The order as WooCommerce's REST API (and so its webhooks) would show it."""
    items = [_line_item(line, order) for line in order.lines]
    shipping_total = _cents(order.shipping_price / Decimal("1.21"))
    shipping_tax = Decimal(0) if order.vat_exempt else order.shipping_price - shipping_total
    cart_tax = sum((Decimal(i["total_tax"]) for i in items), Decimal(0))
    lines_total = sum((Decimal(i["total"]) for i in items), Decimal(0))
    discount = sum((Decimal(i["subtotal"]) - Decimal(i["total"]) for i in items), Decimal(0))
    created_local = order.created.astimezone(UTC) + timedelta(hours=1)
    modified_utc = (modified or order.created).astimezone(UTC)
    meta = (
        [{"id": 1, "key": "_billing_vat_number", "value": order.customer.vat_number}]
        if order.customer.vat_number
        else []
    )
    return {
        "id": order.order_id,
        "parent_id": 0,
        "number": str(order.order_id),
        "order_key": f"wc_order_{order.order_id:08d}",
        "created_via": "checkout",
        "status": order.status,
        "currency": order.currency,
        "prices_include_tax": True,
        "date_created": created_local.replace(tzinfo=None).isoformat(timespec="seconds"),
        "date_created_gmt": order.created.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "date_modified": (modified_utc + timedelta(hours=1)).replace(tzinfo=None).isoformat(timespec="seconds"),
        "date_modified_gmt": modified_utc.replace(tzinfo=None).isoformat(timespec="seconds"),
        "discount_total": _money(discount),
        "discount_tax": "0.00",
        "shipping_total": _money(shipping_total),
        "shipping_tax": _money(shipping_tax),
        "cart_tax": _money(cart_tax),
        "total": _money(lines_total + cart_tax + shipping_total + shipping_tax),
        "total_tax": _money(cart_tax + shipping_tax),
        "customer_id": order.customer.customer_id,
        "billing": _address(order.customer, with_contact=True),
        "shipping": _address(order.customer, with_contact=False),
        "payment_method": order.payment_method,
        "payment_method_title": "iDEAL",
        "transaction_id": order.transaction_id,
        "date_paid": _local(order.paid_at) if order.paid_at else None,
        "date_paid_gmt": _gmt(order.paid_at) if order.paid_at else None,
        "meta_data": meta,
        "line_items": items,
        "tax_lines": [],
        "shipping_lines": [
            {
                "id": 1,
                "method_title": "PostNL",
                "method_id": "flat_rate",
                "total": _money(shipping_total),
                "total_tax": _money(shipping_tax),
            }
        ]
        if order.shipping_price
        else [],
        "fee_lines": [],
        "coupon_lines": [{"id": 1, "code": "WELKOM10", "discount": _money(discount)}] if discount else [],
        "refunds": [],
    }


def signed_delivery(payload: dict[str, Any], secret: str, topic: str = "order.created") -> tuple[bytes, dict[str, str]]:
    """The body and headers WooCommerce would post for this payload."""
    body = json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": "https://shop.example.nl/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": topic.split(".", maxsplit=1)[0],
        "X-WC-Webhook-Event": topic.split(".")[1],
        "X-WC-Webhook-Signature": woocommerce_signature(body, secret),
        "X-WC-Webhook-ID": "7",
        "X-WC-Webhook-Delivery-ID": str(next(_line_ids)),
    }
    return body, headers


def _local(moment: datetime) -> str:
    """WooCommerce's site time (the demo shop's: UTC+1), without a zone, as its REST API writes it."""
    return (moment.astimezone(UTC) + timedelta(hours=1)).replace(tzinfo=None).isoformat(timespec="seconds")


def _gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
