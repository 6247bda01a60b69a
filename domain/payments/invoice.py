"""A posted BC sales invoice as Koppel keeps it on the order record: what a payment is applied to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.models import Frozen


class BcInvoice(Frozen):
    id: str
    number: str
    external_document_number: str
    """Carried over from the sales order: how Koppel finds the web order."""
    customer_number: str
    currency_code: str = ""
    """Blank for the company's local currency, as BC keeps it."""
    total_including_tax: Decimal
    remaining_amount: Decimal
    status: str
    order_number: str = ""
    posting_date: date | None = None
    last_modified: datetime | None = None

    @property
    def open(self) -> bool:
        return self.remaining_amount > 0
