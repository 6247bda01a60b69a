"""Do the web order's totals and the BC document's totals agree?"""

from decimal import Decimal

from domain.models import BcSalesOrder, Order

VAT_ROUNDING_PER_LINE = Decimal("0.01")


def totals_problem(order: Order, document: BcSalesOrder, tolerance: Decimal) -> str:
    """What differs, in words; empty when the totals including VAT and the VAT itself agree (or the channel
    leaves prices to BC).

    The shop rounds VAT per line and BC per document, so the VAT may differ by a cent a line.
    """
    problems = []
    if order.total is not None and abs(order.total - document.total_including_tax) > tolerance:
        problems.append(f"total incl. VAT: web {order.total}, BC {document.total_including_tax}")
    vat_tolerance = tolerance + VAT_ROUNDING_PER_LINE * (len(order.lines) + len(order.charges))
    if order.total_tax is not None and abs(order.total_tax - document.total_tax) > vat_tolerance:
        problems.append(f"VAT: web {order.total_tax}, BC {document.total_tax}")
    if not problems:
        return ""
    return f"Totals differ from BC {document.number} ({order.currency}): " + "; ".join(problems)
