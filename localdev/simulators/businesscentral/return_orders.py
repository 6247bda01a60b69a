"""Sales return orders made through Koppel's page salesReturnOrders (bc-extension/src/KoppelSalesReturnOrders.Page.al):
the header and its item lines in one deep insert, all or nothing (one transaction in BC).

As the page validates them (in page order, as a user on the Sales Return Order page): a customerNumber must be given
and name a customer (Sell-to Customer No.'s table relation) not blocked for All; each line is an Item line of an
item not Blocked (a Sales Blocked item may be returned), with a variant of that item and a known Return Reason when
given (their table relations); a sequence is taken once. The number comes from the return order series when the
header is inserted. Messages of the platform's table relation checks follow the simulator's other ones (wording not
confirmed against BC)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from localdev.simulators.businesscentral.errors import BCError, bad_request, dialog, missing_reference
from localdev.simulators.businesscentral.return_orders_schema import (
    KOPPEL_SALES_RETURN_ORDER,
    KOPPEL_SALES_RETURN_ORDER_LINE,
)
from localdev.simulators.businesscentral.sales_orders import SEQUENCE_STEP
from localdev.simulators.businesscentral.store import Record, Store
from localdev.simulators.businesscentral.validation import validate_body

LINES = KOPPEL_SALES_RETURN_ORDER_LINE.set_name
CUSTOMER_NOT_PROVIDED = 'A "customerNumber" must be provided.'
ITEM_LINES_ONLY = "Only item lines can be added to a return order through this page."


def related_value_unknown(field: str, table: str, value: str, related: str) -> str:
    """The platform's refusal of a value its field's TableRelation does not find."""
    return (
        f"The field {field} of table {table} contains a value ({value}) that cannot be found in the related table "
        f"({related})."
    )


class ReturnOrders:
    """Creates return orders in a Store; validates the whole request before it writes."""

    def __init__(self, store: Store, new_id: Callable[[], str]) -> None:
        self.store = store
        self.new_id = new_id

    def create(self, body: object) -> Record:
        values = validate_body(KOPPEL_SALES_RETURN_ORDER, body, navigation=frozenset({LINES}))
        raw_lines = values.pop(LINES, [])
        if not isinstance(raw_lines, list):
            raise bad_request(f"The property '{LINES}' must be an array of salesReturnOrderLine objects.")
        customer = self._sell_to(values.get("customerNumber"))
        series = self.store.return_order_numbers
        number = f"{series.prefix}{series.last + series.step}"
        order: Record = {
            "id": self.new_id(),
            "number": number,
            "customerNumber": customer["number"],
            "externalDocumentNumber": values.get("externalDocumentNumber", ""),
            "yourReference": values.get("yourReference", ""),
            "documentDate": values.get("documentDate", datetime.now(UTC).date().isoformat()),
            "status": "Open",
        }
        lines: list[Record] = []
        for raw in raw_lines:
            lines.append(self._line(order, lines, validate_body(KOPPEL_SALES_RETURN_ORDER_LINE, raw)))
        series.next()
        stored = self.store.return_orders.add(order)
        table = self.store.return_order_lines_of(stored["id"])
        for line in lines:
            table.add(line)
        return stored

    def lines(self, order: Record) -> list[Record]:
        return sorted(self.store.return_order_lines_of(order["id"]).values(), key=lambda line: line["sequence"])

    def _sell_to(self, number: object) -> Record:
        if not number:
            raise dialog(CUSTOMER_NOT_PROVIDED)
        customer = self.store.customers.find("number", number)
        if customer is None:
            raise dialog(related_value_unknown("Sell-to Customer No.", "Sales Header", str(number), "Customer"))
        if customer["blocked"] == "All":
            raise dialog(
                f"You cannot create this type of document when Customer {customer['number']} is blocked with type All"
            )
        return customer

    def _line(self, order: Record, lines: list[Record], values: dict[str, Any]) -> Record:
        if values.get("lineType", "Item") != "Item":
            raise dialog(ITEM_LINES_ONLY)
        sequence = int(values.get("sequence") or _next_sequence(lines))
        if any(line["sequence"] == sequence for line in lines):
            raise BCError(
                400,
                "Internal_EntityWithSameKeyExists",
                "The Sales Line already exists. Identification fields and values: Document Type='Return Order',"
                f"Document No.='{order['number']}',Line No.='{sequence}'",
            )
        number = values.get("lineObjectNumber", "")
        if not number:
            raise dialog(
                "No. must have a value in Sales Line: Document Type=Return Order, "
                f"Document No.={order['number']}, Line No.={sequence}. It cannot be zero or empty."
            )
        item = self.store.items.find("number", number)
        if item is None:
            raise missing_reference("Item", "No.", number)
        if item["blocked"]:
            raise dialog(f"Blocked must be equal to 'No'  in Item: No.={number}. Current value is 'Yes'.")
        return {
            "id": self.new_id(),
            "documentId": order["id"],
            "sequence": sequence,
            "lineType": "Item",
            "lineObjectNumber": number,
            "variantCode": self._variant(item, values.get("variantCode", "")),
            "quantity": float(values.get("quantity", 0.0)),
            "returnReasonCode": self._reason(values.get("returnReasonCode", "")),
            "description": values.get("description") or item["displayName"],
        }

    def _variant(self, item: Record, code: str) -> str:
        variants = self.store.item_variants.values()
        if code and not any(v["itemId"] == item["id"] and v["code"] == code for v in variants):
            raise dialog(related_value_unknown("Variant Code", "Sales Line", code, "Item Variant"))
        return code

    def _reason(self, code: str) -> str:
        if code and code not in self.store.return_reasons:
            raise dialog(related_value_unknown("Return Reason Code", "Sales Line", code, "Return Reason"))
        return code


def _next_sequence(lines: list[Record]) -> int:
    """As the lines page's OnInsertRecord: the last line's number plus 10000."""
    return max((line["sequence"] for line in lines), default=0) + SEQUENCE_STEP
