"""The RefundJournal port over Koppel's own API page `customerRefunds` (KOPPEL_BC_REFUND_API, e.g.
`koppel/payments/v1.0`): Gen. Journal Lines of Document Type Refund in Koppel's customer payment journal, applied to
a credit memo. API v2.0 has no such entity (customerPayments refuses positive amounts and has no document type).
The lines are posted with the journal's standard `Microsoft.NAV.post`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.payments.refund import RefundLine
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.payment_journal import BusinessCentralPaymentJournal

REFUND_FIELDS = "id,journalId,customerNumber,externalDocumentNumber,amount,appliesToCreditMemoId,description"


class BusinessCentralRefundJournal:
    def __init__(self, client: BusinessCentralClient, api_url: str, journal: BusinessCentralPaymentJournal) -> None:
        """`api_url`: the company URL of the custom API page; `journal`: the customer payment journal it writes
        in."""
        self._client = client
        self._url = f"{api_url.rstrip('/')}/customerRefunds"
        self._journal = journal

    def lines(self, external_document_number: str) -> list[RefundLine]:
        journal = self._journal.journal_id()
        condition = f"journalId eq {journal} and externalDocumentNumber eq {odata.literal(external_document_number)}"
        rows = self._client.get_all_url(self._url, {"$filter": condition, "$select": REFUND_FIELDS})
        return [_line(row) for row in rows]

    def add(self, line: RefundLine) -> RefundLine:
        body = {
            "journalId": self._journal.journal_id(),
            "customerNumber": line.customer_number,
            "externalDocumentNumber": line.external_document_number,
            "amount": float(line.amount),
            "appliesToCreditMemoId": line.applies_to_credit_memo_id,
            "description": line.description,
        }
        return _line(self._client.post_url(self._url, body))

    def remove(self, line: RefundLine) -> None:
        self._client.delete_url(f"{self._url}({line.id})", line.etag or "*")


def _line(row: dict[str, Any]) -> RefundLine:
    return RefundLine(
        id=row["id"],
        etag=str(row.get("@odata.etag", "")),
        customer_number=row.get("customerNumber") or "",
        external_document_number=row.get("externalDocumentNumber") or "",
        amount=Decimal(str(row.get("amount", 0))),
        applies_to_credit_memo_id=row.get("appliesToCreditMemoId") or "",
        description=row.get("description") or "",
    )
