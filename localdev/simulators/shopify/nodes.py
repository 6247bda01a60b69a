"""`nodes(ids:)`: any objects implementing Shopify's Node interface by their global ids, in the order asked.

Served for Order, FulfillmentOrder, Fulfillment, Product and ProductVariant; a well-formed id of no such object (or
of another type) is a null entry. More than 250 ids is Shopify's input limit error; an id that is not
`gid://shopify/<Type>/<number>` refuses the call (Shopify's wording for that in the Admin API: unconfirmed).
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from localdev.simulators.shopify.catalog import Product, Variant
from localdev.simulators.shopify.fulfillments import Fulfillment, FulfillmentOrder
from localdev.simulators.shopify.gql_errors import check_input_sizes

NODE_SDL = """
interface Node { id: ID! }
extend type Query { nodes(ids: [ID!]!): [Node]! }
"""
GLOBAL_ID = re.compile(r"gid://shopify/(?P<kind>[A-Za-z]+)/(?P<number>\d+)")


def nodes(info: GraphQLResolveInfo, **arguments: Any) -> list[Any]:
    check_input_sizes(info, arguments, frozenset())
    ids: list[str] = arguments["ids"]
    for node_id in ids:
        if GLOBAL_ID.fullmatch(node_id) is None:
            raise GraphQLError(f"Invalid global id '{node_id}'", info.field_nodes, extensions={"code": "BAD_REQUEST"})
    return [_node(info, node_id) for node_id in ids]


def _node(info: GraphQLResolveInfo, node_id: str) -> Any:
    kind = node_id.split("/")[3]
    context = info.context
    if kind == "Order":
        number = context.fulfillments.order_of(node_id)
        return None if number is None else context.fulfillments.orders[number]
    if kind == "FulfillmentOrder":
        found = context.fulfillments.fulfillment_orders.get(node_id)
        if found is not None:
            context.fulfillments.of_order(found.order_id)
        return found
    if kind == "Fulfillment":
        return context.fulfillments.fulfillments.get(node_id)
    if kind == "Product":
        return context.catalog.products.get(node_id)
    if kind == "ProductVariant":
        return context.catalog.variant(node_id)
    return None


def node_type(value: Any, _info: GraphQLResolveInfo, _abstract: Any) -> str:
    """The GraphQL type of what `nodes` found (an order is the REST order's dict)."""
    if isinstance(value, FulfillmentOrder):
        return "FulfillmentOrder"
    if isinstance(value, Fulfillment):
        return "Fulfillment"
    if isinstance(value, Product):
        return "Product"
    if isinstance(value, Variant):
        return "ProductVariant"
    return "Order"
