"""Can BC's answer to a sales order create be the document as BC stored it?

Microsoft documents that a deep insert answers "a salesOrders object" (dynamics_salesOrder_create.md), not that the
answer carries the nested lines and the totals that include them; the API page computes the header's totals in
OnInsertRecord, before the lines go in. An answer that cannot be the stored document is read back before Koppel
fingerprints it and runs its controls.
"""

from decimal import Decimal

from domain.models import BcSalesOrder, BcSalesOrderLine
from domain.values import CENT, cents


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
    VAT), within a rounding unit a line, and the totals' parts add up. An invoice discount lowers the totals below
    the lines: such an answer is read back too (one read more; the controls then judge the stored document)."""
    lines = sum((_amount(line) for line in document.lines), Decimal(0))
    tolerance = _rounding_unit(document) * max(1, len(document.lines))
    parts_add_up = abs(document.total_excluding_tax + document.total_tax - document.total_including_tax) <= CENT
    totals = (document.total_excluding_tax, document.total_including_tax)
    return parts_add_up and any(abs(total - lines) <= tolerance for total in totals)


def _rounding_unit(document: BcSalesOrder) -> Decimal:
    """What BC rounds each line amount to, as the totals show it: BC's Currency "Amount Rounding Precision" is not
    on the API. A whole unit when every total that is not 0 is whole (JPY, HUF), else a cent. Kept simple: a
    document in cents whose totals happen to be whole is judged a unit a line loosely, which at worst takes an
    answer for the document that a read-back would have corrected; totals of 0 (computed before the lines) say
    nothing and keep the cent."""
    shown = [total for total in (document.total_excluding_tax, document.total_including_tax) if total]
    return Decimal(1) if shown and all(total == total.to_integral_value() for total in shown) else CENT


def _amount(line: BcSalesOrderLine) -> Decimal:
    """BC's line amount: quantity x unit price, rounded to the cent, less the line discount."""
    return cents(line.quantity * line.unit_price) - line.discount_amount
