"""BC's posted sales documents of one entity set (salesInvoices, salesCreditMemos), as the Invoices and CreditMemos
ports read them: those BC changed since a moment, or those a webhook notification names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from domain.errors import BusinessCentralRejected
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

D = TypeVar("D")


def shared_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The fields salesInvoices and salesCreditMemos share (domain/invoices/posted_document.py), from BC's row."""
    return {
        "id": row["id"],
        "number": row["number"],
        "external_document_number": row.get("externalDocumentNumber") or "",
        "customer_number": row.get("customerNumber") or "",
        "bill_to_customer_number": row.get("billToCustomerNumber") or "",
        "currency_code": row.get("currencyCode") or "",
        "total_including_tax": Decimal(str(row.get("totalAmountIncludingTax", 0))),
        "status": odata.enum_value(row.get("status")),
        "posting_date": date.fromisoformat(row["postingDate"]) if row.get("postingDate") else None,
        "last_modified": datetime.fromisoformat(row["lastModifiedDateTime"])
        if row.get("lastModifiedDateTime")
        else None,
    }


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class PostedDocuments(Generic[D]):
    def __init__(
        self, client: BusinessCentralClient, entity_set: str, fields: str, parse: Callable[[dict[str, Any]], D]
    ) -> None:
        self._client = client
        self._entity_set = entity_set
        self._fields = fields
        self._parse = parse

    def changed_since(self, since: datetime | None) -> Iterator[D]:
        params = {"$select": self._fields, "$orderby": "lastModifiedDateTime"}
        if since is not None:
            params["$filter"] = f"lastModifiedDateTime gt {odata.moment(since)}"
        for page in self._client.pages(f"{self._client.company_url}/{self._entity_set}", params):
            yield from (self._parse(row) for row in page)

    def at(self, resource: str) -> list[D]:
        """One document's URL or a collection URL with a filter, relative to BC's API root; [] when it is gone."""
        url = resource if resource.startswith("http") else f"{self._client.api_root}/{resource.lstrip('/')}"
        if "?" in url or url.rstrip("/").endswith(self._entity_set):
            return [self._parse(row) for page in self._client.pages(url) for row in page]
        found = self._one(url)
        return [] if found is None else [found]

    def get(self, document_id: str) -> D | None:
        """The document as BC has it now; None when it is gone."""
        return self._one(f"{self._client.company_url}/{self._entity_set}({document_id})")

    def _one(self, url: str) -> D | None:
        try:
            return self._parse(self._client.get_url(url, {"$select": self._fields}))
        except BusinessCentralRejected as rejected:
            if rejected.status == 404:
                return None
            raise
