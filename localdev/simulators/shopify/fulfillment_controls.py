"""/_sim/ controls of fulfillments: read an order's fulfillment orders and fulfillments as stored, and move lines
to another location as a merchant does (`fulfillmentOrderMove`)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from localdev.simulators.shopify.catalog import Catalog, gid
from localdev.simulators.shopify.fulfillments import FulfillmentDesk, FulfillmentOrder


class MoveRequest(BaseModel):
    """`POST /_sim/fulfillment_orders/{number}/move`: these lines (FulfillmentOrderLineItem ids) to the location
    of this name."""

    model_config = ConfigDict(extra="forbid")

    line_item_ids: list[str] = Field(min_length=1)
    location: str


class FulfillmentControls:
    def __init__(self, desk: FulfillmentDesk, catalog: Catalog) -> None:
        self._desk = desk
        self._catalog = catalog

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(r"/_sim/orders/{order_id:\d+}/fulfillments", self.get_fulfillments)
        router.add_post(r"/_sim/fulfillment_orders/{number:\d+}/move", self.move)

    async def get_fulfillments(self, request: web.Request) -> web.Response:
        order_id = int(request.match_info["order_id"])
        if order_id not in self._desk.orders:
            return _json({"errors": "Not Found"}, 404)
        return _json(
            {
                "fulfillmentOrders": [_order_json(fo) for fo in self._desk.of_order(order_id)],
                "fulfillments": [f.to_json() for f in self._desk.fulfillments_of(order_id)],
            }
        )

    async def move(self, request: web.Request) -> web.Response:
        try:
            asked = MoveRequest.model_validate_json(await request.read())
        except ValidationError as error:
            return _json({"errors": {"body": [e["msg"] for e in error.errors()]}}, 400)
        location = next((loc for loc in self._catalog.sorted_locations() if loc.name == asked.location), None)
        fulfillment_order_id = gid("FulfillmentOrder", int(request.match_info["number"]))
        if location is None or fulfillment_order_id not in self._desk.fulfillment_orders:
            return _json({"errors": "Not Found"}, 404)
        try:
            moved = self._desk.move(fulfillment_order_id, asked.line_item_ids, location)
        except ValueError as error:
            return _json({"errors": {"base": [str(error)]}}, 422)
        return _json(_order_json(moved))


def _order_json(fulfillment_order: FulfillmentOrder) -> dict[str, Any]:
    lines = [
        {
            "id": line.id,
            "sku": line.sku,
            "lineItemId": line.line_item["id"],
            "totalQuantity": line.total_quantity,
            "remainingQuantity": line.remaining_quantity,
        }
        for line in fulfillment_order.line_items
    ]
    return {
        "id": fulfillment_order.id,
        "status": fulfillment_order.status,
        "location": fulfillment_order.location.id,
        "lineItems": lines,
    }


def _json(body: object, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/json")
