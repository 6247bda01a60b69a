"""Many Shopify orders' fulfillment orders and fulfillments read at once (`nodes(ids:)`, ORDERS_PER_READ orders a
query), for ShopifyFulfillments.prepare.

The pages are small, so that one query stays well under Shopify's 1000-point limit on a query's requested cost
(ORDERS_PER_READ orders of ORDER_POINTS each, as the simulator prices them: a plain list sized by its argument counted
as that many objects, the dearer reading). An order whose fulfillment orders, lines or fulfillments do not all fit
in these pages is left out: its `tell` reads it page by page, as without prepare. Orders Shopify does not have are
left out too (their `tell` says so).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient

ORDERS_PER_READ = 10
FULFILLMENT_ORDERS_FIRST = 2
LINES_FIRST = 5
FULFILLMENTS_FIRST = 2
"""Fulfillments asked for: an order holding this many may hold more (a plain list, no pages) and is left out."""
ORDER_POINTS = 61
"""One order's requested cost in ORDER_STATES: 1 + (2 + 2 * (1 + 2 + (2 + 5 * 2))) + 2 * (1 + 1 + (2 + 5 * 2))."""
ORDER_LINE = "id sku remainingQuantity lineItem { sku }"
FULFILLED_LINE = "quantity lineItem { sku }"
ORDER_STATES = f"""
query KoppelFulfillmentStates($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    ... on Order {{
      id
      fulfillmentOrders(first: {FULFILLMENT_ORDERS_FIRST}) {{
        pageInfo {{ hasNextPage }}
        nodes {{
          id status assignedLocation {{ location {{ id }} }}
          lineItems(first: {LINES_FIRST}) {{ pageInfo {{ hasNextPage }} nodes {{ {ORDER_LINE} }} }}
        }}
      }}
      fulfillments(first: {FULFILLMENTS_FIRST}) {{
        id status trackingInfo {{ company number url }}
        fulfillmentLineItems(first: {LINES_FIRST}) {{ pageInfo {{ hasNextPage }} nodes {{ {FULFILLED_LINE} }} }}
      }}
    }}
  }}
}}"""

log = logging.getLogger(__name__)


def order_states(client: ShopifyClient, order_ids: Sequence[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(order id, its state as ORDER_STATE answers it) for each of these orders that fits the pages, a query per
    ORDERS_PER_READ of them. A query Shopify refuses is logged and its orders left out; RetryableError passes."""
    numbers = list(dict.fromkeys(order_id for order_id in order_ids if order_id.isdigit()))
    for start in range(0, len(numbers), ORDERS_PER_READ):
        chunk = numbers[start : start + ORDERS_PER_READ]
        ids = [f"gid://shopify/Order/{number}" for number in chunk]
        try:
            found = client.graphql(ORDER_STATES, {"ids": ids})["nodes"]
        except GraphQLRefused as refused:
            log.warning("Shopify refused reading %d orders' fulfillments at once: %s", len(chunk), refused)
            continue
        for number, order_id, order in zip(chunk, ids, found, strict=False):
            if order is not None and order.get("id") == order_id and _whole(order):
                yield number, order


def _whole(order: Mapping[str, Any]) -> bool:
    """Whether the answer holds all of the order's fulfillment orders, their lines, fulfillments and their lines."""
    orders = order["fulfillmentOrders"]
    made = order["fulfillments"]
    return (
        not orders["pageInfo"]["hasNextPage"]
        and not any(node["lineItems"]["pageInfo"]["hasNextPage"] for node in orders["nodes"])
        and len(made) < FULFILLMENTS_FIRST
        and not any(fulfillment["fulfillmentLineItems"]["pageInfo"]["hasNextPage"] for fulfillment in made)
    )
