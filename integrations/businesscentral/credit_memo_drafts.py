"""The CreditMemoDrafts port over API v2.0: the posted invoice to credit (salesInvoices and its salesInvoiceLines),
and the sales credit memos Koppel makes (salesCreditMemos, salesCreditMemoLines, Microsoft.NAV.post).

A document is read with its lines in one GET (`$expand` of the page's lines part). A credit memo is created without
lines (a deep insert is not known to work on salesCreditMemos) and its lines are POSTed one by one; BC re-prices an
item line whose quantity it validates, so a price is set by a PATCH of unitPrice and discountAmount alone
(microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2SalesCreditMemLines.Page.al lists unitPrice before quantity),
on the ETag of the line as BC last answered it (the POST's answer, or the read). A line's taxCode is read as BC's VAT
Identifier and written as the VAT Prod. Posting Group it validates (SalesInvoiceAggregator.Codeunit.al
SetTaxGroupIdAndCode; the page's taxCode OnValidate); its locationId is the Location's SystemId, validated into the
line's Location Code (SalesInvoiceLineAggregate.Table.al UpdateLocationCode). Amounts are sent as JSON numbers and
read back as decimals. The VAT Posting Setup (page 472, published) tells which group an identifier stands for: read
once per instance (one run).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from domain.refunds.shop_origin_ports import (
    BcDocumentLine,
    BcDraftCreditMemo,
    InvoiceToCredit,
    NewCreditMemo,
    VatPostingSetup,
)
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.odata import EMPTY_GUID, reference
from integrations.businesscentral.vat import BusinessCentralVat

INVOICE_FIELDS = "id,number,customerNumber,currencyCode,pricesIncludeTax,remainingAmount,totalAmountIncludingTax"
CREDIT_MEMO_FIELDS = "id,number,status,pricesIncludeTax,totalAmountIncludingTax"
INVOICE_LINES = "salesInvoiceLines"
CREDIT_MEMO_LINES = "salesCreditMemoLines"
COMMENT = "Comment"
ITEM = "Item"
DRAFT = "Draft"


class BusinessCentralCreditMemoDrafts:
    def __init__(self, client: BusinessCentralClient, vat: BusinessCentralVat | None = None) -> None:
        """`vat`: the published VAT Posting Setup; None when it is not published."""
        self._client = client
        self._vat = vat
        self._vat_setup: tuple[VatPostingSetup, ...] | None = None

    def invoice(self, invoice_id: str) -> InvoiceToCredit:
        row = self._client.get(f"salesInvoices({invoice_id})", {"$select": INVOICE_FIELDS, "$expand": INVOICE_LINES})
        return InvoiceToCredit(
            id=str(row["id"]),
            number=str(row["number"]),
            customer_number=str(row.get("customerNumber") or ""),
            currency_code=str(row.get("currencyCode") or ""),
            prices_include_tax=bool(row.get("pricesIncludeTax")),
            remaining_amount=_decimal(row.get("remainingAmount")),
            total_including_tax=_decimal(row.get("totalAmountIncludingTax")),
            lines=_lines(row, INVOICE_LINES),
        )

    def find(self, external_document_number: str, marker: str, taken: Collection[str]) -> BcDraftCreditMemo | None:
        """The one with the marker line, else a Draft without lines that is not `taken` (made, its answer lost
        before its first line).
        externalDocumentNumber is a Code field: BC keeps it in upper case, so it is looked for in upper case."""
        params = {
            "$filter": f"externalDocumentNumber eq {odata.literal(external_document_number.upper())}",
            "$select": CREDIT_MEMO_FIELDS,
            "$expand": CREDIT_MEMO_LINES,
        }
        empty: BcDraftCreditMemo | None = None
        for row in self._client.get_all("salesCreditMemos", params):
            memo = _credit_memo(row)
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
        return _credit_memo(self._client.post("salesCreditMemos", body))

    def read(self, credit_memo_id: str) -> BcDraftCreditMemo:
        params = {"$select": CREDIT_MEMO_FIELDS, "$expand": CREDIT_MEMO_LINES}
        return _credit_memo(self._client.get(f"salesCreditMemos({credit_memo_id})", params))

    def add_line(self, credit_memo_id: str, line: BcDocumentLine) -> BcDocumentLine:
        path = f"salesCreditMemos({credit_memo_id})/{CREDIT_MEMO_LINES}"
        return _line(self._client.post(path, _line_body(line)))

    def reprice(self, credit_memo_id: str, line: BcDocumentLine, unit_price: Decimal, discount_amount: Decimal) -> None:
        """On the ETag BC answered the line with; a line served without one (not known to happen) is read for it."""
        path = f"salesCreditMemos({credit_memo_id})/{CREDIT_MEMO_LINES}({line.id})"
        etag = line.etag or str(self._client.get(path, {"$select": "id"})["@odata.etag"])
        self._client.patch(path, {"unitPrice": float(unit_price), "discountAmount": float(discount_amount)}, etag)

    def post(self, credit_memo_id: str) -> None:
        self._client.post(f"salesCreditMemos({credit_memo_id})/Microsoft.NAV.post", {})

    def vat_setup(self) -> tuple[VatPostingSetup, ...]:
        if self._vat is None:
            return ()
        if self._vat_setup is None:
            self._vat_setup = self._vat.setups()
        return self._vat_setup


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
    if line.tax_code:
        body["taxCode"] = line.tax_code
    if line.line_type == ITEM:
        body["locationId"] = line.location_id or EMPTY_GUID
    return body


def _lines(row: dict[str, Any], line_set: str) -> tuple[BcDocumentLine, ...]:
    """The document's expanded lines in sequence order (none in a POST's answer)."""
    return tuple(sorted((_line(line) for line in row.get(line_set) or ()), key=lambda line: line.sequence))


def _credit_memo(row: dict[str, Any]) -> BcDraftCreditMemo:
    return BcDraftCreditMemo(
        id=str(row["id"]),
        number=str(row["number"]),
        status=odata.enum_value(row.get("status")),
        prices_include_tax=bool(row.get("pricesIncludeTax")),
        total_including_tax=_decimal(row.get("totalAmountIncludingTax")),
        lines=_lines(row, CREDIT_MEMO_LINES),
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
        tax_code=str(row.get("taxCode") or ""),
        location_id=reference(row.get("locationId")),
        etag=str(row.get("@odata.etag") or ""),
    )


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0))
