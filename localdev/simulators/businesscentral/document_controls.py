"""Test controls under /_sim/ for what BC users do with documents that Koppel only reads.

- POST /_sim/salesOrders/{id}/ship: a warehouse worker posts the shipment: each line's shipQuantity (Qty. to Ship,
  PATCH it through the API for a partial shipment) is shipped and leaves stock, and a salesShipment is filed
  (shipment_controls.py posts one with chosen quantities and tracking).
- POST /_sim/salesInvoices/{id}/creditMemo: a user posts a credit memo for the invoice, applied to it or not.
- POST /_sim/purchaseOrders: a purchaser enters a purchase order, perhaps partly received already:
  {"vendorNumber"?, "orderDate"?, "status"? ("Open" = Released, "Draft" = Open), "lines": [{"lineType"? ("Item",
  "Account", "Comment"), "lineObjectNumber", "quantity", "expectedReceiptDate", "location"?, "variant"?,
  "unitOfMeasureCode"?, "received"?, "description"?, "directUnitCost"?}]}; quantities in the line's unit. What was
  received is posted as Purchase item ledger entries in base units, as the receipt would have been.

A refusal is a BCError, answered by the app's error middleware.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from aiohttp import web

from localdev.simulators.businesscentral.catalog_schema import DOCUMENT_STATUSES
from localdev.simulators.businesscentral.credit_memos import post_credit_memo
from localdev.simulators.businesscentral.errors import BCError, bad_request, dialog, missing_reference
from localdev.simulators.businesscentral.inventory import Movement, book, check_target
from localdev.simulators.businesscentral.item_units import qty_per_unit
from localdev.simulators.businesscentral.purchase_orders import (
    VENDORS,
    OtherLine,
    PurchaseLine,
    add_purchase_order,
)
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.shipments import post_shipment
from localdev.simulators.businesscentral.store import Record, Store

PURCHASE = "Purchase"
PURCHASE_LINE = "Purchase Line"


class DocumentControls:
    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/_sim/salesOrders/{order}/ship", self.ship)
        app.router.add_post("/_sim/purchaseOrders", self.add_purchase_order)
        app.router.add_post("/_sim/salesInvoices/{invoice}/creditMemo", self.credit_memo)

    async def credit_memo(self, request: web.Request) -> web.Response:
        """A posted credit memo for the invoice: {"amount"? (incl. VAT, default the invoice total), "apply"? (true:
        applied to the invoice)}."""
        invoice = self.store.sales_invoices.get(request.match_info["invoice"].lower())
        if invoice is None:
            raise BCError(404, "NotFound", "no such sales invoice")
        body = await _object(request) if request.can_read_body else {}
        amount = Decimal(str(_number(body, "amount", 0.0))) if "amount" in body else None
        apply = body.get("apply", True)
        if not isinstance(apply, bool):
            raise bad_request("apply must be true or false")
        memo = post_credit_memo(self.store, invoice, amount, apply, date.today())
        return web.json_response(memo, status=201)

    async def ship(self, request: web.Request) -> web.Response:
        order = self.store.sales_orders.get(request.match_info["order"].lower())
        if order is None:
            raise BCError(404, "NotFound", "no such sales order")
        post_shipment(self.store, order, date.today())
        return web.json_response({"shipped": order["number"]})

    async def add_purchase_order(self, request: web.Request) -> web.Response:
        body = await _object(request)
        vendor = VENDORS.get(_text(body, "vendorNumber", next(iter(VENDORS))).upper())
        if vendor is None:
            raise missing_reference("Vendor", "No.", str(body["vendorNumber"]))
        status = _text(body, "status", "Open")
        if status not in DOCUMENT_STATUSES:
            raise bad_request(f"status is one of {', '.join(DOCUMENT_STATUSES)}")
        raw_lines = body.get("lines", [])
        if not isinstance(raw_lines, list):
            raise bad_request("lines must be a list of objects")
        order_date = _date(body, "orderDate", date.today())
        lines = [self._line(_checked_object(raw), order_date) for raw in raw_lines]
        order = add_purchase_order(
            self.store, str(uuid.uuid4()), vendor, order_date=order_date, status=status, lines=lines
        )
        for line in lines:
            if isinstance(line, PurchaseLine) and line.received:
                self._book_receipt(order, line)
        stored = sorted(self.store.purchase_lines_of(order["id"]).values(), key=lambda row: row["sequence"])
        return web.json_response({**order, "purchaseOrderLines": stored}, status=201)

    def _line(self, raw: dict[str, Any], order_date: date) -> PurchaseLine | OtherLine:
        line_type = _text(raw, "lineType", "Item")
        description = _text(raw, "description", "")
        if line_type == "Comment":
            return OtherLine(str(uuid.uuid4()), description)
        number = _text(raw, "lineObjectNumber", "").upper()
        quantity = _number(raw, "quantity", None)
        if line_type == "Account":
            account = self.store.accounts.find("number", number)
            if account is None:
                raise missing_reference("G/L Account", "No.", number)
            cost = _number(raw, "directUnitCost", 0.0)
            return OtherLine(str(uuid.uuid4()), description or account["displayName"], account, quantity, cost)
        if line_type != "Item":
            raise bad_request("lineType is Item, Account or Comment")
        item = self.store.items.find("number", number)
        if item is None:
            raise missing_reference("Item", "No.", number)
        location, variant = _text(raw, "location", "").upper(), _text(raw, "variant", "").upper()
        check_target(self.store, item, location, variant)
        unit = _text(raw, "unitOfMeasureCode", item["baseUnitOfMeasureCode"]).upper()
        qty_per_unit(self.store, item["number"], unit, PURCHASE_LINE)
        received = _number(raw, "received", 0.0)
        if not 0 <= received <= quantity:
            raise dialog(f"You cannot receive more than {quantity:g} units.")
        return PurchaseLine(
            str(uuid.uuid4()),
            item,
            quantity,
            _date(raw, "expectedReceiptDate", order_date),
            self._location_id(location),
            received,
            self._variant_id(item, variant),
            unit,
        )

    def _location_id(self, code: str) -> str:
        location = self.store.locations.find("code", code) if code else None
        return str(location["id"]) if location else EMPTY_GUID

    def _variant_id(self, item: Record, code: str) -> str:
        variant = next(
            (v for v in self.store.item_variants.values() if v["itemId"] == item["id"] and v["code"] == code), None
        )
        return str(variant["id"]) if variant else EMPTY_GUID

    def _book_receipt(self, order: Record, line: PurchaseLine) -> None:
        location = self.store.locations.get(line.location_id)
        variant = self.store.item_variants.get(line.variant_id)
        movement = Movement(
            location["code"] if location else "",
            line.received * qty_per_unit(self.store, line.item["number"], line.unit, PURCHASE_LINE),
            date.today(),
            variant_code=variant["code"] if variant else "",
            unit_of_measure_code=line.unit,
            entry_type=PURCHASE,
            document_number=order["number"],
        )
        book(self.store, line.item, movement)


async def _object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise bad_request("the body must be a JSON object") from exc
    return _checked_object(body)


def _checked_object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request("a JSON object was expected")
    return value


def _text(body: dict[str, Any], name: str, default: str) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string")
    return value


def _number(body: dict[str, Any], name: str, default: float | None) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f"{name} must be a number")
    return float(value)


def _date(body: dict[str, Any], name: str, default: date) -> date:
    if name not in body:
        return default
    try:
        return date.fromisoformat(_text(body, name, ""))
    except ValueError as exc:
        raise bad_request(f"{name} must be a date (YYYY-MM-DD)") from exc
