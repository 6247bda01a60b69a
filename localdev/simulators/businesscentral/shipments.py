"""Posted sales shipments: posting one from a sales order, Undo Shipment of a line, and "Update Document" (page 1350).

What BC does (microsoft/BCApps src/Layers/W1/BaseApp/):
- Posting (Sales/Posting/SalesPost.Codeunit.al): a Sales Shipment Header when a line has something to ship, and a
  shipment line for every order line, quantity 0 included, with the order line's Line No. (InitFromSalesLine); the
  header's shipping agent, service and package tracking number come from the Sales Header.
- Undo Shipment (Sales/History/UndoSalesShipmentLine.Codeunit.al): a correction line with the negative quantity,
  numbered half-way to the next line (10000 after the last), both lines marked Correction; the order line gets its
  quantity back. The header is not modified there (no Modify of it in the codeunit), so its lastModifiedDateTime
  stays: unconfirmed on a real tenant.
- Update Document (Sales/History/PostedSalesShipmentUpdate.Page.al, ShipmentHeaderEdit.Codeunit.al): only the agent,
  its service and the tracking number change, and only a change modifies the header (lastModifiedDateTime moves).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from localdev.simulators.businesscentral.errors import BCError, bad_request, dialog
from localdev.simulators.businesscentral.inventory import QUANTITY_PLACES
from localdev.simulators.businesscentral.sales_orders import SalesOrders
from localdev.simulators.businesscentral.shipments_schema import TRACKING_FIELDS
from localdev.simulators.businesscentral.store import Record, Store

PAYMENT_TERMS_DAYS = 14
"""Assumed: every customer has payment terms of 14 days (the simulator has no paymentTerms entity): the due date of
invoices and shipments."""
TRACKING_NUMBER_LENGTH = 50
"""Sales Shipment Header field 106 "Package Tracking No.": Text[50]."""
ALREADY_REVERSED = "This shipment has already been reversed."
NOTHING_TO_REVERSE = (
    "No lines with a quantity available for reversal were found among the selected lines. Select a line with a "
    "quantity that has not already been reversed, and try again."
)
ALREADY_INVOICED = (
    "This shipment has already been invoiced. Undo Shipment can be applied only to posted, but not invoiced shipments."
)
NO_ROOM = "There is not enough space to insert correction lines."
_LINE_TYPES = {"Comment": " ", "Account": "G/L Account", "Charge": "Charge (Item)"}
"""salesOrderLines' lineType -> the Sales Line Type the shipment line keeps (the others are named alike)."""
_HEADER_COPY = (
    "externalDocumentNumber", "customerId", "customerNumber", "customerName", "billToCustomerId", "billToName",
    "billToCustomerNumber", "shipToName", "shipToContact", "currencyCode", "salesperson", "pricesIncludeTax",
    "phoneNumber", "email",
    *(f"{party}{part}" for party in ("sellTo", "billTo", "shipTo")
      for part in ("AddressLine1", "AddressLine2", "City", "Country", "State", "PostCode")),
)  # fmt: skip
_LINE_COPY = (
    "sequence", "lineObjectNumber", "description", "description2", "unitOfMeasureCode", "unitPrice",
    "discountPercent", "taxPercent", "shipmentDate",
)  # fmt: skip


@dataclass(frozen=True)
class Tracking:
    """Shipping agent, service and package tracking number; None: as they stand (on the order, on the shipment)."""

    agent: str | None = None
    service: str | None = None
    number: str | None = None


def post_shipment(store: Store, order: Record, posting_date: date, tracking: Tracking | None = None) -> Record | None:
    """Ship each order line's shipQuantity (SalesOrders.ship) and file the posted shipment; None when nothing
    shipped (BC then makes no shipment). `tracking` overrides the order's shipping fields."""
    orders = SalesOrders(store)
    lines = orders.lines(order)
    shipped = {line["id"]: line["shipQuantity"] for line in lines}
    values = _tracking_values(_tracking_of(order), tracking or Tracking())
    _check_tracking(store, values)
    orders.ship(order, posting_date)
    if not any(shipped.values()):
        return None
    header: Record = {name: order.get(name) for name in _HEADER_COPY}
    header.update(
        values,
        id=str(uuid.uuid4()),
        number=store.shipment_numbers.next(),
        orderNumber=order["number"],
        invoiceDate=order["orderDate"],
        postingDate=posting_date.isoformat(),
        dueDate=(date.fromisoformat(order["orderDate"]) + timedelta(days=PAYMENT_TERMS_DAYS)).isoformat(),
        customerPurchaseOrderReference="",
        paymentTermsCode="",
        shipmentMethodCode="",
    )
    stored = store.sales_shipments.add(header)
    table = store.shipment_lines_of(stored["id"])
    for line in lines:
        table.add(_shipment_line(stored, line, shipped[line["id"]]))
    return stored


