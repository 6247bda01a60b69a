"""The sales price and line discount of an item for a customer, resolved from BC's price list lines (table 7001
"Price List Line") the way BC's "Price Calculation - V16" (codeunit 7002, with codeunit 7008 "Price Calculation
Buffer Mgt." and codeunit 7020 "Sales Line - Price") does when an item is entered on a sales line.

BC first finds the line discount, then the price, and finally withholds the discount if the chosen price line does
not allow it. Both searches take the active sales lines of the customer's sources for the item, valid on the date,
in the document's currency or without currency, for the line's unit of measure or without one, whose minimum
quantity is reached; among them the more specific line wins (see `_pick_best`), then the lowest price after
conversion to the document, or the highest discount. Without a price line the item card's unit price applies.

Simplified, on purpose:
- Contact and project (job) sources are not looked for: Koppel prices for a customer, and the campaigns of the
  customer or its contact come in as `PriceRequest.active_campaigns`.
- Lines without an item number ("all items", "all item discount groups") are never taken; BC takes them only for a
  source that has no line for the item or its discount group.
- One VAT %: BC converts a price including VAT with the VAT % of the line's VAT Bus. Posting Gr. (Price) and the
  item's VAT Prod. Posting Group; here the document's `vat_percent` serves both. Normal VAT only (no reverse charge,
  no sales tax).
- The customer is taken to allow line discounts (Customer card "Allow Line Disc."); only a price line can refuse.
- Lines are visited in BC's order, price list code then line number; it matters only when one line names the
  currency and another the variant. Python orders codes as strings, as BC's SQL collation does for plain codes.
- A price typed over by hand on the sales line is not kept: this is the price BC proposes, not the one it keeps
  when only the quantity or variant changes and no line is found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from domain.catalog.prices import (
    PriceAmountType,
    PriceAssetType,
    PriceListLine,
    PriceRequest,
    PriceSourceType,
    PriceStatus,
    PriceType,
    QuantityBreak,
    ResolvedPrice,
)

QUANTITY_PRECISION = Decimal("0.00001")
"""BC's quantities have five decimals; a break converted from base units is rounded up to them."""


def best_price(lines: Iterable[PriceListLine], request: PriceRequest) -> ResolvedPrice:
    """BC's ApplyDiscount, then ApplyPrice: the best discount, the best price given that discount, and no discount
    when the chosen price line does not allow one."""
    applicable = sorted(
        (line for line in lines if _applies(line, request)), key=lambda line: (line.price_list_code, line.line_number)
    )
    discount_line = _best_discount_line(applicable, request)
    discount = discount_line.line_discount_percent if discount_line else Decimal(0)
    price_line = _best_price_line(applicable, request, discount)
    if price_line is None:
        unit_price = _document_price(
            request.item_unit_price,
            includes_vat=request.item_price_includes_vat,
            unit_of_measure_code="",
            currency_code="",
            request=request,
        )
    else:
        unit_price = _line_price(price_line, request)
        if not price_line.allow_line_discount:
            discount_line, discount = None, Decimal(0)
    return ResolvedPrice(
        unit_price=unit_price,
        line_discount_percent=discount,
        net_unit_price=_rounded(unit_price * (100 - discount) / 100, request.unit_amount_rounding_precision),
        price_line=price_line,
        discount_line=discount_line,
    )


def quantity_breaks(lines: Iterable[PriceListLine], request: PriceRequest) -> list[QuantityBreak]:
    """The price from quantity 0 and from each minimum quantity of the applicable lines upward, each resolved with
    `best_price` at that quantity (the request's own quantity is not used); a break that changes neither the unit
    price nor the discount is left out."""
    all_lines = tuple(lines)
    quantities = {Decimal(0)} | {
        _break_quantity(line, request)
        for line in all_lines
        if _applies(line, request) and (_serves(line, PriceAmountType.PRICE) or _serves(line, PriceAmountType.DISCOUNT))
    }
    breaks: list[QuantityBreak] = []
    for quantity in sorted(quantities):
        price = best_price(all_lines, request.at_quantity(quantity))
        if not breaks or _pays_differently(breaks[-1].price, price):
            breaks.append(QuantityBreak(minimum_quantity=quantity, price=price))
    return breaks


def _applies(line: PriceListLine, request: PriceRequest) -> bool:
    """BC's filters on the price list lines, but for the amount type and the minimum quantity."""
    return (
        line.price_type is PriceType.SALE
        and line.status is PriceStatus.ACTIVE
        and _is_for_source(line, request)
        and _is_for_asset(line, request)
        and _is_valid_on(line, request.order_date)
        and line.currency_code in ("", request.currency_code)
        and (not request.unit_of_measure_code or line.unit_of_measure_code in ("", request.unit_of_measure_code))
    )


def _is_for_source(line: PriceListLine, request: PriceRequest) -> bool:
    if line.source_type is PriceSourceType.ALL_CUSTOMERS:
        return True
    return line.source_number in request.source_numbers().get(line.source_type, frozenset())


def _is_for_asset(line: PriceListLine, request: PriceRequest) -> bool:
    if line.asset_type is PriceAssetType.ITEM:
        return line.asset_number == request.item_number and line.variant_code in ("", request.variant_code)
    if line.asset_type is PriceAssetType.ITEM_DISCOUNT_GROUP:
        return bool(request.item_discount_group) and line.asset_number == request.item_discount_group
    return False


