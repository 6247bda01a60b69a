"""Do the web order's totals and the BC document's totals agree?"""

from decimal import Decimal

from domain.models import BcSalesOrder, Order

VAT_ROUNDING_PER_LINE = Decimal("0.01")


def totals_problem(order: Order, document: BcSalesOrder, tolerance: Decimal) -> str:
    """What differs, in words; empty when the total including VAT and the VAT agree (or the channel leaves prices
    to BC)."""
    differences = totals_differences(order, document, tolerance)
    if not differences:
        return ""
    return f"Totals differ from BC {document.number} ({order.currency}): " + "; ".join(differences)


def totals_differences(order: Order, document: BcSalesOrder, tolerance: Decimal) -> list[str]:
    """Which amounts differ (excl. VAT, VAT, incl. VAT), each with the web and the BC value; none when the total
    including VAT and the VAT agree.

    The shop rounds VAT per line and BC per document, so the VAT (and with it the amount excl. VAT) may differ by a
    cent a line.
    """
    vat_tolerance = tolerance + VAT_ROUNDING_PER_LINE * (len(order.lines) + len(order.charges))
    total_differs = order.total is not None and abs(order.total - document.total_including_tax) > tolerance
    vat_differs = order.total_tax is not None and abs(order.total_tax - document.total_tax) > vat_tolerance
    if not (total_differs or vat_differs):
        return []
    differences = []
    if order.total is not None and order.total_tax is not None:
        excluding = order.total - order.total_tax
        if abs(excluding - document.total_excluding_tax) > vat_tolerance:
            differences.append(f"total excl. VAT: web {excluding}, BC {document.total_excluding_tax}")
    if vat_differs:
        differences.append(f"VAT: web {order.total_tax}, BC {document.total_tax}")
    if total_differs:
        differences.append(f"total incl. VAT: web {order.total}, BC {document.total_including_tax}")
    return differences
