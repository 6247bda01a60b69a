"""Sales document arithmetic as BC does it: cent rounding, line and invoice discounts, VAT per rate."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from localdev.simulators.businesscentral.errors import bad_request
from localdev.simulators.businesscentral.store import Record

VAT_RATES = {"HOOG": Decimal(21), "LAAG": Decimal(9), "NUL": Decimal(0)}
CENT = Decimal("0.01")
PERCENT_PRECISION = Decimal("0.00001")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def dec(value: object) -> Decimal:
    return Decimal(str(value))


def gross_amount(line: Record) -> Decimal:
    return cents(dec(line["quantity"]) * dec(line["unitPrice"]))


def set_discount_amount(line: Record, amount: Decimal) -> None:
    """A line discount given as an amount: BC derives the percentage from it."""
    gross = gross_amount(line)
    if amount < 0 or amount > abs(gross):
        raise bad_request(f"Line Discount Amount must be between 0 and {gross} (the line amount).")
    line["discountAmount"] = float(amount)
    line["discountPercent"] = float((amount / gross * _HUNDRED).quantize(PERCENT_PRECISION)) if gross else 0.0


def apply_discount_percent(line: Record) -> None:
    """Quantity, price or percentage changed: the line discount amount follows the percentage."""
    percent = dec(line["discountPercent"])
    if not _ZERO <= percent <= _HUNDRED:
        raise bad_request("The value of discountPercent must be between 0 and 100.")
    line["discountAmount"] = float(cents(gross_amount(line) * percent / _HUNDRED))


def recalculate(order: Record, lines: list[Record]) -> None:
    """Fill every line's amounts and the order's totals from quantities, prices, discounts and VAT rates."""
    includes_tax = bool(order["pricesIncludeTax"])
    amounts = [gross_amount(line) - dec(line["discountAmount"]) for line in lines]
    allocations = _spread(cents(dec(order["discountAmount"])), amounts)
    carries: dict[str, Decimal] = defaultdict(Decimal)
    for line, amount, allocation in zip(lines, amounts, allocations, strict=True):
        rate = dec(line["taxPercent"])
        before = _split(amount, rate, includes_tax)
        carry_key = f"{line['taxCode']}:{rate}"
        after, carries[carry_key] = _split_carrying(amount - allocation, rate, includes_tax, carries[carry_key])
        line.update(
            discountAppliedBeforeTax=not includes_tax,
            amountExcludingTax=float(before[0]),
            totalTaxAmount=float(before[1]),
            amountIncludingTax=float(before[0] + before[1]),
            invoiceDiscountAllocation=float(before[0] - after[0]),
            netAmount=float(after[0]),
            netTaxAmount=float(after[1]),
            netAmountIncludingTax=float(after[0] + after[1]),
        )
    order.update(
        discountAppliedBeforeTax=not includes_tax,
        totalAmountExcludingTax=float(sum((dec(line["netAmount"]) for line in lines), _ZERO)),
        totalTaxAmount=float(sum((dec(line["netTaxAmount"]) for line in lines), _ZERO)),
        totalAmountIncludingTax=float(sum((dec(line["netAmountIncludingTax"]) for line in lines), _ZERO)),
    )


def _split(amount: Decimal, rate: Decimal, includes_tax: bool) -> tuple[Decimal, Decimal]:
    """(amount excluding VAT, VAT) of one line on its own."""
    return _split_carrying(amount, rate, includes_tax, _ZERO)[0]


def _split_carrying(
    amount: Decimal, rate: Decimal, includes_tax: bool, carry: Decimal
) -> tuple[tuple[Decimal, Decimal], Decimal]:
    """Like BC, carry the rounding remainder from line to line within one VAT rate, so totals round once."""
    if includes_tax:
        exact = amount / (1 + rate / _HUNDRED) + carry
        base = cents(exact)
        return (base, amount - base), exact - base
    exact = amount * rate / _HUNDRED + carry
    tax = cents(exact)
    return (amount, tax), exact - tax


def _spread(total: Decimal, amounts: list[Decimal]) -> list[Decimal]:
    """An invoice discount allocated over lines in proportion to their amounts, in cents that add up."""
    base = sum(amounts, _ZERO)
    if total and (total < 0 or total > base):
        raise bad_request(f"The invoice discount amount must be between 0 and the order amount {base}.")
    if not total:
        return [_ZERO for _ in amounts]
    shares: list[Decimal] = []
    remainder = _ZERO
    for amount in amounts:
        exact = total * amount / base + remainder
        share = cents(exact)
        remainder = exact - share
        shares.append(share)
    return shares
