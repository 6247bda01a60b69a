"""A Shopify order as the Admin REST API and the order webhooks show it, with Shopify's money arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from localdev.simulators.shopify.ids import ShopifyIds
from localdev.simulators.shopify.money import cents, money, money_set, tax_on
from tests.support.woocommerce import ShopCustomer, ShopLine

SHIPPING_VAT = Decimal("0.21")
COUNTRIES = {"NL": "Netherlands", "BE": "Belgium", "DE": "Germany", "FR": "France", "LU": "Luxembourg"}


@dataclass(frozen=True)
class OrderDraft:
    """What a checkout produces. `ShopLine.unit_price` is the shop's price, with VAT when taxes are included."""

    lines: tuple[ShopLine, ...]
    customer: ShopCustomer
    taxes_included: bool = True
    currency: str = "EUR"
    shipping_price: Decimal = Decimal("4.95")
    discount_percent: Decimal = Decimal(0)
    discount_code: str = "KOPPEL10"
    financial_status: str = "paid"
    tags: str = ""
    note_attributes: tuple[tuple[str, str], ...] = ()
    test: bool = False


@dataclass(frozen=True)
class _Line:
    """One line's amounts: `gross` is price * quantity, `discount` its share of the order discount."""

    line: ShopLine
    gross: Decimal
    discount: Decimal
    tax: Decimal


def build_order(draft: OrderDraft, ids: ShopifyIds, number: int, created: datetime) -> dict[str, Any]:
    """`total_price` = sum of price * quantity - discounts + shipping (+ tax when prices exclude it)."""
    currency = draft.currency
    lines = [_amounts(line, draft) for line in draft.lines]
    shipping = cents(draft.shipping_price)
    shipping_tax = tax_on(shipping, SHIPPING_VAT, included=draft.taxes_included)
    line_items_price = sum((line.gross for line in lines), Decimal(0))
    discounts = sum((line.discount for line in lines), Decimal(0))
    subtotal = line_items_price - discounts
    total_tax = sum((line.tax for line in lines), shipping_tax)
    total = subtotal + shipping + (Decimal(0) if draft.taxes_included else total_tax)
    order_id = ids.order()
    stamp = created.isoformat(timespec="seconds")
    totals = {
        "total_price": total,
        "subtotal_price": subtotal,
        "total_line_items_price": line_items_price,
        "total_tax": total_tax,
        "total_discounts": discounts,
        **_current_totals(total, subtotal, total_tax, discounts),
        "total_outstanding": Decimal(0) if draft.financial_status == "paid" else total,
    }
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}",
        "number": number - 1000,
        "order_number": number,
        "email": draft.customer.email,
        "contact_email": draft.customer.email,
        "phone": None,
        "currency": currency,
        "presentment_currency": currency,
        "taxes_included": draft.taxes_included,
        "tax_exempt": False,
        **{name: money(value) for name, value in totals.items()},
        **{f"{name}_set": money_set(value, currency) for name, value in totals.items()},
        "total_shipping_price_set": money_set(shipping, currency),
        "financial_status": draft.financial_status,
        "fulfillment_status": None,
        "confirmed": True,
        "source_name": "web",
        "payment_gateway_names": ["mollie"],
        "discount_codes": _discount_codes(draft, discounts),
        "discount_applications": _discount_applications(draft),
        "line_items": [_line_item(line, ids, currency) for line in lines],
        "shipping_lines": _shipping_lines(shipping, shipping_tax, ids, currency),
        "billing_address": _address(draft.customer),
        "shipping_address": _address(draft.customer),
        "customer": _customer(draft.customer, ids, currency, stamp),
        "note": None,
        "note_attributes": [{"name": name, "value": value} for name, value in draft.note_attributes],
        "tags": draft.tags,
        "test": draft.test,
        "created_at": stamp,
        "processed_at": stamp,
        "updated_at": stamp,
        "closed_at": None,
        "cancelled_at": None,
        "cancel_reason": None,
        "refunds": [],
    }


def _amounts(line: ShopLine, draft: OrderDraft) -> _Line:
    gross = cents(line.unit_price) * line.quantity
    discount = cents(gross * draft.discount_percent / 100)
    tax = tax_on(gross - discount, line.vat_rate / 100, included=draft.taxes_included)
    return _Line(line, gross, discount, tax)


def _line_item(amounts: _Line, ids: ShopifyIds, currency: str) -> dict[str, Any]:
    line = amounts.line
    product_id, variant_id = ids.product_and_variant(line.sku)
    allocations = (
        [
            {
                "amount": money(amounts.discount),
                "amount_set": money_set(amounts.discount, currency),
                "discount_application_index": 0,
            }
        ]
        if amounts.discount
        else []
    )
    return {
        "id": ids.line_item(),
        "variant_id": variant_id,
        "product_id": product_id,
        "sku": line.sku,
        "title": line.name,
        "variant_title": None,
        "name": line.name,
        "quantity": line.quantity,
        "current_quantity": line.quantity,
        "fulfillable_quantity": line.quantity,
        "fulfillment_status": None,
        "requires_shipping": True,
        "taxable": True,
        "gift_card": False,
        "price": money(line.unit_price),
        "price_set": money_set(line.unit_price, currency),
        "total_discount": money(amounts.discount),
        "total_discount_set": money_set(amounts.discount, currency),
        "tax_lines": [_tax_line(amounts.tax, line.vat_rate / 100, currency)],
        "discount_allocations": allocations,
        "properties": [],
    }


