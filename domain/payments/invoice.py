"""A posted BC sales invoice as Koppel keeps it on the order record: what a payment is applied to."""

from __future__ import annotations

from decimal import Decimal

from domain.payments.posted_document import BcPostedDocument


class BcInvoice(BcPostedDocument):
    remaining_amount: Decimal
    order_number: str = ""

    @property
    def open(self) -> bool:
        return self.remaining_amount > 0
