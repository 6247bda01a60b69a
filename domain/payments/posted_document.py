"""What BC's sales invoices and credit memos share, as Koppel keeps them on the order record (posted ones, and the
unposted ones BC lists beside them)."""

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
    """The sell-to customer."""
    bill_to_customer_number: str = ""
    """The customer BC books the document on (its customer ledger entry); blank in records filed before it was
    read."""
    currency_code: str = ""
    """Blank for the company's local currency, as BC keeps it."""
    total_including_tax: Decimal
    status: str
    posting_date: date | None = None
    last_modified: datetime | None = None

    @property
    def billed_customer_number(self) -> str:
        """Whose open entry the document is, so whom a payment or refund line applied to it must name."""
        return self.bill_to_customer_number or self.customer_number
