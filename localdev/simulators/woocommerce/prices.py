"""What a price and a stock state come to: the derived `price`, `on_sale` and `stock_status` of the API.

WooCommerce stores `price` when a product is saved (the sale price while on sale, else the regular one) and its
daily cron moves it when a scheduled sale starts or ends. The simulator derives it when it answers, as if that cron
ran on the dot; it does not clear the sale fields after a sale has ended, as the cron would.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from localdev.simulators.woocommerce.products import Product


def amount(price: str) -> Decimal | None:
    """A stored price as a number; "" (no price) and leftovers like "-" are None."""
    try:
        return Decimal(price) if price else None
    except InvalidOperation:
        return None


def on_sale(item: Product, now: datetime) -> bool:
    """WC_Product::is_on_sale: a sale price below the regular one, inside the sale dates when there are any."""
    regular, sale = amount(item.regular_price), amount(item.sale_price)
    if regular is None or sale is None or not regular > sale:
        return False
    if item.sale_from is not None and item.sale_from > now:
        return False
    return item.sale_to is None or item.sale_to >= now


def active_price(item: Product, now: datetime) -> str:
    return item.sale_price if on_sale(item, now) else item.regular_price


def lowest_price(variations: Iterable[Product], now: datetime) -> str:
    """A variable product's price: the lowest of its published variations that have one."""
    prices = [(value, price) for price in _published_prices(variations, now) if (value := amount(price)) is not None]
    return min(prices)[1] if prices else ""


def stock_status_of(item: Product) -> str:
    """validate_props on save: a managed stock decides the status (above 0 in stock, else backorder or out)."""
    if not item.manage_stock:
        return item.stock_status
    if (item.stock_quantity or 0) > 0:
        return "instock"
    return "onbackorder" if item.backorders != "no" else "outofstock"


def children_stock_status(variations: Iterable[Product]) -> str:
    """A variable product that does not manage stock: in stock if a variation is, else on backorder if one is."""
    statuses = {variation.stock_status for variation in variations}
    for status in ("instock", "onbackorder"):
        if status in statuses:
            return status
    return "outofstock"


def _published_prices(variations: Iterable[Product], now: datetime) -> list[str]:
    return [active_price(variation, now) for variation in variations if variation.status == "publish"]
