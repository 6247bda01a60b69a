"""What the booking run needs of BC besides invoices: Koppel's payment journal and its refund lines."""

from __future__ import annotations

from typing import Protocol

from domain.payments.booking import PaymentLine
from domain.payments.refund import RefundLine


class PaymentJournal(Protocol):
    """The customer payment journal in BC that Koppel books payments in."""

    def lines(self, external_document_number: str) -> list[PaymentLine]:
        """The journal's lines (not yet posted) carrying this externalDocumentNumber."""
        ...

    def add(self, line: PaymentLine) -> PaymentLine:
        """Insert the line; returns it as BC stored it (with its id)."""
        ...

    def remove(self, line: PaymentLine) -> None: ...

    def post(self) -> None:
        """Post every line of the journal: all or nothing (BusinessCentralRejected names what BC refused)."""
        ...


class RefundJournal(Protocol):
    """Refund lines in Koppel's customer payment journal, through Koppel's own API page (`KOPPEL_BC_REFUND_API`):
    API v2.0 has no refund document. They are posted with the journal (`PaymentJournal.post`)."""

    def lines(self, external_document_number: str) -> list[RefundLine]:
        """The journal's refund lines (not yet posted) carrying this externalDocumentNumber."""
        ...

    def add(self, line: RefundLine) -> RefundLine:
        """Insert the line; returns it as BC stored it (with its id)."""
        ...

    def remove(self, line: RefundLine) -> None: ...
