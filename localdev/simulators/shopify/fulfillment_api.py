"""Admin GraphQL for fulfillments: the schema part (added to schema.py's) and its resolvers.

Field and argument names as in Shopify's Admin schema (ShopifySharp's generated types, nozzlegear/ShopifySharp
`ShopifySharp/Entities/GraphQL/Generated/Types/`, 2d6554ac; shopify.dev input-objects FulfillmentInput,
FulfillmentTrackingInput, FulfillmentEventInput). `UserError` has `field` and `message` only, as for
fulfillmentCreate. The rules are in fulfillments.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from localdev.simulators.shopify.catalog import gid
from localdev.simulators.shopify.connections import connection
from localdev.simulators.shopify.fulfillments import Fulfillment, FulfillmentDesk, FulfillmentOrder, Outcome

PAGE_ARGS = "first: Int, after: String, last: Int, before: String, reverse: Boolean = false"
FULFILLMENT_SDL = f"""
scalar URL
enum FulfillmentOrderStatus {{ CANCELLED CLOSED INCOMPLETE IN_PROGRESS ON_HOLD OPEN SCHEDULED }}
enum FulfillmentOrderRequestStatus {{
  ACCEPTED CANCELLATION_ACCEPTED CANCELLATION_REJECTED CANCELLATION_REQUESTED CLOSED REJECTED SUBMITTED UNSUBMITTED
}}
enum FulfillmentStatus {{ CANCELLED ERROR FAILURE OPEN PENDING SUCCESS }}
enum FulfillmentEventStatus {{
  ATTEMPTED_DELIVERY CARRIER_PICKED_UP CONFIRMED DELAYED DELIVERED FAILURE IN_TRANSIT LABEL_PRINTED LABEL_PURCHASED
  OUT_FOR_DELIVERY READY_FOR_PICKUP
}}

extend type Query {{
  order(id: ID!): Order
  fulfillmentOrder(id: ID!): FulfillmentOrder
  fulfillment(id: ID!): Fulfillment
}}
extend type Mutation {{
  fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
  fulfillmentTrackingInfoUpdate(
    fulfillmentId: ID!, trackingInfoInput: FulfillmentTrackingInput!, notifyCustomer: Boolean
  ): FulfillmentTrackingInfoUpdatePayload
  fulfillmentEventCreate(fulfillmentEvent: FulfillmentEventInput!): FulfillmentEventCreatePayload
}}

input FulfillmentInput {{
  lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]!, notifyCustomer: Boolean = false,
  originAddress: FulfillmentOriginAddressInput, trackingInfo: FulfillmentTrackingInput
}}
input FulfillmentOrderLineItemsInput {{
  fulfillmentOrderId: ID!, fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!]
}}
input FulfillmentOrderLineItemInput {{ id: ID!, quantity: Int! }}
input FulfillmentOriginAddressInput {{
  address1: String, address2: String, city: String, countryCode: String!, provinceCode: String, zip: String
}}
input FulfillmentTrackingInput {{ company: String, number: String, numbers: [String!], url: URL, urls: [URL!] }}
input FulfillmentEventInput {{
  fulfillmentId: ID!, status: FulfillmentEventStatus!, happenedAt: DateTime, estimatedDeliveryAt: DateTime,
  message: String, address1: String, city: String, province: String, country: String, zip: String,
  latitude: Float, longitude: Float
}}

