"""A posted BC sales credit memo as Koppel keeps it on the order record: what a refund is applied to."""

from __future__ import annotations

from decimal import Decimal

from domain.payments.posted_document import BcPostedDocument

OPEN = "Open"


class BcCreditMemo(BcPostedDocument):
    """`status` is `Open` while BC has not closed its customer ledger entry, then `Paid`."""

    invoice_id: str = ""
    """The invoice it is applied to; blank when it stands alone."""
    invoice_number: str = ""
    remaining_amount: Decimal | None = None
    """What is still open of it, when BC shows it (API v2.0's salesCreditMemos is not promised to)."""

    @property
    def open(self) -> bool:
        """Not yet paid back: its remaining amount when known, else its status."""
        if self.remaining_amount is not None:
            return self.remaining_amount > 0
        return self.status == OPEN