def _tax_line(amount: Decimal, rate: Decimal, currency: str) -> dict[str, Any]:
    return {
        "price": money(amount),
        "price_set": money_set(amount, currency),
        "rate": float(rate),
        "title": "BTW",
        "channel_liable": False,
    }


def _shipping_lines(price: Decimal, tax: Decimal, ids: ShopifyIds, currency: str) -> list[dict[str, Any]]:
    if not price:
        return []
    return [
        {
            "id": ids.shipping_line(),
            "title": "PostNL",
            "code": "PostNL Standaard",
            "source": "shopify",
            "price": money(price),
            "price_set": money_set(price, currency),
            "discounted_price": money(price),
            "discounted_price_set": money_set(price, currency),
            "tax_lines": [_tax_line(tax, SHIPPING_VAT, currency)],
            "discount_allocations": [],
        }
    ]


def _discount_codes(draft: OrderDraft, amount: Decimal) -> list[dict[str, str]]:
    if not amount:
        return []
    return [{"code": draft.discount_code, "amount": money(amount), "type": "percentage"}]


def _discount_applications(draft: OrderDraft) -> list[dict[str, str]]:
    if not draft.discount_percent:
        return []
    return [
        {
            "type": "discount_code",
            "code": draft.discount_code,
            "title": draft.discount_code,
            "value": f"{draft.discount_percent:.1f}",
            "value_type": "percentage",
            "allocation_method": "across",
            "target_selection": "all",
            "target_type": "line_item",
        }
    ]


def _address(customer: ShopCustomer) -> dict[str, Any]:
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "name": f"{customer.first_name} {customer.last_name}",
        "company": customer.company or None,
        "address1": customer.address_1,
        "address2": None,
        "city": customer.city,
        "zip": customer.postcode,
        "province": None,
        "province_code": None,
        "country": COUNTRIES.get(customer.country, customer.country),
        "country_code": customer.country,
        "phone": customer.phone or None,
    }


def _customer(customer: ShopCustomer, ids: ShopifyIds, currency: str, stamp: str) -> dict[str, Any]:
    return {
        "id": ids.customer(customer.email),
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "phone": None,
        "tags": "",
        "currency": currency,
        "tax_exempt": False,
        "created_at": stamp,
        "updated_at": stamp,
    }


def _current_totals(total: Decimal, subtotal: Decimal, tax: Decimal, discounts: Decimal) -> dict[str, Decimal]:
    """What the order comes to now (after order edits, returns and refunds); `total_price` and its kin stay what
    was first ordered (Shopify REST Admin Order resource, https://shopify.dev/docs/api/admin-rest/latest/resources/
    order)."""
    return {
        "current_total_price": total,
        "current_subtotal_price": subtotal,
        "current_total_tax": tax,
        "current_total_discounts": discounts,
    }


def edited(order: dict[str, Any], line_id: int, current_quantity: int) -> dict[str, Any]:
    """The order after an order edit left `current_quantity` of line `line_id`: the line keeps its `quantity` and
    its discount allocations (for the quantity first ordered), the `current_*` totals follow the current
    quantities, `total_price` does not change, and what was paid beyond the new total is a negative
    `total_outstanding`."""
    currency = order["currency"]
    items = [
        item | {"current_quantity": current_quantity, "fulfillable_quantity": current_quantity}
        if item["id"] == line_id
        else item
        for item in order["line_items"]
    ]
    subtotal, discounts, tax = Decimal(0), Decimal(0), Decimal(0)
    for item in items:
        share = Decimal(item["current_quantity"]) / Decimal(item["quantity"])
        discount = cents(sum((Decimal(a["amount"]) for a in item["discount_allocations"]), Decimal(0)) * share)
        subtotal += Decimal(item["price"]) * item["current_quantity"] - discount
        discounts += discount
        tax += cents(sum((Decimal(t["price"]) for t in item["tax_lines"]), Decimal(0)) * share)
    shipping = sum((Decimal(line["discounted_price"]) for line in order["shipping_lines"]), Decimal(0))
    tax += sum((Decimal(t["price"]) for line in order["shipping_lines"] for t in line["tax_lines"]), Decimal(0))
    total = subtotal + shipping + (Decimal(0) if order["taxes_included"] else tax)
    received = Decimal(order["total_price"]) - Decimal(order["total_outstanding"])
    totals = _current_totals(total, subtotal, tax, discounts) | {"total_outstanding": total - received}
    return (
        order
        | {"line_items": items}
        | {name: money(value) for name, value in totals.items()}
        | {f"{name}_set": money_set(value, currency) for name, value in totals.items()}
    )
