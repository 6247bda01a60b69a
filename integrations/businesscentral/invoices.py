"""The Invoices port over BC's salesInvoices: the ones changed since a moment, or those a notification names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.invoices.invoice import BcInvoice
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.posted_documents import PostedDocuments

INVOICE_FIELDS = (
    "id,number,externalDocumentNumber,customerNumber,billToCustomerNumber,currencyCode,totalAmountIncludingTax,"
    "remainingAmount,status,orderNumber,postingDate,lastModifiedDateTime"
)


class BusinessCentralInvoices(PostedDocuments[BcInvoice]):
    def __init__(self, client: BusinessCentralClient) -> None:
        super().__init__(client, "salesInvoices", INVOICE_FIELDS, invoice)


def invoice(row: dict[str, Any]) -> BcInvoice:
    return BcInvoice(
        id=row["id"],
        number=row["number"],
        external_document_number=row.get("externalDocumentNumber") or "",
        customer_number=row.get("customerNumber") or "",
        bill_to_customer_number=row.get("billToCustomerNumber") or "",
        currency_code=row.get("currencyCode") or "",
        total_including_tax=Decimal(str(row.get("totalAmountIncludingTax", 0))),
        remaining_amount=Decimal(str(row.get("remainingAmount", 0))),
        status=odata.enum_value(row.get("status")),
        order_number=row.get("orderNumber") or "",
        posting_date=date.fromisoformat(row["postingDate"]) if row.get("postingDate") else None,
        last_modified=datetime.fromisoformat(row["lastModifiedDateTime"]) if row.get("lastModifiedDateTime") else None,
    )
