"""Shopify money: strings with two decimals, and the `*_set` twin in shop and presentment currency."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return str(cents(value))


def money_set(value: Decimal, currency: str) -> dict[str, dict[str, str]]:
    amount = {"amount": money(value), "currency_code": currency}
    return {"shop_money": amount, "presentment_money": dict(amount)}


def tax_on(amount: Decimal, rate: Decimal, *, included: bool) -> Decimal:
    """The tax in `amount` (prices include tax) or on top of it, rounded per line as Shopify does."""
    return cents(amount * rate / (1 + rate)) if included else cents(amount * rate)
