"""The portal's price inquiry (`POST /api/portal/customers/{customerNumber}/prices`) and Koppel's answer, in the
portal's JSON: camelCase names as in its orders, amounts and quantities as decimal strings."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.catalog.availability import ChannelStock
from domain.catalog.prices import ResolvedPrice
from domain.orders.mapping.portal import CODE
from domain.portal.catalog import CustomerQuote, ItemQuote, NamedAlternative
from domain.values import parse_json

MAX_LINES = 100
CENT = Decimal("0.01")
_CUSTOMER_NUMBER = re.compile(CODE)


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PriceInquiryLine(_Schema):
    item_number: str = Field(alias="itemNumber", max_length=20, pattern=CODE)
    variant_code: str = Field("", alias="variantCode", max_length=10, pattern=r"^$|" + CODE)
    quantity: Decimal = Field(Decimal(1), gt=0, le=10**6, allow_inf_nan=False, decimal_places=5)
    """In the item's base unit of measure."""


class PriceInquiry(_Schema):
    """Items a customer may buy, each with the quantity to price; on `date` (the order date), by default today."""

    order_date: date | None = Field(None, alias="date")
    lines: list[PriceInquiryLine] = Field(min_length=1, max_length=MAX_LINES)


def parse(body: bytes) -> PriceInquiry:
    """Validate an inquiry; raises ValueError with a readable message when it does not fit."""
    return parse_json(PriceInquiry, body, "price inquiry")


def customer_number(text: str) -> str:
    """A BC customer number from the route; ValueError when it cannot be one."""
    if len(text) > 20 or not _CUSTOMER_NUMBER.fullmatch(text):
        raise ValueError("not a customer number: up to 20 letters, digits, spaces and . _ / -")
    return text


def answer(quote: CustomerQuote) -> dict[str, Any]:
    return {
        "customerNumber": quote.customer_number,
        "currencyCode": quote.currency_code,
        "pricesIncludeVat": quote.prices_include_vat,
        "date": quote.order_date.isoformat(),
        "items": [_item(found) for found in quote.items],
        "notFound": list(quote.not_found),
    }


def _item(quote: ItemQuote) -> dict[str, Any]:
    return {
        "itemNumber": quote.item.number,
        "variantCode": quote.variant_code,
        "description": quote.item.name,
        "unitOfMeasureCode": quote.item.base_unit_of_measure,
        "blocked": quote.item.blocked,
        "quantity": _number(quote.quantity),
        **_price(quote.price),
        "quantityBreaks": [
            {"minimumQuantity": _number(step.minimum_quantity), **_price(step.price)} for step in quote.quantity_breaks
        ],
        "availability": _availability(quote.stock),
        "alternatives": [_alternative(offered) for offered in quote.alternatives],
    }


def _price(price: ResolvedPrice | None) -> dict[str, str | None]:
    """Null amounts: the price needs an exchange rate Koppel does not read."""
    return {
        "unitPrice": _amount(price.unit_price) if price else None,
        "lineDiscountPercent": _number(price.line_discount_percent) if price else None,
        "netUnitPrice": _amount(price.net_unit_price) if price else None,
    }


def _availability(stock: ChannelStock) -> dict[str, str | None]:
    return {
        "status": stock.status.value,
        "quantity": None if stock.quantity is None else _number(stock.quantity),
        "expectedDate": stock.expected_on.isoformat() if stock.expected_on else None,
        "expectedQuantity": None if stock.expected_quantity is None else _number(stock.expected_quantity),
    }


def _alternative(offered: NamedAlternative) -> dict[str, Any]:
    return {
        "itemNumber": offered.substitute.item_number,
        "variantCode": offered.substitute.variant_code,
        "description": offered.name,
        "interchangeable": offered.interchangeable,
        "availability": _availability(offered.stock),
    }


def _amount(value: Decimal) -> str:
    """At least cents, and every further decimal BC's unit-amount precision kept: 28.00, 12.34567."""
    cents = value.quantize(CENT)
    return str(cents) if cents == value else _number(value)


def _number(value: Decimal) -> str:
    """Without trailing zeros or exponent: 10, 12.5."""
    return f"{value.normalize():f}"
