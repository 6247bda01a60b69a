"""A posted BC sales credit memo as Koppel keeps it on the order record: what a refund is applied to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.models import Frozen

OPEN = "Open"


class BcCreditMemo(Frozen):
    id: str
    number: str
    external_document_number: str
    """Carried over from the invoice or order it credits: how Koppel finds the web order."""
    customer_number: str
    currency_code: str = ""
    """Blank for the company's local currency, as BC keeps it."""
    total_including_tax: Decimal
    status: str
    """`Open` while BC has not closed its customer ledger entry, then `Paid`."""
    invoice_id: str = ""
    """The invoice it is applied to; blank when it stands alone."""
    invoice_number: str = ""
    remaining_amount: Decimal | None = None
    """What is still open of it, when BC shows it (API v2.0's salesCreditMemos is not promised to)."""
    posting_date: date | None = None
    last_modified: datetime | None = None

    @property
    def open(self) -> bool:
        """Not yet paid back: its remaining amount when known, else its status."""
        if self.remaining_amount is not None:
            return self.remaining_amount > 0
        return self.status == OPEN
