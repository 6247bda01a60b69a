"""A credit memo's lines put in BC: each planned line added once (by its sequence) and priced as planned, then the
draft brought to the refund's total when BC's rounding leaves it a cent or so apart.

BC rounds VAT over the document, the shop per line or unit, so a draft priced as invoiced may be a cent a priced line
from the refund. With a rounding account (0 % VAT) set, one rule: the planned lines keep the invoice's prices and the
gap goes on one line on that account, which lands exactly and shows what was done. Without one, the last priced
line's unit price is moved by the gap, which BC's VAT rounding may undo (then a person corrects it).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from domain.refunds.credit_memo_lines import CENT, SEQUENCE_STEP, UNIT_PRICE_PLACES
from domain.refunds.shop_origin_ports import BcDocumentLine, BcDraftCreditMemo, CreditMemoDrafts

ROUNDING_TRIES = 3
"""How often a draft a cent from the refund is moved towards it before a person is asked (without a rounding
account)."""
ROUNDING_DESCRIPTION = "Rounding to the shop's refund"


def complete_lines(bc: CreditMemoDrafts, memo: BcDraftCreditMemo, planned: list[BcDocumentLine]) -> BcDraftCreditMemo:
    """Each planned line BC has no line with its sequence for added; each line at another price than planned (BC
    re-prices an item line while it validates its quantity) re-priced, on the ETag BC answered it with (no read). The
    draft read again once when anything was written, else as it was read."""
    have = {line.sequence: line for line in memo.lines}
    written = False
    for line in planned:
        stored = have.get(line.sequence)
        if stored is None:
            stored, written = bc.add_line(memo.id, line), True
        if line.line_type != "Comment" and (
            stored.unit_price != line.unit_price or stored.discount_amount != line.discount_amount
        ):
            bc.reprice(memo.id, stored, line.unit_price, line.discount_amount)
            written = True
    return bc.read(memo.id) if written else memo


def vat_apart(memo: BcDraftCreditMemo, planned: Sequence[BcDocumentLine]) -> str:
    """Why the draft's VAT is not the invoice's: a line priced from an invoice line (an item, or units not taken back)
    at another VAT % than that line (the item's VAT group changed since, or a taxCode BC reads as a VAT Identifier
    named otherwise than its group); "" when none is. A total that includes VAT cannot show this."""
    stored = {line.sequence: line for line in memo.lines}
    for line in planned:
        found = stored.get(line.sequence)
        from_invoice = line.line_type == "Item" or bool(line.tax_code)
        if from_invoice and found is not None and found.tax_percent != line.tax_percent:
            return (
                f"line {line.sequence} ({line.description}) has {found.tax_percent} % VAT, its invoice line "
                f"{line.tax_percent} %: correct its VAT Prod. Posting Group"
            )
    return ""


def rounded_to(
    bc: CreditMemoDrafts,
    memo: BcDraftCreditMemo,
    refunded: Decimal,
    planned: Sequence[BcDocumentLine],
    rounding_account: str,
) -> BcDraftCreditMemo:
    """The draft, brought to the refund when it is a cent a priced line or less from it: by a line on the rounding
    account, else by moving the last priced line's price; as read again."""
    priced_lines = sum(1 for line in planned if line.line_type != "Comment")
    if rounding_account:
        return _with_rounding_line(bc, memo, refunded, _rounding_line(planned, rounding_account), priced_lines)
    return _nudged(bc, memo, refunded, priced_lines)


def _rounding_line(planned: Sequence[BcDocumentLine], account: str) -> BcDocumentLine:
    """The rounding line, unpriced: its sequence follows the planned lines', so a re-run finds it."""
    return BcDocumentLine(
        sequence=SEQUENCE_STEP * (len(planned) + 1),
        line_type="Account",
        object_number=account,
        description=ROUNDING_DESCRIPTION,
        quantity=Decimal(1),
    )


def _with_rounding_line(
    bc: CreditMemoDrafts, memo: BcDraftCreditMemo, refunded: Decimal, rounding: BcDocumentLine, priced_lines: int
) -> BcDraftCreditMemo:
    """One line, quantity 1 at the gap (negative when the draft is above the refund, as BC prices its own invoice
    rounding line), added once: never when the draft has a line with its sequence."""
    gap = refunded - memo.total_including_tax
    added = any(line.sequence == rounding.sequence for line in memo.lines)
    if not gap or abs(gap) > CENT * priced_lines or added:
        return memo
    bc.add_line(memo.id, rounding.model_copy(update={"unit_price": gap}))
    return bc.read(memo.id)


def _nudged(bc: CreditMemoDrafts, memo: BcDraftCreditMemo, refunded: Decimal, priced_lines: int) -> BcDraftCreditMemo:
    """The last priced line's unit price moved by the gap (without VAT when the credit memo's prices are), read
    again, at most ROUNDING_TRIES times."""
    for _ in range(ROUNDING_TRIES):
        gap = refunded - memo.total_including_tax
        priced = [line for line in memo.lines if line.line_type != "Comment" and line.quantity]
        if not gap or abs(gap) > CENT * priced_lines or not priced:
            return memo
        last = priced[-1]
        net_gap = gap if memo.prices_include_tax else gap / (1 + last.tax_percent / 100)
        unit_price = (last.unit_price + net_gap / last.quantity).quantize(UNIT_PRICE_PLACES, ROUND_HALF_UP)
        bc.reprice(memo.id, last, unit_price, last.discount_amount)
        memo = bc.read(memo.id)
    return memo
