"""The CreditMemos port over BC's salesCreditMemos: the ones changed since a moment, or those a notification names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.invoices.credit_memo import BcCreditMemo
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.odata import reference
from integrations.businesscentral.posted_documents import PostedDocuments, shared_fields

CREDIT_MEMO_FIELDS = (
    "id,number,externalDocumentNumber,customerNumber,billToCustomerNumber,currencyCode,totalAmountIncludingTax,status,"
    "invoiceId,invoiceNumber,postingDate,lastModifiedDateTime"
)
"""No remainingAmount: API v2.0's salesCreditMemos is not known to carry one; `status` says whether it is open."""


class BusinessCentralCreditMemos(PostedDocuments[BcCreditMemo]):
    def __init__(self, client: BusinessCentralClient) -> None:
        super().__init__(client, "salesCreditMemos", CREDIT_MEMO_FIELDS, credit_memo)


def credit_memo(row: dict[str, Any]) -> BcCreditMemo:
    remaining = row.get("remainingAmount")
    return BcCreditMemo(
        **shared_fields(row),
        invoice_id=reference(row.get("invoiceId")),
        invoice_number=row.get("invoiceNumber") or "",
        remaining_amount=None if remaining is None else Decimal(str(remaining)),
    )
