"""A credit memo's lines put in BC: each planned line added once (by its sequence) and priced as planned, then the
draft brought to the refund's total when BC's rounding leaves it a cent or so apart."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.refunds.credit_memo_lines import CENT, UNIT_PRICE_PLACES
from domain.refunds.shop_origin_ports import BcDocumentLine, BcDraftCreditMemo, CreditMemoDrafts

ROUNDING_TRIES = 3
"""How often a draft a cent from the refund is moved towards it before a person is asked."""


def complete_lines(bc: CreditMemoDrafts, memo: BcDraftCreditMemo, planned: list[BcDocumentLine]) -> None:
    """Each planned line BC has no line with its sequence for added; each line at another price than planned (BC
    re-prices an item line while it validates its quantity) re-priced."""
    have = {line.sequence: line for line in memo.lines}
    for line in planned:
        stored = have.get(line.sequence) or bc.add_line(memo.id, line)
        if line.line_type != "Comment" and (
            stored.unit_price != line.unit_price or stored.discount_amount != line.discount_amount
        ):
            bc.reprice(memo.id, stored.id, line.unit_price, line.discount_amount)


def rounded_to(
    bc: CreditMemoDrafts, memo: BcDraftCreditMemo, refunded: Decimal, priced_lines: int
) -> BcDraftCreditMemo:
    """A draft a cent a priced line from the refund (BC rounds VAT over the document, the shop per line or unit)
    brought to it: the last priced line's unit price moved by the gap (without VAT when the credit memo's prices
    are), read again, at most ROUNDING_TRIES times."""
    for _ in range(ROUNDING_TRIES):
        gap = refunded - memo.total_including_tax
        priced = [line for line in memo.lines if line.line_type != "Comment" and line.quantity]
        if not gap or abs(gap) > CENT * priced_lines or not priced:
            return memo
        last = priced[-1]
        net_gap = gap if memo.prices_include_tax else gap / (1 + last.tax_percent / 100)
        unit_price = (last.unit_price + net_gap / last.quantity).quantize(UNIT_PRICE_PLACES, ROUND_HALF_UP)
        bc.reprice(memo.id, last.id, unit_price, last.discount_amount)
        memo = bc.read(memo.id)
    return memo
