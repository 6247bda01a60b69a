"""The automated controls every imported order goes through, and the release decision they add up to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.catalog.price_calculation import best_price
from domain.catalog.prices import CustomerPricing, PriceRequest
from domain.models import BcCustomer, BcSalesOrder, BcSalesOrderLine, Order, OrderLine, ResolvedSku
from domain.orders.rules.totals import totals_problem
from domain.payments.matching import Position, Settlement

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
    """What the controls hold an order against; the values (and their defaults) come from the settings."""

    price_tolerance_percent: Decimal
    totals_tolerance: Decimal
    company_country: str
    prepayment_channels: frozenset[str]
    on_account_methods: frozenset[str]
    local_currency: str


def run_controls(
    order: Order,
    document: BcSalesOrder,
    skus: dict[str, ResolvedSku],
    customer: BcCustomer | None,
    policy: ControlPolicy,
    *,
    pricing: CustomerPricing | None = None,
    settlement: Settlement | None = None,
) -> list[ControlResult]:
    """`pricing` None: BC's price lists are not read, and prices are checked against the item cards. `settlement`:
    what the payments Koppel matched to the order (Mollie, Stripe) bring in, when it has any."""
    return [
        _price(order, document, skus, pricing, policy),
        _totals(order, document, policy),
        _vat(order, customer, policy),
        _stock(order, skus),
        _payment(order, policy, settlement),
    ]


def release_blockers(results: list[ControlResult]) -> list[str]:
    """The controls that keep the order from release; none means ready."""
    return [result.control for result in results if not result.passed]


def _price(
    order: Order,
    document: BcSalesOrder,
    skus: dict[str, ResolvedSku],
    pricing: CustomerPricing | None,
    policy: ControlPolicy,
) -> ControlResult:
    """Each web line's net price excluding VAT against the price BC would give the bill-to customer on the order date:
    its best price list line (less the line discount), else the item card's unit price."""
    if all(line.unit_price is None for line in order.lines):
        return ControlResult(control="price", passed=True, detail="BC prices used")
    if order.currency != policy.local_currency:
        return ControlResult(
            control="price", passed=True, detail=f"not checked: prices in {order.currency}, BC's are in LCY"
        )
    item_lines = [line for line in document.lines if line.line_type == "Item"]
    off = []
    for web_line, bc_line in zip(order.lines, item_lines, strict=False):
        found = skus.get(web_line.sku)
        if web_line.unit_price is None or found is None:
            continue
        bc_price, source = _bc_price(order, document, found, web_line=web_line, bc_line=bc_line, pricing=pricing)
        if not bc_price:
            continue
        net = web_line.unit_price / (1 + bc_line.tax_percent / 100) if order.prices_include_tax else web_line.unit_price
        deviation = (net - bc_price) / bc_price * 100
        if abs(deviation) > policy.price_tolerance_percent:
            off.append(f"{web_line.sku}: web {net:.2f}, BC {bc_price:.2f} excl. VAT ({deviation:+.1f}%; {source})")
    if off:
        return ControlResult(control="price", passed=False, detail="; ".join(off))
    basis = "the item cards" if pricing is None else "BC's price lists for this customer"
    return ControlResult(control="price", passed=True, detail=f"every line within the tolerance of {basis}")


def _bc_price(
    order: Order,
    document: BcSalesOrder,
    resolved_sku: ResolvedSku,
    *,
    web_line: OrderLine,
    bc_line: BcSalesOrderLine,
    pricing: CustomerPricing | None,
) -> tuple[Decimal | None, str]:
    """BC's net unit price excluding VAT for the line, and where it comes from. The web line is taken to be in the
    item's base unit of measure."""
    if pricing is None or resolved_sku.unit_price is None:
        return resolved_sku.unit_price, "item card"
    resolved = best_price(
        pricing.lines,
        PriceRequest(
            customer_number=document.billed_customer_number,
            customer_price_group=pricing.customer_price_group,
            customer_discount_group=pricing.customer_discount_group,
            item_number=resolved_sku.item_number,
            variant_code=resolved_sku.variant_code or "",
            quantity=web_line.quantity,
            order_date=order.order_date,
            item_unit_price=resolved_sku.unit_price,
            vat_percent=bc_line.tax_percent,
        ),
    )
    line = resolved.price_line
    source = "item card" if line is None else f"price list {line.price_list_code} line {line.line_number}"
    if resolved.discount_line is not None:
        source += f", less {resolved.line_discount_percent:f}% from {resolved.discount_line.price_list_code}"
    return resolved.net_unit_price, source


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


def _payment(order: Order, policy: ControlPolicy, settlement: Settlement | None) -> ControlResult:
    if order.key.source not in policy.prepayment_channels or order.payment_method in policy.on_account_methods:
        return ControlResult(control="payment", passed=True, detail="on account")
    if settlement is not None and settlement.position is Position.PAID:
        detail = f"paid: {settlement.total} received from the payment provider"
        return ControlResult(control="payment", passed=True, detail=detail)
    if order.paid:
        return ControlResult(
            control="payment", passed=True, detail=f"paid ({order.payment_method or 'unknown method'})"
        )
    return ControlResult(control="payment", passed=False, detail="prepayment required and not received yet")