def _is_valid_on(line: PriceListLine, day: date) -> bool:
    return (line.starting_date is None or line.starting_date <= day) and (
        line.ending_date is None or line.ending_date >= day
    )


def _serves(line: PriceListLine, amount_type: PriceAmountType) -> bool:
    """A line of this amount type or Any, from a source and for an asset that give it: a customer price group gives
    prices only, a customer discount group and an item discount group discounts only (BC's IsForAmountType)."""
    if line.amount_type not in (amount_type, PriceAmountType.ANY):
        return False
    if line.source_type is PriceSourceType.CUSTOMER_PRICE_GROUP:
        return amount_type is PriceAmountType.PRICE
    if line.source_type is PriceSourceType.CUSTOMER_DISC_GROUP or line.asset_type is PriceAssetType.ITEM_DISCOUNT_GROUP:
        return amount_type is PriceAmountType.DISCOUNT
    return True


def _reaches_minimum(line: PriceListLine, request: PriceRequest) -> bool:
    """A line without unit of measure counts the quantity in base units (BC's IsInMinQty)."""
    if line.unit_of_measure_code:
        return line.minimum_quantity <= request.quantity
    return line.minimum_quantity <= request.quantity * request.qty_per_unit_of_measure


def _break_quantity(line: PriceListLine, request: PriceRequest) -> Decimal:
    """The least quantity in the request's unit of measure at which the line reaches its minimum."""
    if line.unit_of_measure_code:
        return line.minimum_quantity
    return (line.minimum_quantity / request.qty_per_unit_of_measure).quantize(QUANTITY_PRECISION, ROUND_CEILING)


def _best_discount_line(applicable: Iterable[PriceListLine], request: PriceRequest) -> PriceListLine | None:
    ranked = (
        (line.line_discount_percent, line)
        for line in applicable
        if _serves(line, PriceAmountType.DISCOUNT) and _reaches_minimum(line, request)
    )
    return _pick_best(ranked, _is_higher_discount)


def _best_price_line(
    applicable: Iterable[PriceListLine], request: PriceRequest, discount: Decimal
) -> PriceListLine | None:
    """Prices compete net of the discount already found, which a line that refuses discounts does not get; so a
    dearer line that allows the discount can beat a cheaper one that refuses it (BC's IsBetterPrice)."""
    ranked = (
        (_line_price(line, request) * (100 - (discount if line.allow_line_discount else 0)) / 100, line)
        for line in applicable
        if _serves(line, PriceAmountType.PRICE) and _reaches_minimum(line, request)
    )
    return _pick_best(ranked, _is_lower_price)


def _is_higher_discount(discount: Decimal, best: Decimal | None) -> bool:
    return discount > (best or 0)


def _is_lower_price(amount: Decimal, best: Decimal | None) -> bool:
    return best is None or amount < best


def _pick_best(
    ranked: Iterable[tuple[Decimal, PriceListLine]], is_better: Callable[[Decimal, Decimal | None], bool]
) -> PriceListLine | None:
    """BC's PickBestLine over the lines in order. A line naming the currency or variant that the best line so far
    leaves blank replaces it, better or not (the best is cleared first, so a 0 % discount line ends with no discount);
    a line leaving blank what the best names is passed over; otherwise, or when a line does both, the better wins."""
    best: tuple[Decimal, PriceListLine] | None = None
    for amount, line in ranked:
        held = (best[1].currency_code, best[1].variant_code) if best else ("", "")
        offered = (line.currency_code, line.variant_code)
        improved = any(new and not old for new, old in zip(offered, held, strict=True))
        degraded = any(old and not new for new, old in zip(offered, held, strict=True))
        if degraded and not improved:
            continue
        if improved and not degraded:
            best = None
        if is_better(amount, best[0] if best else None):
            best = (amount, line)
    return best[1] if best else None


def _line_price(line: PriceListLine, request: PriceRequest) -> Decimal:
    return _document_price(
        line.unit_price,
        includes_vat=line.price_includes_vat,
        unit_of_measure_code=line.unit_of_measure_code,
        currency_code=line.currency_code,
        request=request,
    )


def _document_price(
    amount: Decimal, *, includes_vat: bool, unit_of_measure_code: str, currency_code: str, request: PriceRequest
) -> Decimal:
    """BC's ConvertAmount: to the document's VAT terms, per base unit times the quantity per unit of measure when
    the price has no unit of measure, LCY times the currency factor in a foreign-currency document, then rounded to
    the unit-amount rounding precision. A zero price stays zero."""
    if amount == 0:
        return amount
    if includes_vat != request.prices_include_vat:
        vat_factor = 1 + request.vat_percent / 100
        amount = amount / vat_factor if includes_vat else amount * vat_factor
    if not unit_of_measure_code:
        amount *= request.qty_per_unit_of_measure
    if request.currency_code and not currency_code:
        amount *= request.currency_factor
    return _rounded(amount, request.unit_amount_rounding_precision)


def _rounded(amount: Decimal, precision: Decimal) -> Decimal:
    """BC's Round(amount, precision): to the nearest multiple, halves away from zero."""
    return (amount / precision).quantize(Decimal(1), ROUND_HALF_UP) * precision


def _pays_differently(before: ResolvedPrice, after: ResolvedPrice) -> bool:
    return (before.unit_price, before.line_discount_percent) != (after.unit_price, after.line_discount_percent)
