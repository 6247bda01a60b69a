"""Admin GraphQL for refunds: the schema part (added to schema.py's), its field resolvers and the `refund(id:)` root,
and the /_sim/ controls: `GET /_sim/orders/{id}/refunds` (the refunds as stored, and `moneyMoved`: the REFUND
transactions sent) and `POST /_sim/orders/{id}/refunds` (a refund the merchant makes in the admin). The rules are in
refunds.py; the `refundCreate` root resolver is in resolvers.py, with the `@idempotent(key:)` handling it shares.

Names as in shopify.dev Admin GraphQL (2026-01 and later): `mutations/refundCreate`, `input-objects/RefundInput`
(the fields a client sends here: orderId, note, notify, allowOverRefunding, refundLineItems, transactions; currency,
shipping, refundDuties, refundMethods, discrepancyReason and processedAt are left out), `input-objects/
OrderTransactionInput`, `objects/Refund`, `objects/RefundLineItem`, `objects/RefundShippingLine`,
`objects/OrderTransaction`, `queries/refund`, `Order.refunds`, `Order.displayFinancialStatus`, `Order.taxesIncluded`.
CurrencyCode holds a few currencies only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

from aiohttp import web
from graphql import GraphQLResolveInfo
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from localdev.simulators.shopify.catalog import gid
from localdev.simulators.shopify.connections import connection
from localdev.simulators.shopify.money import money
from localdev.simulators.shopify.refunds import AdminLine, AdminRefund, Refund, RefundDesk

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

extend type Query {{ refund(id: ID!): Refund }}
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
  totalRefundedSet: MoneyBag!, order: Order!, transactions({PAGE_ARGS}): OrderTransactionConnection!,
  refundLineItems({PAGE_ARGS}): RefundLineItemConnection!,
  refundShippingLines({PAGE_ARGS}): RefundShippingLineConnection!
}}
type RefundLineItem {{
  id: ID, lineItem: LineItem!, quantity: Int!, restockType: RefundLineItemRestockType!, restocked: Boolean!,
  priceSet: MoneyBag!, subtotalSet: MoneyBag!, totalTaxSet: MoneyBag!
}}
type RefundLineItemConnection {{
  nodes: [RefundLineItem!]!, edges: [RefundLineItemEdge!]!, pageInfo: PageInfo!
}}
type RefundLineItemEdge {{ cursor: String!, node: RefundLineItem! }}
type ShippingLine {{ id: ID, title: String!, code: String }}
type RefundShippingLine {{
  id: ID!, shippingLine: ShippingLine!, subtotalAmountSet: MoneyBag!, taxAmountSet: MoneyBag!
}}
type RefundShippingLineConnection {{
  nodes: [RefundShippingLine!]!, edges: [RefundShippingLineEdge!]!, pageInfo: PageInfo!
}}
type RefundShippingLineEdge {{ cursor: String!, node: RefundShippingLine! }}
type RefundCreatePayload {{ order: Order, refund: Refund, userErrors: [UserError!]! }}
extend type Order {{
  currencyCode: CurrencyCode!, displayFinancialStatus: OrderDisplayFinancialStatus, totalRefundedSet: MoneyBag!,
  refunds(first: Int): [Refund!]!, taxesIncluded: Boolean!
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


def _refund_lines(refund: Refund, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, refund.refunded_lines, lambda line: line.id, arguments)


def _refund_shipping(refund: Refund, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, refund.shipping, lambda line: line.id, arguments)


def _refund(info: GraphQLResolveInfo, **arguments: Any) -> Refund | None:
    """A well-formed id of no refund is null (Shopify's answer to a malformed id: not modelled)."""
    return _desk(info).find(str(arguments["id"]))


REFUND_ROOTS: dict[str, Callable[..., Any]] = {"refund": _refund}


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
    ("Refund", "refundLineItems"): _refund_lines,
    ("Refund", "refundShippingLines"): _refund_shipping,
    ("Order", "taxesIncluded"): lambda order, _info: bool(order["taxes_included"]),
    ("RefundLineItem", "restocked"): lambda line, _info: line.restock_type != "NO_RESTOCK",
    ("RefundLineItem", "priceSet"): lambda line, _info: money_bag(Decimal(line.line_item["price"]), line.currency),
    ("RefundLineItem", "subtotalSet"): lambda line, _info: money_bag(line.subtotal, line.currency),
    ("RefundLineItem", "totalTaxSet"): lambda line, _info: money_bag(line.tax, line.currency),
    ("RefundShippingLine", "subtotalAmountSet"): lambda line, _info: money_bag(line.subtotal, line.currency),
    ("RefundShippingLine", "taxAmountSet"): lambda line, _info: money_bag(line.tax, line.currency),
    ("ShippingLine", "id"): lambda line, _info: gid("ShippingLine", line["id"]),
    ("OrderTransaction", "amountSet"): lambda transaction, _info: money_bag(transaction.amount, transaction.currency),
}


class AdminRefundLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_item_id: int
    quantity: int = Field(gt=0)
    restock_type: Literal["return", "no_restock", "cancel", "legacy_restock"] = "no_restock"


class AdminShipping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal = Field(gt=0)


class AdminTransaction(BaseModel):
    """Absent: the refund moves the money the lines and shipping come to through the order's gateway."""

    model_config = ConfigDict(extra="forbid")

    amount: Decimal | None = Field(None, ge=0)
    gateway: str | None = None


class AdminRefundBody(BaseModel):
    """`POST /_sim/orders/{id}/refunds`: what the merchant fills in; `"transaction": null` refunds no money."""

    model_config = ConfigDict(extra="forbid")

    line_items: list[AdminRefundLine] = []
    shipping: AdminShipping | None = None
    transaction: AdminTransaction | None = AdminTransaction()
    note: str | None = None

    def refund(self) -> AdminRefund:
        moved = self.transaction
        return AdminRefund(
            lines=tuple(AdminLine(line.line_item_id, line.quantity, line.restock_type) for line in self.line_items),
            shipping=self.shipping.amount if self.shipping else Decimal(0),
            amount=moved.amount if moved else None,
            moves_money=moved is not None,
            gateway=moved.gateway if moved else None,
            note=self.note,
        )


class RefundControls:
    def __init__(self, desk: RefundDesk, orders: Callable[[], Mapping[int, dict[str, Any]]]) -> None:
        self._desk = desk
        self._orders = orders

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(r"/_sim/orders/{order_id:\d+}/refunds", self.get_refunds)
        router.add_post(r"/_sim/orders/{order_id:\d+}/refunds", self.post_refund)

    async def post_refund(self, request: web.Request) -> web.Response:
        """201 with the REST refund; 404 for an unknown order; 422 with the userErrors' messages."""
        order_id = int(request.match_info["order_id"])
        if order_id not in self._orders():
            return _json({"errors": "Not Found"}, 404)
        try:
            body = AdminRefundBody.model_validate_json(await request.read())
        except ValidationError as error:
            return _json({"errors": {"body": [f"{e['loc']}: {e['msg']}" for e in error.errors()]}}, 400)
        outcome = self._desk.refund_in_admin(order_id, body.refund())
        if outcome.refund is None:
            return _json({"errors": {"refund": [e.message for e in outcome.errors]}}, 422)
        [made] = [r for r in self._orders()[order_id]["refunds"] if r["admin_graphql_api_id"] == outcome.refund.id]
        return _json({"refund": made}, 201)

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


def _json(body: object, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/json")
