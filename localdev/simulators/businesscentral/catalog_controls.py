"""Test controls under /_sim/ that change the catalog as BC users would, so tests can watch delta reads.

- PATCH /_sim/items/{number}: an item card edit (price, cost, blocked, vatProductPostingGroup ...): new ETag and
  lastModifiedDateTime. The VAT Prod. Posting Group is not on API v2.0 items; page 31 serves it.
- POST /_sim/items/{number}/stock {"location", "quantity", "variant"?}: an item journal line posted (quantity in
  base units, negative takes stock out): a new item ledger entry; items.inventory follows, the item record does not
  change (Inventory is a FlowField).
- PATCH /_sim/priceListLines/{priceListCode}/{lineNo}: a price list line edit: new ETag and SystemModifiedAt.

A refusal is a BCError, answered by the app's error middleware.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from localdev.simulators.businesscentral.catalog_schema import ITEM
from localdev.simulators.businesscentral.errors import BCError, bad_request
from localdev.simulators.businesscentral.inventory import Movement, post
from localdev.simulators.businesscentral.price_lists import find_line
from localdev.simulators.businesscentral.published_schema import PRICE_LIST_LINE_REVIEW
from localdev.simulators.businesscentral.schema import EntityType
from localdev.simulators.businesscentral.store import Store
from localdev.simulators.businesscentral.validation import check_value

ITEM_FIELDS = frozenset({"displayName", "displayName2", "unitPrice", "unitCost", "blocked", "gtin", "priceIncludesTax"})
VAT_GROUP = "vatProductPostingGroup"
PRICE_LINE_FIELDS = frozenset(
    {"Unit_Price", "Minimum_Quantity", "Line_Discount_Percent", "Status", "Starting_Date", "Ending_Date"}
)


class CatalogControls:
    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self, app: web.Application) -> None:
        app.router.add_patch("/_sim/items/{number}", self.change_item)
        app.router.add_post("/_sim/items/{number}/stock", self.post_stock)
        app.router.add_patch("/_sim/priceListLines/{code}/{line}", self.change_price_line)

    async def change_item(self, request: web.Request) -> web.Response:
        item = self._item(request.match_info["number"])
        body = await _body(request)
        group = body.pop(VAT_GROUP, None)
        changes = _changes(body, ITEM, ITEM_FIELDS)
        if group is not None:
            if not isinstance(group, str):
                raise bad_request(f"{VAT_GROUP} is a code (a string; blank for none)")
            changes[VAT_GROUP] = group.upper()
        item.update(changes)
        self.store.items.stamp(item)
        return web.json_response(item)

    async def post_stock(self, request: web.Request) -> web.Response:
        item = self._item(request.match_info["number"])
        body = await _body(request)
        location, quantity, variant = body.get("location", ""), body.get("quantity"), body.get("variant", "")
        if not isinstance(location, str) or not isinstance(variant, str):
            raise bad_request("location and variant are codes (strings)")
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            raise bad_request("quantity must be a number (base units; negative takes stock out)")
        movement = Movement(location.upper(), float(quantity), date.today(), variant_code=variant.upper())
        entry = post(self.store, item, movement)
        return web.json_response({"inventory": item["inventory"], "itemLedgerEntry": entry})

    async def change_price_line(self, request: web.Request) -> web.Response:
        code, line_no = request.match_info["code"], request.match_info["line"]
        line = find_line(self.store, code, int(line_no)) if line_no.isdigit() else None
        if line is None:
            raise BCError(404, "NotFound", f"no price list line {code} {line_no}")
        changes = _changes(await _body(request), PRICE_LIST_LINE_REVIEW, PRICE_LINE_FIELDS)
        if "Line_Discount_Percent" in changes:
            changes["PurchLineDiscountPct"] = changes["Line_Discount_Percent"]
        line.update(changes)
        self.store.price_list_lines.stamp(line)
        return web.json_response(line)

    def _item(self, number: str) -> dict[str, Any]:
        item = self.store.items.find("number", number.upper())
        if item is None:
            raise BCError(404, "NotFound", f"no item {number}")
        return item


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise bad_request("the body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def _changes(body: dict[str, Any], entity: EntityType, allowed: frozenset[str]) -> dict[str, Any]:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(f"cannot change {', '.join(unknown)}; changeable: {', '.join(sorted(allowed))}")
    changes: dict[str, Any] = {}
    for name, value in body.items():
        prop = entity.prop(name)
        assert prop is not None
        changes[name] = check_value(prop, value)
    return changes
