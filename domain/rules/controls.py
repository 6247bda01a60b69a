"""The automated controls every imported order goes through, and the release decision they add up to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.models import BcCustomer, BcSalesOrder, Order, ResolvedSku
from domain.rules.totals import totals_problem

EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


class ControlResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    control: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class ControlPolicy:
    price_tolerance_percent: Decimal = Decimal(1)
    totals_tolerance: Decimal = Decimal("0.02")
    company_country: str = "NL"
    prepayment_channels: frozenset[str] = frozenset({"woocommerce", "shopify"})
    on_account_methods: frozenset[str] = frozenset({"cod", "invoice", "on_account"})


def run_controls(
    order: Order,
    document: BcSalesOrder,
    skus: dict[str, ResolvedSku],
    customer: BcCustomer | None,
    policy: ControlPolicy,
) -> list[ControlResult]:
    return [
        _price(order, document, skus, policy),
        _totals(order, document, policy),
        _vat(order, customer, policy),
        _stock(order, skus),
        _payment(order, policy),
    ]


def release_blockers(results: list[ControlResult]) -> list[str]:
    """The controls that keep the order from release; none means ready."""
    return [result.control for result in results if not result.passed]


def _price(order: Order, document: BcSalesOrder, skus: dict[str, ResolvedSku], policy: ControlPolicy) -> ControlResult:
    """Each web line's price excluding VAT against the item's BC unit price (customer price lists: not yet)."""
    item_lines = [line for line in document.lines if line.line_type == "Item"]
    off = []
    for web_line, bc_line in zip(order.lines, item_lines, strict=False):
        bc_price = skus[web_line.sku].unit_price if web_line.sku in skus else None
        if web_line.unit_price is None or not bc_price:
            continue
        net = web_line.unit_price / (1 + bc_line.tax_percent / 100) if order.prices_include_tax else web_line.unit_price
        deviation = (net - bc_price) / bc_price * 100
        if abs(deviation) > policy.price_tolerance_percent:
            off.append(f"{web_line.sku}: web {net:.2f}, BC {bc_price:.2f} excl. VAT ({deviation:+.1f}%)")
    if off:
        return ControlResult(control="price", passed=False, detail="; ".join(off))
    if all(line.unit_price is None for line in order.lines):
        return ControlResult(control="price", passed=True, detail="BC prices used")
    return ControlResult(control="price", passed=True, detail="every line within the tolerance of BC's price")


def _totals(order: Order, document: BcSalesOrder, policy: ControlPolicy) -> ControlResult:
    problem = totals_problem(order, document, policy.totals_tolerance)
    if problem:
        return ControlResult(control="totals", passed=False, detail=problem)
    return ControlResult(control="totals", passed=True, detail=f"BC total {document.total_including_tax}")


def _vat(order: Order, customer: BcCustomer | None, policy: ControlPolicy) -> ControlResult:
    """No VAT is right only for an export, or a reverse charge to a business with a VAT number inside the EU."""
    if order.total_tax is None or order.total_tax != 0 or not order.total:
        return ControlResult(control="vat", passed=True, detail="VAT as charged")
    party = order.customer
    country = (party.shipping.country or party.billing.country).upper()
    vat_number = party.vat_number or (customer.tax_registration_number if customer else "")
    if country == policy.company_country:
        return ControlResult(control="vat", passed=False, detail=f"no VAT charged on a domestic ({country}) order")
    if country in EU_COUNTRIES and not vat_number:
        return ControlResult(
            control="vat", passed=False, detail=f"no VAT charged to {country} without a VAT number (reverse charge)"
        )
    if country in EU_COUNTRIES:
        return ControlResult(control="vat", passed=True, detail=f"reverse charge, VAT number {vat_number}")
    return ControlResult(control="vat", passed=True, detail=f"export to {country or 'an unknown country'}")


def _stock(order: Order, skus: dict[str, ResolvedSku]) -> ControlResult:
    """Enough on hand for every item (inventory over all locations, as BC's items report it)."""
    ordered: dict[str, Decimal] = defaultdict(Decimal)
    on_hand: dict[str, Decimal] = {}
    for line in order.lines:
        found = skus.get(line.sku)
        if found is not None and found.inventory is not None:
            ordered[found.item_number] += line.quantity
            on_hand[found.item_number] = found.inventory
    short = [
        f"{item}: {_count(quantity)} ordered, {_count(on_hand[item])} in stock"
        for item, quantity in ordered.items()
        if quantity > on_hand[item]
    ]
    if short:
        return ControlResult(control="stock", passed=False, detail="; ".join(short) + " (no expected receipt known)")
    return ControlResult(control="stock", passed=True, detail="enough in stock")


def _count(quantity: Decimal) -> str:
    """12, not 12.0 or 1.2E+1; 2.5 stays 2.5."""
    return f"{quantity:f}".rstrip("0").rstrip(".") if "." in f"{quantity:f}" else f"{quantity:f}"


def _payment(order: Order, policy: ControlPolicy) -> ControlResult:
    if order.key.source not in policy.prepayment_channels or order.payment_method in policy.on_account_methods:
        return ControlResult(control="payment", passed=True, detail="on account")
    if order.paid:
        return ControlResult(
            control="payment", passed=True, detail=f"paid ({order.payment_method or 'unknown method'})"
        )
    return ControlResult(control="payment", passed=False, detail="prepayment required and not received yet")
