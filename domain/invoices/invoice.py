"""A BC sales invoice as Koppel keeps it on the order record: what a payment is applied to.

salesInvoices lists unposted invoices too (Draft, In Review) with their full amount as remainingAmount; a payment
can be applied only to a posted one (customerPayments looks its invoice up among Sales Invoice Headers), and only
one that is Open has anything left to pay (enum 5477 "Invoice Entity Aggregate Status" in microsoft/BCApps)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from domain.invoices.posted_document import OPEN, BcPostedDocument


class BcInvoice(BcPostedDocument):
    kind: ClassVar[str] = "invoice"
    line_without_currency: ClassVar[str] = "customerPayments has no currency, so a payment line would be booked in"

    remaining_amount: Decimal
    order_number: str = ""

    @property
    def open(self) -> bool:
        """Posted and not yet paid: a payment can be applied to it."""
        return self.status == OPEN and self.remaining_amount > 0
