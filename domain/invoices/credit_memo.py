"""A posted BC sales credit memo as Koppel keeps it on the order record: what a refund is applied to."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from domain.invoices.posted_document import OPEN, BcPostedDocument


class BcCreditMemo(BcPostedDocument):
    """`status` is `Open` while BC has not closed its customer ledger entry, then `Paid`."""

    kind: ClassVar[str] = "credit memo"
    line_without_currency: ClassVar[str] = "a refund line has no currency and would be booked in"

    invoice_id: str = ""
    """The invoice it is applied to; blank when it stands alone."""
    invoice_number: str = ""
    remaining_amount: Decimal | None = None
    """What is still open of it, when BC shows it (API v2.0's salesCreditMemos is not promised to)."""

    @property
    def open(self) -> bool:
        """Posted, and not yet paid back (status Open; and something left, when BC shows what is left)."""
        if self.status != OPEN:
            return False
        return self.remaining_amount is None or self.remaining_amount > 0
