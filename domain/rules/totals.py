"""Do the web order's totals and the BC document's totals agree?"""

from decimal import Decimal

from domain.models import BcSalesOrder, Order


def totals_agree(order: Order, document: BcSalesOrder, tolerance: Decimal) -> bool:
    return abs(order.total - document.total_including_tax) <= tolerance


def totals_problem(order: Order, document: BcSalesOrder) -> str:
    return (
        f"Totals differ: web order {order.total} {order.currency} incl. VAT, "
        f"BC {document.number} {document.total_including_tax}"
    )