type Order implements Node {{
  id: ID!, legacyResourceId: String!, name: String!,
  fulfillmentOrders({PAGE_ARGS}, displayable: Boolean = false, query: String): FulfillmentOrderConnection!,
  fulfillments(first: Int, query: String): [Fulfillment!]!
}}
type LineItem {{ id: ID!, sku: String, name: String!, quantity: Int!, currentQuantity: Int! }}
type FulfillmentOrderAssignedLocation {{ name: String!, location: Location }}
type FulfillmentOrder implements Node {{
  id: ID!, status: FulfillmentOrderStatus!, requestStatus: FulfillmentOrderRequestStatus!,
  assignedLocation: FulfillmentOrderAssignedLocation!, order: Order!,
  lineItems({PAGE_ARGS}): FulfillmentOrderLineItemConnection!
}}
type FulfillmentOrderLineItem {{
  id: ID!, totalQuantity: Int!, remainingQuantity: Int!, sku: String, lineItem: LineItem!
}}
type FulfillmentTrackingInfo {{ company: String, number: String, url: URL }}
type FulfillmentLineItem {{ id: ID!, quantity: Int, lineItem: LineItem! }}
type FulfillmentEvent {{
  id: ID!, status: FulfillmentEventStatus!, happenedAt: DateTime!, estimatedDeliveryAt: DateTime, message: String,
  createdAt: DateTime!
}}
type Fulfillment implements Node {{
  id: ID!, status: FulfillmentStatus!, createdAt: DateTime!, updatedAt: DateTime!, totalQuantity: Int!,
  location: Location, order: Order!, trackingInfo(first: Int): [FulfillmentTrackingInfo!]!,
  fulfillmentLineItems({PAGE_ARGS}): FulfillmentLineItemConnection!, events({PAGE_ARGS}): FulfillmentEventConnection!
}}
type FulfillmentOrderConnection {{
  nodes: [FulfillmentOrder!]!, edges: [FulfillmentOrderEdge!]!, pageInfo: PageInfo!
}}
type FulfillmentOrderEdge {{ cursor: String!, node: FulfillmentOrder! }}
type FulfillmentOrderLineItemConnection {{
  nodes: [FulfillmentOrderLineItem!]!, edges: [FulfillmentOrderLineItemEdge!]!, pageInfo: PageInfo!
}}
type FulfillmentOrderLineItemEdge {{ cursor: String!, node: FulfillmentOrderLineItem! }}
type FulfillmentLineItemConnection {{
  nodes: [FulfillmentLineItem!]!, edges: [FulfillmentLineItemEdge!]!, pageInfo: PageInfo!
}}
type FulfillmentLineItemEdge {{ cursor: String!, node: FulfillmentLineItem! }}
type FulfillmentEventConnection {{
  nodes: [FulfillmentEvent!]!, edges: [FulfillmentEventEdge!]!, pageInfo: PageInfo!
}}
type FulfillmentEventEdge {{ cursor: String!, node: FulfillmentEvent! }}
type UserError {{ field: [String!], message: String! }}
type FulfillmentCreatePayload {{ fulfillment: Fulfillment, userErrors: [UserError!]! }}
type FulfillmentTrackingInfoUpdatePayload {{ fulfillment: Fulfillment, userErrors: [UserError!]! }}
type FulfillmentEventCreatePayload {{ fulfillmentEvent: FulfillmentEvent, userErrors: [UserError!]! }}
"""


def _desk(info: GraphQLResolveInfo) -> FulfillmentDesk:
    desk: FulfillmentDesk = info.context.fulfillments
    return desk


def _order(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any] | None:
    desk = _desk(info)
    number = desk.order_of(arguments["id"])
    return None if number is None else desk.orders[number]


def _fulfillment_order(info: GraphQLResolveInfo, **arguments: Any) -> FulfillmentOrder | None:
    found = _desk(info).fulfillment_orders.get(arguments["id"])
    if found is not None:
        _desk(info).of_order(found.order_id)
    return found


def _fulfillment(info: GraphQLResolveInfo, **arguments: Any) -> Fulfillment | None:
    return _desk(info).fulfillments.get(arguments["id"])


def _payload(outcome: Outcome) -> dict[str, Any]:
    return {"fulfillment": outcome.fulfillment, "userErrors": [error.to_json() for error in outcome.errors]}


def _create(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return _payload(_desk(info).create(arguments["fulfillment"]))


def _update_tracking(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    outcome = _desk(info).update_tracking(
        arguments["fulfillmentId"], arguments["trackingInfoInput"], arguments.get("notifyCustomer")
    )
    return _payload(outcome)


def _create_event(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    event, errors = _desk(info).add_event(arguments["fulfillmentEvent"])
    return {"fulfillmentEvent": event, "userErrors": [error.to_json() for error in errors]}


def _id(node: Any) -> str:
    return str(node["id"] if isinstance(node, dict) else node.id)


def _order_fulfillment_orders(order: dict[str, Any], info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, _desk(info).of_order(order["id"]), _id, arguments)


def _order_fulfillments(order: dict[str, Any], info: GraphQLResolveInfo, **arguments: Any) -> list[Fulfillment]:
    found = _desk(info).fulfillments_of(order["id"])
    first = arguments.get("first")
    return found if first is None else found[:first]


def _of_order(owner: FulfillmentOrder | Fulfillment, info: GraphQLResolveInfo) -> dict[str, Any]:
    return _desk(info).orders[owner.order_id]


def _fulfillment_order_lines(owner: FulfillmentOrder, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, owner.line_items, _id, arguments)


def _fulfillment_lines(owner: Fulfillment, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, owner.line_items, _id, arguments)


def _events(owner: Fulfillment, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, owner.events, _id, arguments)


FULFILLMENT_ROOTS: dict[str, Callable[..., Any]] = {
    "order": _order,
    "fulfillmentOrder": _fulfillment_order,
    "fulfillment": _fulfillment,
    "fulfillmentCreate": _create,
    "fulfillmentTrackingInfoUpdate": _update_tracking,
    "fulfillmentEventCreate": _create_event,
}
FULFILLMENT_FIELDS: dict[tuple[str, str], Callable[..., Any]] = {
    ("Order", "id"): lambda order, _info: gid("Order", order["id"]),
    ("Order", "legacyResourceId"): lambda order, _info: str(order["id"]),
    ("Order", "fulfillmentOrders"): _order_fulfillment_orders,
    ("Order", "fulfillments"): _order_fulfillments,
    ("LineItem", "id"): lambda item, _info: gid("LineItem", item["id"]),
    ("LineItem", "currentQuantity"): lambda item, _info: item["current_quantity"],
    ("FulfillmentOrder", "order"): _of_order,
    ("FulfillmentOrder", "lineItems"): _fulfillment_order_lines,
    ("Fulfillment", "order"): _of_order,
    ("Fulfillment", "totalQuantity"): lambda owner, _info: sum(line["quantity"] for line in owner.line_items),
    ("Fulfillment", "fulfillmentLineItems"): _fulfillment_lines,
    ("Fulfillment", "events"): _events,
}
