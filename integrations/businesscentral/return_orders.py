"""The ReturnOrders port over Koppel's own API page `salesReturnOrders` (bc-extension/src/
KoppelSalesReturnOrders.Page.al, KOPPEL_BC_RETURNS_API, e.g. `koppel/returns/v1.0`): a Sales Header of Document
Type Return Order made with its item lines in one request (a deep insert through `salesReturnOrderLines`). API v2.0
`salesReturnOrders` is read-only.

A return order is found again by its externalDocumentNumber (the web order's, a Code field: stored in upper case, so
asked for in upper case) and its yourReference (Koppel's return request id, a Text field: asked for as sent), both
table fields of the page. One GET per find, one POST per create."""

from __future__ import annotations

from typing import Any

from domain.refunds.return_ports import BcReturnOrder, NewReturnOrder, ReturnLine
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient

RETURN_ORDER_FIELDS = "id,number,status"
LINE_SEQUENCE_STEP = 10000


class BusinessCentralReturnOrders:
    def __init__(self, client: BusinessCentralClient, api_url: str) -> None:
        """`api_url`: the company URL of Koppel's page, `<environment URL>/api/koppel/returns/v1.0/companies(<id>)`."""
        self._client = client
        self._url = f"{api_url.rstrip('/')}/salesReturnOrders"

    def find(self, external_document_number: str, your_reference: str) -> BcReturnOrder | None:
        condition = (
            f"externalDocumentNumber eq {odata.literal(external_document_number.upper())}"
            f" and yourReference eq {odata.literal(your_reference)}"
        )
        rows = self._client.get_all_url(self._url, {"$filter": condition, "$select": RETURN_ORDER_FIELDS})
        return _return_order(rows[0]) if rows else None

    def create(self, order: NewReturnOrder) -> BcReturnOrder:
        body: dict[str, Any] = {
            "customerNumber": order.customer_number,
            "externalDocumentNumber": order.external_document_number,
            "yourReference": order.your_reference,
            "salesReturnOrderLines": [
                _line_body(line, LINE_SEQUENCE_STEP * position) for position, line in enumerate(order.lines, 1)
            ],
        }
        return _return_order(self._client.post_url(self._url, body))


def _line_body(line: ReturnLine, sequence: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sequence": sequence,
        "lineType": "Item",
        "lineObjectNumber": line.item_number,
        "quantity": float(line.quantity),
    }
    if line.variant_code:
        body["variantCode"] = line.variant_code
    if line.return_reason:
        body["returnReasonCode"] = line.return_reason
    return body


def _return_order(row: dict[str, Any]) -> BcReturnOrder:
    return BcReturnOrder(id=str(row["id"]), number=str(row["number"]), status=odata.enum_value(row.get("status")))
