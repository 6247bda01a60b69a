"""The ShopShipments port over Shopify's Admin GraphQL API: a BC shipment becomes a fulfillment of the order's
fulfillment orders (one `fulfillmentCreate` per location, only the lines and quantities shipped, with tracking and
`notifyCustomer`); a tracking number known later is sent with `fulfillmentTrackingInfoUpdate` on the fulfillment
made for the shipment.

Before creating, the order's fulfillments are read: one that already stands for the shipment (fulfillment_plan.py
says how it is recognised) is not made again, so a lost answer followed by a retry leaves one fulfillment
(`fulfillmentCreate` is not idempotent). `prepare` reads many orders at once (order_states.py); a prepared order's
`tell` uses that read instead of its own, once (after the tell's writes it is stale).

Shopify's userErrors, and what cannot be placed on the order as Shopify has it, are answered as words (refused: a
person looks); throttling, a shop out of reach or failing is RetryableError (client.py).

BC's shipping agent code becomes Shopify's tracking company through the shop's carrier names
(`KOPPEL_SHOPIFY_CARRIERS_<SHOP>`, e.g. `POSTNL=PostNL,DHL=DHL Parcel`; Shopify builds links for the names in its
list, spelled exactly); an agent not named there is sent as its code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.models import WebOrderKey
from domain.shipments.models import Shipment
from domain.shipments.ports import ShipmentNotice
from domain.shipments.recorded import ShipmentChange
from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient
from integrations.shops.shopify.fulfillment_plan import (
    NotPlaced,
    ShopFulfillment,
    by_location,
    covering,
    fitting,
    quantities_of,
    shop_fulfillments,
    standing_for,
    still_to_fulfil,
    whole_quantities,
)
from integrations.shops.shopify.order_states import FULFILLED_LINE, ORDER_LINE, order_states

FULFILLMENT_ORDERS_PAGE = 5
LINES_PAGE = 25
FULFILLMENTS_PAGE = 10
"""The first read's pages, one query under Shopify's 1000-point limit; further fulfillment orders and lines are read
page by page, more than FULFILLMENTS_PAGE fulfillments (a plain list in Shopify: no pages) are left to a person."""
MORE_LINES_PAGE = 100
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
FULFILLMENT_ORDERS = f"""
    fulfillmentOrders(first: {FULFILLMENT_ORDERS_PAGE}, after: $after) {{
      {PAGE_INFO}
      nodes {{
        id status assignedLocation {{ location {{ id }} }}
        lineItems(first: {LINES_PAGE}) {{ {PAGE_INFO} nodes {{ {ORDER_LINE} }} }}
      }}
    }}"""
ORDER_STATE = f"""
query KoppelFulfillmentState($id: ID!, $after: String) {{
  order(id: $id) {{
    {FULFILLMENT_ORDERS}
    fulfillments(first: {FULFILLMENTS_PAGE + 1}) {{
      id status trackingInfo {{ company number url }}
      fulfillmentLineItems(first: {LINES_PAGE}) {{ {PAGE_INFO} nodes {{ {FULFILLED_LINE} }} }}
    }}
  }}
}}"""
MORE_FULFILLMENT_ORDERS = f"""
query KoppelMoreFulfillmentOrders($id: ID!, $after: String) {{ order(id: $id) {{ {FULFILLMENT_ORDERS} }} }}"""
MORE_ORDER_LINES = f"""
query KoppelMoreOrderLines($id: ID!, $after: String) {{
  fulfillmentOrder(id: $id) {{
    lineItems(first: {MORE_LINES_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ {ORDER_LINE} }} }}
  }}
}}"""
MORE_FULFILLED_LINES = f"""
query KoppelMoreFulfilledLines($id: ID!, $after: String) {{
  fulfillment(id: $id) {{
    fulfillmentLineItems(first: {MORE_LINES_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ {FULFILLED_LINE} }} }}
  }}
}}"""
CREATE = """
mutation KoppelFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id } userErrors { field message } }
}"""
UPDATE_TRACKING = """
mutation KoppelTrackingUpdate($id: ID!, $tracking: FulfillmentTrackingInput!, $notify: Boolean!) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $tracking, notifyCustomer: $notify) {
    fulfillment { id } userErrors { field message }
  }
}"""


def carrier_names(setting: str) -> dict[str, str]:
    """`POSTNL=PostNL,DHL=DHL Parcel` -> BC shipping agent code (in capitals) -> Shopify's tracking company;
    ValueError naming an entry without `=`."""
    names: dict[str, str] = {}
    for entry in (part.strip() for part in setting.split(",")):
        if not entry:
            continue
        code, sign, company = entry.partition("=")
        if not sign or not code.strip() or not company.strip():
            raise ValueError(f"carrier name {entry!r} is not CODE=Shopify name")
        names[code.strip().upper()] = company.strip()
    return names


def tracking_input(shipment: Shipment, carriers: Mapping[str, str]) -> dict[str, str]:
    """FulfillmentTrackingInput: the company, the number and its url (a url only with a number); {} when BC has none
    of them."""
    agent = shipment.shipping_agent.strip()
    tracking: dict[str, str] = {}
    if agent:
        tracking["company"] = carriers.get(agent.upper(), agent)
    if shipment.tracking_number.strip():
        tracking["number"] = shipment.tracking_number.strip()
        if shipment.tracking_url:
            tracking["url"] = shipment.tracking_url
    return tracking


class ShopifyFulfillments:
    """`carriers`: BC shipping agent code (capitals) -> Shopify tracking company (carrier_names)."""

    def __init__(self, client: ShopifyClient, carriers: Mapping[str, str] | None = None) -> None:
        self._client = client
        self._carriers = dict(carriers or {})
        self._prepared: dict[str, dict[str, Any]] = {}
        """Order id -> its state as `prepare` read it, until its next `tell`."""

    def prepare(self, orders: Sequence[WebOrderKey]) -> None:
        """What an earlier prepare read is dropped; these orders' states are read (those that fit the batched
        read's pages) for their next `tell`."""
        self._prepared = {}
        for order_id, state in order_states(self._client, [key.order_id for key in orders]):
            self._prepared[order_id] = state

    def tell(self, notice: ShipmentNotice) -> str:
        try:
            if ShipmentChange.POSTED in notice.changes:
                return self._fulfil(notice)
            if ShipmentChange.LINES in notice.changes:
                return (
                    f"BC changed the quantities of shipment {notice.shipment.number} after Shopify was told: Shopify "
                    "keeps a fulfillment's quantities (cancel or correct the fulfillment in Shopify)"
                )
            if ShipmentChange.TRACKING in notice.changes:
                return self._retrack(notice)
            return ""
        except NotPlaced as refused:
            return str(refused)
        except GraphQLRefused as refused:
            return f"Shopify refused the call: {refused}"

    def _fulfil(self, notice: ShipmentNotice) -> str:
        """A fulfillment per location for what no standing fulfillment holds yet. A tracked shipment that Shopify
        already has untracked (told before its number came, the taking not recorded) gets its tracking instead."""
        shipment = notice.shipment
        quantities = whole_quantities(shipment)
        order = self._order(notice)
        found = shop_fulfillments(order)
        standing = standing_for(shipment, quantities, found, notice.told_alike)
        if not standing and shipment.tracking_number.strip():
            told_untracked = covering(quantities, [fulfillment for fulfillment in found if not fulfillment.numbers])
            if told_untracked:
                return self._put_tracking(told_untracked, shipment)
        tracking = tracking_input(shipment, self._carriers)
        plan = _plan(shipment, quantities, standing, found, order["fulfillmentOrders"]["nodes"])
        for index, groups in enumerate(plan):
            # One BC shipment from several locations is one e-mail to the customer, with the first fulfillment.
            fulfillment: dict[str, Any] = {"lineItemsByFulfillmentOrder": groups, "notifyCustomer": index == 0}
            if tracking:
                fulfillment["trackingInfo"] = tracking
            answer = self._client.graphql(CREATE, {"fulfillment": fulfillment})["fulfillmentCreate"]
            if answer["userErrors"]:
                return _words(answer["userErrors"])
        return ""

    def _retrack(self, notice: ShipmentNotice) -> str:
        """The shipment's tracking onto the fulfillments made for it: those carrying its number, else those holding
        its items (untracked ones first); "" when they carry that tracking already."""
        shipment = notice.shipment
        quantities = whole_quantities(shipment)
        found = shop_fulfillments(self._order(notice))
        made = standing_for(shipment, quantities, found) if shipment.tracking_number.strip() else []
        if not made:
            candidates = sorted(found, key=lambda fulfillment: bool(fulfillment.numbers))
            made = covering(quantities, [c for c in candidates if _within(c, quantities)]) or []
        if not made:
            return (
                f"Shopify's order has no fulfillment holding shipment {shipment.number}'s items to put its tracking "
                "on (was the shipment refused, or its fulfillment cancelled?)"
            )
        return self._put_tracking(made, shipment)

    def _put_tracking(self, made: list[ShopFulfillment], shipment: Shipment) -> str:
        """The shipment's tracking onto these fulfillments, where they do not carry it yet."""
        tracking = tracking_input(shipment, self._carriers)
        for fulfillment in (f for f in made if not f.carries(tracking)):
            # A tracking number BC cleared is passed on, but the customer gets no e-mail without a number in it.
            variables = {"id": fulfillment.id, "tracking": tracking, "notify": bool(shipment.tracking_number.strip())}
            answer = self._client.graphql(UPDATE_TRACKING, variables)["fulfillmentTrackingInfoUpdate"]
            if answer["userErrors"]:
                return _words(answer["userErrors"])
        return ""

    def _order(self, notice: ShipmentNotice) -> dict[str, Any]:
        """The order's fulfillment orders and fulfillments, every page of them read (or as `prepare` read them, once);
        NotPlaced when Shopify has no such order or it has more fulfillments than one read lists."""
        prepared = self._prepared.pop(notice.key.order_id, None)
        if prepared is not None:
            return prepared
        order_id = f"gid://shopify/Order/{notice.key.order_id}"
        order: dict[str, Any] | None = self._client.graphql(ORDER_STATE, {"id": order_id, "after": None})["order"]
        if order is None:
            raise NotPlaced(f"Shopify has no order {notice.key.order_id}")
        if len(order["fulfillments"]) > FULFILLMENTS_PAGE:
            raise NotPlaced(
                f"Shopify's order {notice.key.order_id} has more than {FULFILLMENTS_PAGE} fulfillments: fulfil "
                f"shipment {notice.shipment.number} in Shopify"
            )
        orders = order["fulfillmentOrders"]
        orders["nodes"] = self._every(orders, MORE_FULFILLMENT_ORDERS, order_id, ("order", "fulfillmentOrders"))
        for node in orders["nodes"]:
            lines = node["lineItems"]
            lines["nodes"] = self._every(lines, MORE_ORDER_LINES, node["id"], ("fulfillmentOrder", "lineItems"))
        for made in order["fulfillments"]:
            lines = made["fulfillmentLineItems"]
            made_lines = ("fulfillment", "fulfillmentLineItems")
            lines["nodes"] = self._every(lines, MORE_FULFILLED_LINES, made["id"], made_lines)
        return order

    def _every(self, page: Mapping[str, Any], query: str, owner: str, path: tuple[str, str]) -> list[Any]:
        """The nodes of this page and of every page after it, read with `query` (its owner's id, the cursor)."""
        nodes = list(page["nodes"])
        info = page["pageInfo"]
        while info["hasNextPage"]:
            found = self._client.graphql(query, {"id": owner, "after": info["endCursor"]})[path[0]]
            if found is None:
                break
            nodes += found[path[1]]["nodes"]
            info = found[path[1]]["pageInfo"]
        return nodes


def _plan(
    shipment: Shipment,
    quantities: Mapping[str, int],
    standing: list[ShopFulfillment],
    found: list[ShopFulfillment],
    fulfillment_orders: list[Mapping[str, Any]],
) -> list[list[dict[str, Any]]]:
    """The fulfillmentCreate calls for what the standing fulfillments do not hold. An untracked shipment whose lines
    no longer fit the open fulfillment orders may have been made in part (one location of several, then the answer
    lost): untracked fulfillments that fit within it are then taken as that part."""
    try:
        return by_location(still_to_fulfil(quantities, standing), fulfillment_orders)
    except NotPlaced:
        if standing or shipment.tracking_number.strip():
            raise
        part = fitting(quantities, [fulfillment for fulfillment in found if not fulfillment.numbers])
        return by_location(still_to_fulfil(quantities, part), fulfillment_orders)


def _within(fulfillment: ShopFulfillment, quantities: Mapping[str, int]) -> bool:
    held = quantities_of(fulfillment, list(quantities))
    return all(quantities.get(item, 0) >= quantity for item, quantity in held.items())


def _words(user_errors: list[Mapping[str, Any]]) -> str:
    """Shopify's userErrors as its own words."""
    return "; ".join(str(error["message"]) for error in user_errors)
