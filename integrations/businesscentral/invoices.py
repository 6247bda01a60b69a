"""The Invoices port over BC's salesInvoices: the ones changed since a moment, or those a notification names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.errors import BusinessCentralRejected
from domain.payments.invoice import BcInvoice
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

INVOICE_FIELDS = (
    "id,number,externalDocumentNumber,customerNumber,currencyCode,totalAmountIncludingTax,remainingAmount,status,"
    "orderNumber,postingDate,lastModifiedDateTime"
)


class BusinessCentralInvoices:
    def __init__(self, client: BusinessCentralClient) -> None:
        self._client = client

    def changed_since(self, since: datetime | None) -> Iterator[BcInvoice]:
        params = {"$select": INVOICE_FIELDS, "$orderby": "lastModifiedDateTime"}
        if since is not None:
            params["$filter"] = f"lastModifiedDateTime gt {odata.moment(since)}"
        for page in self._client.pages(f"{self._client.company_url}/salesInvoices", params):
            yield from (invoice(row) for row in page)

    def at(self, resource: str) -> list[BcInvoice]:
        url = resource if resource.startswith("http") else f"{self._client.api_root}/{resource.lstrip('/')}"
        if "?" in url or url.rstrip("/").endswith("salesInvoices"):
            return [invoice(row) for page in self._client.pages(url) for row in page]
        try:
            return [invoice(self._client.get_url(url, {"$select": INVOICE_FIELDS}))]
        except BusinessCentralRejected as rejected:
            if rejected.status == 404:
                return []
            raise


def invoice(row: dict[str, Any]) -> BcInvoice:
    return BcInvoice(
        id=row["id"],
        number=row["number"],
        external_document_number=row.get("externalDocumentNumber") or "",
        customer_number=row.get("customerNumber") or "",
        currency_code=row.get("currencyCode") or "",
        total_including_tax=Decimal(str(row.get("totalAmountIncludingTax", 0))),
        remaining_amount=Decimal(str(row.get("remainingAmount", 0))),
        status=row.get("status") or "",
        order_number=row.get("orderNumber") or "",
        posting_date=date.fromisoformat(row["postingDate"]) if row.get("postingDate") else None,
        last_modified=datetime.fromisoformat(row["lastModifiedDateTime"]) if row.get("lastModifiedDateTime") else None,
    )
