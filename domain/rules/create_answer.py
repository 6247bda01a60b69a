"""Can BC's answer to a sales order create be the document as BC stored it?

Microsoft documents that a deep insert answers "a salesOrders object" (dynamics_salesOrder_create.md), not that the
answer carries the nested lines and the totals that include them; the API page computes the header's totals in
OnInsertRecord, before the lines go in. An answer that cannot be the stored document is read back before Koppel
fingerprints it and runs its controls.
"""

from decimal import ROUND_HALF_UP, Decimal

from domain.models import BcSalesOrder, BcSalesOrderLine

CENT = Decimal("0.01")


def incomplete_answer(answer: BcSalesOrder, lines_sent: int) -> str:
    """Why the answer cannot be the stored document, in words (empty when it can): fewer lines than were sent, or
    totals that do not fit its lines."""
    if len(answer.lines) < lines_sent:
        return f"its answer had {len(answer.lines)} of the {lines_sent} lines sent"
    if not _totals_fit_lines(answer):
        return f"its answer's total {answer.total_including_tax} does not fit its lines"
    return ""


def _totals_fit_lines(document: BcSalesOrder) -> bool:
    """The lines' amounts add up to the total excluding VAT (prices excluding VAT) or including it (prices including
    VAT), within a cent a line, and the totals' parts add up. An invoice discount lowers the totals below the lines:
    such an answer is read back too (one read more; the controls then judge the stored document)."""
    lines = sum((_amount(line) for line in document.lines), Decimal(0))
    tolerance = CENT * max(1, len(document.lines))
    parts_add_up = abs(document.total_excluding_tax + document.total_tax - document.total_including_tax) <= CENT
    totals = (document.total_excluding_tax, document.total_including_tax)
    return parts_add_up and any(abs(total - lines) <= tolerance for total in totals)


def _amount(line: BcSalesOrderLine) -> Decimal:
    """BC's line amount: quantity x unit price, rounded to the cent, less the line discount."""
    return (line.quantity * line.unit_price).quantize(CENT, rounding=ROUND_HALF_UP) - line.discount_amount
