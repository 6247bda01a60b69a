"""Admin GraphQL for refunds: the schema part (added to schema.py's), its field resolvers, and
`GET /_sim/orders/{id}/refunds` (the refunds as stored, and `moneyMoved`: the REFUND transactions sent). The rules
are in refunds.py; the `refundCreate` root resolver is in resolvers.py, with the `@idempotent(key:)` handling it shares.

Names as in shopify.dev Admin GraphQL (2026-01 and later): `mutations/refundCreate`, `input-objects/RefundInput`
(the fields a client sends here: orderId, note, notify, allowOverRefunding, refundLineItems, transactions; currency,
shipping, refundDuties, refundMethods, discrepancyReason and processedAt are left out), `input-objects/
OrderTransactionInput`, `objects/Refund`, `Order.refunds`, `Order.displayFinancialStatus`. CurrencyCode holds a few
currencies only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web
from graphql import GraphQLResolveInfo

from localdev.simulators.shopify.connections import connection
from localdev.simulators.shopify.money import money
from localdev.simulators.shopify.refunds import Refund, RefundDesk

PAGE_ARGS = "first: Int, after: String, last: Int, before: String, reverse: Boolean = false"
REFUND_SDL = f"""
scalar Decimal
enum CurrencyCode {{ AUD CAD CHF CZK DKK EUR GBP JPY NOK PLN SEK USD }}
enum OrderDisplayFinancialStatus {{
  AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED
}}
enum OrderTransactionKind {{ AUTHORIZATION CAPTURE CHANGE EMV_AUTHORIZATION REFUND SALE SUGGESTED_REFUND VOID }}
enum OrderTransactionStatus {{ AWAITING_RESPONSE ERROR FAILURE PENDING SUCCESS UNKNOWN }}
enum RefundLineItemRestockType {{ CANCEL LEGACY_RESTOCK NO_RESTOCK RETURN }}

extend type Mutation {{ refundCreate(input: RefundInput!): RefundCreatePayload }}

input RefundInput {{
  orderId: ID!, note: String, notify: Boolean, allowOverRefunding: Boolean = false,
  refundLineItems: [RefundLineItemInput!], transactions: [OrderTransactionInput!]
}}
input RefundLineItemInput {{ lineItemId: ID!, quantity: Int!, restockType: RefundLineItemRestockType, locationId: ID }}
input OrderTransactionInput {{
  orderId: ID!, gateway: String!, kind: OrderTransactionKind!, amount: Money!, parentId: ID
}}

type MoneyV2 {{ amount: Decimal!, currencyCode: CurrencyCode! }}
type MoneyBag {{ shopMoney: MoneyV2!, presentmentMoney: MoneyV2! }}
type OrderTransaction {{
  id: ID!, kind: OrderTransactionKind!, status: OrderTransactionStatus!, gateway: String, amountSet: MoneyBag!
}}
type OrderTransactionConnection {{
  nodes: [OrderTransaction!]!, edges: [OrderTransactionEdge!]!, pageInfo: PageInfo!
}}
type OrderTransactionEdge {{ cursor: String!, node: OrderTransaction! }}
type Refund {{
  id: ID!, legacyResourceId: String!, note: String, createdAt: DateTime, updatedAt: DateTime!,
  totalRefundedSet: MoneyBag!, order: Order!, transactions({PAGE_ARGS}): OrderTransactionConnection!
}}
type RefundCreatePayload {{ order: Order, refund: Refund, userErrors: [UserError!]! }}
extend type Order {{
  currencyCode: CurrencyCode!, displayFinancialStatus: OrderDisplayFinancialStatus, totalRefundedSet: MoneyBag!,
  refunds(first: Int): [Refund!]!
}}
"""


def _desk(info: GraphQLResolveInfo) -> RefundDesk:
    desk: RefundDesk = info.context.refunds
    return desk


def money_bag(amount: Any, currency: str) -> dict[str, dict[str, str]]:
    shop_money = {"amount": money(amount), "currencyCode": currency}
    return {"shopMoney": shop_money, "presentmentMoney": dict(shop_money)}


def refund_payload(refund: Refund | None, errors: list[dict[str, Any]], info: GraphQLResolveInfo) -> dict[str, Any]:
    order = info.context.fulfillments.orders[refund.order_id] if refund is not None else None
    return {"order": order, "refund": refund, "userErrors": errors}


def _order_refunds(order: dict[str, Any], info: GraphQLResolveInfo, **arguments: Any) -> list[Refund]:
    found = _desk(info).of_order(order["id"])
    first = arguments.get("first")
    return found if first is None else found[:first]


def _transactions(refund: Refund, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, refund.transactions, lambda transaction: transaction.id, arguments)


REFUND_FIELDS: dict[tuple[str, str], Callable[..., Any]] = {
    ("Order", "currencyCode"): lambda order, _info: order["currency"],
    ("Order", "displayFinancialStatus"): lambda order, _info: str(order["financial_status"]).upper(),
    ("Order", "totalRefundedSet"): lambda o, info: money_bag(_desk(info).refunded(o["id"]), o["currency"]),
    ("Order", "refunds"): _order_refunds,
    ("Refund", "legacyResourceId"): lambda refund, _info: refund.id.rsplit("/", 1)[-1],
    ("Refund", "updatedAt"): lambda refund, _info: refund.created_at,
    ("Refund", "totalRefundedSet"): lambda refund, _info: money_bag(refund.total, refund.currency),
    ("Refund", "order"): lambda refund, info: info.context.fulfillments.orders[refund.order_id],
    ("Refund", "transactions"): _transactions,
    ("OrderTransaction", "amountSet"): lambda transaction, _info: money_bag(transaction.amount, transaction.currency),
}


class RefundControls:
    def __init__(self, desk: RefundDesk) -> None:
        self._desk = desk

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(r"/_sim/orders/{order_id:\d+}/refunds", self.get_refunds)

    async def get_refunds(self, request: web.Request) -> web.Response:
        order_id = int(request.match_info["order_id"])
        body = {
            "refunds": [refund.to_json() for refund in self._desk.of_order(order_id)],
            "moneyMoved": [
                vars(transaction) | {"amount": money(transaction.amount)}
                for transaction in self._desk.money_moved(order_id)
            ],
        }
        return web.Response(body=json.dumps(body).encode(), content_type="application/json")
