"""The Invoices port over BC's salesInvoices: the ones changed since a moment, or those a notification names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.invoices.invoice import BcInvoice
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.posted_documents import PostedDocuments, shared_fields

INVOICE_FIELDS = (
    "id,number,externalDocumentNumber,customerNumber,billToCustomerNumber,currencyCode,totalAmountIncludingTax,"
    "remainingAmount,status,orderNumber,postingDate,lastModifiedDateTime"
)


class BusinessCentralInvoices(PostedDocuments[BcInvoice]):
    def __init__(self, client: BusinessCentralClient) -> None:
        super().__init__(client, "salesInvoices", INVOICE_FIELDS, invoice)


def invoice(row: dict[str, Any]) -> BcInvoice:
    return BcInvoice(
        **shared_fields(row),
        remaining_amount=Decimal(str(row.get("remainingAmount", 0))),
        order_number=row.get("orderNumber") or "",
    )
