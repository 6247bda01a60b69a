"""What BC's posted sales invoices and credit memos share, as Koppel keeps them on the order record."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.models import Frozen


class BcPostedDocument(Frozen):
    id: str
    number: str
    external_document_number: str
    """Carried over from the document it comes from: how Koppel finds the web order."""
    customer_number: str
    currency_code: str = ""
    """Blank for the company's local currency, as BC keeps it."""
    total_including_tax: Decimal
    status: str
    posting_date: date | None = None
    last_modified: datetime | None = None
