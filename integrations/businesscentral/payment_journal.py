"""The PaymentJournal port over BC's customerPaymentJournals / customerPayments and the journals' post action."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from domain.errors import PermanentError
from domain.payments.booking import PaymentLine
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

LINE_FIELDS = "id,customerNumber,externalDocumentNumber,amount,appliesToInvoiceId,description"


class BusinessCentralPaymentJournal:
    """One customer payment journal (a batch of the Cash Receipt template), named by its code; its id is looked
    up once."""

    def __init__(self, client: BusinessCentralClient, code: str) -> None:
        self._client = client
        self._code = code
        self._id = ""
        self._lock = threading.Lock()

    def lines(self, external_document_number: str) -> list[PaymentLine]:
        rows = self._client.get_all(
            f"{self._journal()}/customerPayments",
            {
                "$filter": f"externalDocumentNumber eq {odata.literal(external_document_number)}",
                "$select": LINE_FIELDS,
            },
        )
        return [_line(row) for row in rows]

    def add(self, line: PaymentLine) -> PaymentLine:
        body = {
            "customerNumber": line.customer_number,
            "externalDocumentNumber": line.external_document_number,
            "amount": float(line.amount),
            "appliesToInvoiceId": line.applies_to_invoice_id,
            "description": line.description,
        }
        return _line(self._client.post(f"{self._journal()}/customerPayments", body))

    def remove(self, line: PaymentLine) -> None:
        self._client.delete(f"{self._journal()}/customerPayments({line.id})", line.etag or "*")

    def post(self) -> None:
        self._client.post(f"journals({self.journal_id()})/Microsoft.NAV.post", {})

    def _journal(self) -> str:
        return f"customerPaymentJournals({self.journal_id()})"

    def journal_id(self) -> str:
        """The journal's id in BC (looked up by its code once)."""
        with self._lock:
            if not self._id:
                rows = self._client.get(
                    "customerPaymentJournals", {"$filter": f"code eq {odata.literal(self._code)}", "$select": "id"}
                ).get("value", [])
                if not rows:
                    raise PermanentError(f"BC has no customer payment journal {self._code} (KOPPEL_BC_PAYMENT_JOURNAL)")
                self._id = str(rows[0]["id"])
            return self._id


def _line(row: dict[str, Any]) -> PaymentLine:
    return PaymentLine(
        id=row["id"],
        etag=str(row.get("@odata.etag", "")),
        customer_number=row.get("customerNumber") or "",
        external_document_number=row.get("externalDocumentNumber") or "",
        amount=Decimal(str(row.get("amount", 0))),
        applies_to_invoice_id=row.get("appliesToInvoiceId") or "",
        description=row.get("description") or "",
    )
