"""What BC's sales invoices and credit memos share, as Koppel keeps them on the order record (posted ones, and the
unposted ones BC lists beside them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from domain.models import BilledDocument

OPEN = "Open"
PAID = "Paid"
POSTED = frozenset({OPEN, PAID, "Canceled", "Corrective"})
"""The posted members of the status enums ("Invoice Entity Aggregate Status" 5477, "Sales Cr. Memo Entity Buffer
Status"); both also have Draft and In Review: salesInvoices and salesCreditMemos list unposted documents too."""


class BcPostedDocument(BilledDocument):
    kind: ClassVar[str]
    """What the document is called in a reason for a person."""
    line_without_currency: ClassVar[str]
    """How the line Koppel applies to it ends up in the local currency."""

    id: str
    number: str
    external_document_number: str
    """Carried over from the document it comes from: how Koppel finds the web order."""
    currency_code: str = ""
    """Blank for the company's local currency, as BC keeps it."""
    total_including_tax: Decimal
    status: str
    posting_date: date | None = None
    last_modified: datetime | None = None

    @property
    def posted(self) -> bool:
        """Not a Draft or In Review (or blank) document that BC has yet to post."""
        return self.status in POSTED

    def currency_problem(self, local_currency: str, payment_currency: str) -> str:
        """Why a line for a payment in `payment_currency` is not applied to it: it is not in the local currency
        (Koppel's lines have none), or not in the payment's; "" when both match."""
        currency = (self.currency_code or local_currency).upper()
        if currency != local_currency.upper():
            return (
                f"{self.kind} {self.number} is in {currency}, not in the local currency {local_currency}: "
                f"{self.line_without_currency} {local_currency}; book it by hand"
            )
        if currency != payment_currency:
            return f"{self.kind} {self.number} is in {currency}, the payment in {payment_currency}"
        return ""