def set_order_tracking(store: Store, order: Record, tracking: Tracking) -> Record:
    """A user fills in the order's Shipping tab (Sales Header fields 105, 5794, 106): the order is modified."""
    values = _tracking_values(_tracking_of(order), tracking)
    _check_tracking(store, values)
    order.update(values)
    store.sales_orders.stamp(order)
    return order


def update_shipment(store: Store, shipment: Record, tracking: Tracking) -> Record:
    """Page 1350 "Posted Sales Shipment - Update": the header is modified (a new lastModifiedDateTime) only when one
    of the three fields changed."""
    current = _tracking_of(shipment)
    values = _tracking_values(current, tracking)
    _check_tracking(store, values)
    if values != current:
        shipment.update(values)
        store.sales_shipments.stamp(shipment)
    return shipment


def undo_shipment_line(store: Store, shipment: Record, line: Record, posting_date: date) -> Record:
    """Undo Shipment of one line: the correction line it adds. The shipment header is left as it is."""
    if line.get("correction"):
        raise dialog(ALREADY_REVERSED)
    if not line["quantity"]:
        raise dialog(NOTHING_TO_REVERSE)
    order = store.sales_orders.find("number", shipment["orderNumber"])
    order_line = None if order is None else store.lines_of(order["id"]).find("sequence", line["sequence"])
    if order is None or order_line is None:
        raise dialog(ALREADY_INVOICED)
    shipped = round(order_line["shippedQuantity"] - line["quantity"], QUANTITY_PLACES)
    if order_line["invoicedQuantity"] > shipped:
        raise dialog(ALREADY_INVOICED)
    table = store.shipment_lines_of(shipment["id"])
    correction = {**line, "id": str(uuid.uuid4()), "sequence": _correction_sequence(table.values(), line)}
    correction.update(quantity=-line["quantity"], correction=True)
    line["correction"] = True
    if order_line["lineType"] == "Item":
        SalesOrders(store).book_shipment(order, order_line, -line["quantity"], posting_date)
    order_line.update(shippedQuantity=shipped, shipQuantity=round(order_line["quantity"] - shipped, QUANTITY_PLACES))
    store.lines_of(order["id"]).stamp(order_line)
    order["fullyShipped"] = False
    return table.add(correction)


def _correction_sequence(lines: list[Record], line: Record) -> int:
    """GetCorrectionLineNo: half-way to the next line of the shipment, 10000 past the last."""
    following = [other["sequence"] for other in lines if other["sequence"] > line["sequence"]]
    spacing = (min(following) - line["sequence"]) // 2 if following else 10000
    if spacing == 0:
        raise dialog(NO_ROOM)
    return int(line["sequence"] + spacing)


def _tracking_of(record: Record) -> dict[str, str]:
    """The shipping agent, service and tracking number of a Sales Header or a Sales Shipment Header ("" when none)."""
    return {name: record.get(name) or "" for name in TRACKING_FIELDS}


def _tracking_values(current: dict[str, str], tracking: Tracking) -> dict[str, str]:
    """The three fields after the change; a new agent clears the service unless one is given (field 105's
    OnValidate)."""
    agent = current["shippingAgentCode"] if tracking.agent is None else tracking.agent.strip().upper()
    service = current["shippingAgentServiceCode"] if agent == current["shippingAgentCode"] else ""
    if tracking.service is not None:
        service = tracking.service.strip().upper()
    number = current["packageTrackingNumber"] if tracking.number is None else tracking.number
    return {"shippingAgentCode": agent, "shippingAgentServiceCode": service, "packageTrackingNumber": number}


def _check_tracking(store: Store, values: dict[str, str]) -> None:
    agent_code, service = values["shippingAgentCode"], values["shippingAgentServiceCode"]
    agent = store.shipping_agents.get(agent_code)
    if agent_code and agent is None:
        raise _not_in_related_table("Shipping Agent Code", agent_code, "Shipping Agent")
    if service and (agent is None or service not in agent.services):
        raise _not_in_related_table("Shipping Agent Service Code", service, "Shipping Agent Services")
    number = values["packageTrackingNumber"]
    if len(number) > TRACKING_NUMBER_LENGTH:
        raise bad_request(
            f"The length of the string is {len(number)}, but it must be less than or equal to "
            f"{TRACKING_NUMBER_LENGTH} characters. Value: {number}"
        )


def _not_in_related_table(field: str, value: str, table: str) -> BCError:
    """BC's table relation error (the simulator's wording of it)."""
    return bad_request(
        f"The field {field} of table Sales Shipment Header contains a value ({value}) that cannot be found in the "
        f"related table ({table})."
    )


def _shipment_line(shipment: Record, line: Record, quantity: float) -> Record:
    shipped: Record = {name: line[name] for name in _LINE_COPY}
    shipped.update(
        id=str(uuid.uuid4()),
        documentId=shipment["id"],
        documentNo=shipment["number"],
        lineType=_LINE_TYPES.get(line["lineType"], line["lineType"]),
        quantity=quantity,
        correction=False,
    )
    return shipped
