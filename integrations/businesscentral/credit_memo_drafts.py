"""The CreditMemoDrafts port over API v2.0: the posted invoice to credit (salesInvoices and its salesInvoiceLines),
and the sales credit memos Koppel makes (salesCreditMemos, salesCreditMemoLines, Microsoft.NAV.post).

A credit memo is created without lines (a deep insert is not known to work on salesCreditMemos) and its lines are
POSTed one by one; BC re-prices an item line whose quantity it validates, so a price is set by a PATCH of unitPrice
and discountAmount alone (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2SalesCreditMemLines.Page.al lists
unitPrice before quantity). Amounts are sent as JSON numbers and read back as decimals.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from domain.refunds.shop_origin_ports import BcDocumentLine, BcDraftCreditMemo, InvoiceToCredit, NewCreditMemo
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.odata import reference

INVOICE_FIELDS = "id,number,customerNumber,currencyCode,pricesIncludeTax,remainingAmount,totalAmountIncludingTax"
CREDIT_MEMO_FIELDS = "id,number,status,pricesIncludeTax,totalAmountIncludingTax"
LINE_FIELDS = (
    "id,sequence,lineType,lineObjectNumber,itemVariantId,unitOfMeasureCode,description,quantity,unitPrice,"
    "discountAmount,taxPercent"
)
COMMENT = "Comment"
DRAFT = "Draft"


class BusinessCentralCreditMemoDrafts:
    def __init__(self, client: BusinessCentralClient) -> None:
        self._client = client

    def invoice(self, invoice_id: str) -> InvoiceToCredit:
        path = f"salesInvoices({invoice_id})"
        row = self._client.get(path, {"$select": INVOICE_FIELDS})
        return InvoiceToCredit(
            id=str(row["id"]),
            number=str(row["number"]),
            customer_number=str(row.get("customerNumber") or ""),
            currency_code=str(row.get("currencyCode") or ""),
            prices_include_tax=bool(row.get("pricesIncludeTax")),
            remaining_amount=_decimal(row.get("remainingAmount")),
            total_including_tax=_decimal(row.get("totalAmountIncludingTax")),
            lines=self._lines(f"{path}/salesInvoiceLines"),
        )

    def find(self, external_document_number: str, marker: str, taken: Collection[str]) -> BcDraftCreditMemo | None:
        """The one with the marker line, else a Draft without lines that is not `taken` (made, its answer lost
        before its first line).
        externalDocumentNumber is a Code field: BC keeps it in upper case, so it is looked for in upper case."""
        params = {
            "$filter": f"externalDocumentNumber eq {odata.literal(external_document_number.upper())}",
            "$select": CREDIT_MEMO_FIELDS,
        }
        empty: BcDraftCreditMemo | None = None
        for row in self._client.get_all("salesCreditMemos", params):
            memo = _credit_memo(row, self._memo_lines(str(row["id"])))
            if any(line.line_type == COMMENT and line.description == marker for line in memo.lines):
                return memo
            if empty is None and memo.status == DRAFT and not memo.lines and memo.id not in taken:
                empty = memo
        return empty

    def create(self, header: NewCreditMemo) -> BcDraftCreditMemo:
        body: dict[str, Any] = {
            "customerNumber": header.customer_number,
            "externalDocumentNumber": header.external_document_number,
        }
        if header.currency_code:
            body["currencyCode"] = header.currency_code
        if header.invoice_id:
            body["invoiceId"] = header.invoice_id
        return _credit_memo(self._client.post("salesCreditMemos", body), ())

    def read(self, credit_memo_id: str) -> BcDraftCreditMemo:
        row = self._client.get(f"salesCreditMemos({credit_memo_id})", {"$select": CREDIT_MEMO_FIELDS})
        return _credit_memo(row, self._memo_lines(credit_memo_id))

    def add_line(self, credit_memo_id: str, line: BcDocumentLine) -> BcDocumentLine:
        path = f"salesCreditMemos({credit_memo_id})/salesCreditMemoLines"
        return _line(self._client.post(path, _line_body(line)))

    def reprice(self, credit_memo_id: str, line_id: str, unit_price: Decimal, discount_amount: Decimal) -> None:
        path = f"salesCreditMemos({credit_memo_id})/salesCreditMemoLines({line_id})"
        etag = str(self._client.get(path, {"$select": "id"})["@odata.etag"])
        self._client.patch(path, {"unitPrice": float(unit_price), "discountAmount": float(discount_amount)}, etag)

    def post(self, credit_memo_id: str) -> None:
        self._client.post(f"salesCreditMemos({credit_memo_id})/Microsoft.NAV.post", {})

    def _memo_lines(self, credit_memo_id: str) -> tuple[BcDocumentLine, ...]:
        return self._lines(f"salesCreditMemos({credit_memo_id})/salesCreditMemoLines")

    def _lines(self, path: str) -> tuple[BcDocumentLine, ...]:
        rows = self._client.get_all(path, {"$select": LINE_FIELDS})
        return tuple(sorted((_line(row) for row in rows), key=lambda line: line.sequence))


def _line_body(line: BcDocumentLine) -> dict[str, Any]:
    """What a POST of the line sends: a comment line carries its text only."""
    body: dict[str, Any] = {"sequence": line.sequence, "lineType": line.line_type, "description": line.description}
    if line.line_type == COMMENT:
        return body
    body.update(
        lineObjectNumber=line.object_number,
        quantity=float(line.quantity),
        unitPrice=float(line.unit_price),
        discountAmount=float(line.discount_amount),
    )
    if line.variant_id:
        body["itemVariantId"] = line.variant_id
    if line.unit_of_measure:
        body["unitOfMeasureCode"] = line.unit_of_measure
    return body


def _credit_memo(row: dict[str, Any], lines: tuple[BcDocumentLine, ...]) -> BcDraftCreditMemo:
    return BcDraftCreditMemo(
        id=str(row["id"]),
        number=str(row["number"]),
        status=odata.enum_value(row.get("status")),
        prices_include_tax=bool(row.get("pricesIncludeTax")),
        total_including_tax=_decimal(row.get("totalAmountIncludingTax")),
        lines=lines,
    )


def _line(row: dict[str, Any]) -> BcDocumentLine:
    return BcDocumentLine(
        id=str(row.get("id") or ""),
        sequence=int(row.get("sequence") or 0),
        line_type=odata.enum_value(row.get("lineType")),
        object_number=str(row.get("lineObjectNumber") or ""),
        variant_id=reference(row.get("itemVariantId")),
        unit_of_measure=str(row.get("unitOfMeasureCode") or ""),
        description=str(row.get("description") or ""),
        quantity=_decimal(row.get("quantity")),
        unit_price=_decimal(row.get("unitPrice")),
        discount_amount=_decimal(row.get("discountAmount")),
        tax_percent=_decimal(row.get("taxPercent")),
    )


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0))
