"""Test controls under /_sim/ for what BC users do with shipments, which Koppel only reads (see shipments.py).

- POST /_sim/salesOrders/{id}/shipments {"lines"?: [{"sequence", "quantity"}], "shippingAgentCode"?,
  "shippingAgentServiceCode"?, "packageTrackingNumber"?, "postingDate"?}: a warehouse worker posts a shipment: the
  lines named ship the quantities given and every other line ships 0 (without "lines": each line's shipQuantity);
  agent, service and number are the order's unless given. 201 with the shipment as the table holds it.
- POST /_sim/salesOrders/{id}/shipping {"shippingAgentCode"?, "shippingAgentServiceCode"?, "packageTrackingNumber"?}:
  the order's Shipping tab.
- POST /_sim/salesShipments/{id}/update {the same three}: "Update Document" on the posted shipment (page 1350).
- POST /_sim/salesShipments/{id}/undo {"sequence"}: Undo Shipment of that line; 201 with the correction line.
- PUT /_sim/shippingAgents/{code} {"name", "internetAddress", "services"?}: a shipping agent (table 291).

A refusal is a BCError, answered by the app's error middleware.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from localdev.simulators.businesscentral.errors import BCError, bad_request, dialog, object_body
from localdev.simulators.businesscentral.inventory import QUANTITY_PLACES
from localdev.simulators.businesscentral.invoicing import NOTHING_TO_POST
from localdev.simulators.businesscentral.sales_orders import SalesOrders
from localdev.simulators.businesscentral.shipments import (
    Tracking,
    post_shipment,
    set_order_tracking,
    undo_shipment_line,
    update_shipment,
)
from localdev.simulators.businesscentral.shipping_agents import ShippingAgent
from localdev.simulators.businesscentral.store import Record, Store


class ShipmentControls:
    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/_sim/salesOrders/{order}/shipments", self.post)
        app.router.add_post("/_sim/salesOrders/{order}/shipping", self.order_shipping)
        app.router.add_post("/_sim/salesShipments/{shipment}/update", self.update)
        app.router.add_post("/_sim/salesShipments/{shipment}/undo", self.undo)
        app.router.add_put("/_sim/shippingAgents/{code}", self.put_agent)

    async def post(self, request: web.Request) -> web.Response:
        order = self._order(request)
        body = await object_body(request)
        posting_date = _posting_date(body)
        lines = SalesOrders(self.store).lines(order)
        before = {line["id"]: (line["shipQuantity"], line["shippedQuantity"]) for line in lines}
        if "lines" in body:
            _set_quantities(lines, _quantities(body["lines"]))
        try:
            shipment = post_shipment(self.store, order, posting_date, _tracking(body))
        finally:
            _restore_unshipped(lines, before)
        if shipment is None:
            raise dialog(NOTHING_TO_POST)
        return web.json_response(shipment, status=201)

    async def order_shipping(self, request: web.Request) -> web.Response:
        order = self._order(request)
        return web.json_response(set_order_tracking(self.store, order, _tracking(await object_body(request))))

    async def update(self, request: web.Request) -> web.Response:
        shipment = self._shipment(request)
        return web.json_response(update_shipment(self.store, shipment, _tracking(await object_body(request))))

    async def undo(self, request: web.Request) -> web.Response:
        shipment = self._shipment(request)
        sequence = (await object_body(request)).get("sequence")
        line = self.store.shipment_lines_of(shipment["id"]).find("sequence", sequence)
        if line is None:
            raise BCError(404, "NotFound", "no such shipment line")
        return web.json_response(undo_shipment_line(self.store, shipment, line, date.today()), status=201)

    async def put_agent(self, request: web.Request) -> web.Response:
        code = request.match_info["code"].upper()
        body = await object_body(request)
        name, address, services = body.get("name", ""), body.get("internetAddress", ""), body.get("services", [])
        if not (isinstance(name, str) and isinstance(address, str) and isinstance(services, list)):
            raise bad_request("name and internetAddress are strings, services a list of codes")
        agent = ShippingAgent(code, name, address, tuple(str(service).upper() for service in services))
        self.store.shipping_agents[code] = agent
        return web.json_response({"code": code, "name": name, "internetAddress": address, "services": services})

    def _order(self, request: web.Request) -> Record:
        order = self.store.sales_orders.get(request.match_info["order"].lower())
        if order is None:
            raise BCError(404, "NotFound", "no such sales order")
        return order

    def _shipment(self, request: web.Request) -> Record:
        shipment = self.store.sales_shipments.get(request.match_info["shipment"].lower())
        if shipment is None:
            raise BCError(404, "NotFound", "no such sales shipment")
        return shipment


def _tracking(body: dict[str, Any]) -> Tracking:
    values = [body.get(name) for name in ("shippingAgentCode", "shippingAgentServiceCode", "packageTrackingNumber")]
    if any(value is not None and not isinstance(value, str) for value in values):
        raise bad_request("shippingAgentCode, shippingAgentServiceCode and packageTrackingNumber are strings")
    return Tracking(*values)


def _posting_date(body: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(body["postingDate"]) if "postingDate" in body else date.today()
    except (TypeError, ValueError) as exc:
        raise bad_request("postingDate must be a date (YYYY-MM-DD)") from exc


def _quantities(raw: object) -> dict[int, float]:
    if not isinstance(raw, list) or not all(isinstance(line, dict) for line in raw):
        raise bad_request("lines must be a list of {sequence, quantity}")
    quantities: dict[int, float] = {}
    for line in raw:
        sequence, quantity = line.get("sequence"), line.get("quantity")
        if not isinstance(sequence, int) or isinstance(quantity, bool) or not isinstance(quantity, int | float):
            raise bad_request("each line has an integer sequence and a numeric quantity")
        quantities[sequence] = float(quantity)
    return quantities


def _set_quantities(lines: list[Record], quantities: dict[int, float]) -> None:
    """Qty. to Ship of every line: the quantity given, 0 for the lines not named; checked before anything is set."""
    by_sequence = {line["sequence"]: line for line in lines}
    for sequence, quantity in quantities.items():
        line = by_sequence.get(sequence)
        if line is None:
            raise bad_request(f"the order has no line {sequence}")
        outstanding = round(line["quantity"] - line["shippedQuantity"], QUANTITY_PLACES)
        if not 0 <= quantity <= outstanding:
            raise dialog(f"You cannot ship more than {outstanding:g} units.")
    for line in lines:
        line["shipQuantity"] = quantities.get(line["sequence"], 0.0)


def _restore_unshipped(lines: list[Record], before: dict[str, tuple[float, float]]) -> None:
    """The lines that shipped nothing get their Qty. to Ship back (a shipped line's is what is left to ship)."""
    for line in lines:
        ship_quantity, shipped = before[line["id"]]
        if line["shippedQuantity"] == shipped:
            line["shipQuantity"] = ship_quantity
