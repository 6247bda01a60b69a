"""A Shopify refund as the shop itemises it (ShopRefundDetails): one Admin GraphQL `refund(id:)` query
(shopify.dev objects Refund, RefundLineItem, RefundShippingLine, OrderTransaction).

- `amount` is `totalRefundedSet`, "the total amount across all transactions for the refund"; money moved when one of
  its transactions is a SUCCESS of kind REFUND. Koppel's own refunds (refunds.py: `refundCreate` without
  transactions) refund 0.00 there: one of those, with Koppel's note line, carries the key and the amount of that line.
- Items from `refundLineItems` (`subtotalSet`, `totalTaxSet`; restock type CANCEL: units taken off before they were
  fulfilled), shipping from `refundShippingLines`
  (`subtotalAmountSet`, `taxAmountSet`, `shippingLine.title`). Both follow the order's prices: when the order's
  `taxesIncluded`, the tax is taken off the subtotal to give the amount excluding tax (whether Shopify's refund
  subtotals include the tax in such an order: unconfirmed, docs/research/shop-refunds-to-bc.md section 5).
- Order adjustments are not read: since API 2024-10 a refunded shipping cost is in `refundShippingLines`, and what
  remains there (refund discrepancies) is no line to credit.

A refund Shopify does not have (null) or one of another order is None. A body Koppel cannot read, more lines than one
read lists, or a query Shopify refuses is a PermanentError; throttling and failures are the client's RetryableError.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.errors import PermanentError
from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.refunds.shop_origin_ports import RefundedCharge, RefundedItem, ShopRefundDetail
from domain.values import Amount, Timestamp
from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient
from integrations.shops.shopify.refunds import KOPPEL_LINE

ITEMS_READ, SHIPPING_READ, TRANSACTIONS_READ = 50, 10, 20
"""Refund line items, shipping lines and transactions one read lists (about 400 cost points in all; 100 line items
would pass Shopify's 1000 a query); a refund with more is left to a person."""
MONEY = "shopMoney { amount currencyCode }"
REFUND_DETAILS = f"""
query KoppelRefundDetails($id: ID!) {{
  refund(id: $id) {{
    id note createdAt totalRefundedSet {{ {MONEY} }}
    order {{ id taxesIncluded }}
    refundLineItems(first: {ITEMS_READ}) {{
      nodes {{ quantity restockType subtotalSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }} lineItem {{ sku }} }}
      pageInfo {{ hasNextPage }}
    }}
    refundShippingLines(first: {SHIPPING_READ}) {{
      nodes {{ subtotalAmountSet {{ {MONEY} }} taxAmountSet {{ {MONEY} }} shippingLine {{ title }} }}
      pageInfo {{ hasNextPage }}
    }}
    transactions(first: {TRANSACTIONS_READ}) {{ nodes {{ kind status }} pageInfo {{ hasNextPage }} }}
  }}
}}"""
REFUND_GID = "gid://shopify/Refund/"


_RESTOCKED = {"RETURN": True, "LEGACY_RESTOCK": True, "NO_RESTOCK": False}
"""RefundLineItemRestockType as taken back into stock or not (CANCEL: units never fulfilled, left out anyway)."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Money(_Lenient):
    amount: Amount
    currency: str = Field(alias="currencyCode", pattern=r"^[A-Z]{3}$")


class _Bag(_Lenient):
    shop: _Money = Field(alias="shopMoney")


class _Page(_Lenient):
    has_next: bool = Field(False, alias="hasNextPage")


class _LineItem(_Lenient):
    sku: str | None = ""


class _Item(_Lenient):
    quantity: int = Field(ge=0)
    restock_type: str = Field("", alias="restockType")
    """RefundLineItemRestockType: CANCEL (units not fulfilled yet), RETURN, NO_RESTOCK, LEGACY_RESTOCK."""
    subtotal: _Bag = Field(alias="subtotalSet")
    tax: _Bag = Field(alias="totalTaxSet")
    line_item: _LineItem = Field(alias="lineItem")


class _ShippingLine(_Lenient):
    title: str | None = ""


class _Shipping(_Lenient):
    subtotal: _Bag = Field(alias="subtotalAmountSet")
    tax: _Bag = Field(alias="taxAmountSet")
    shipping_line: _ShippingLine = Field(alias="shippingLine")


class _Transaction(_Lenient):
    kind: str
    status: str | None = None


class _Items(_Lenient):
    nodes: list[_Item]
    page: _Page = Field(_Page(), alias="pageInfo")


class _Shippings(_Lenient):
    nodes: list[_Shipping]
    page: _Page = Field(_Page(), alias="pageInfo")


class _Transactions(_Lenient):
    nodes: list[_Transaction]
    page: _Page = Field(_Page(), alias="pageInfo")


class _Order(_Lenient):
    id: str
    taxes_included: bool = Field(alias="taxesIncluded")


class _Refund(_Lenient):
    id: str = Field(pattern=r"^gid://shopify/Refund/\d+$")
    note: str | None = ""
    created_at: Timestamp | None = Field(None, alias="createdAt")
    total: _Bag = Field(alias="totalRefundedSet")
    order: _Order
    items: _Items = Field(alias="refundLineItems")
    shipping: _Shippings = Field(alias="refundShippingLines")
    transactions: _Transactions


class ShopifyRefundDetails:
    """ShopRefundDetails for one Shopify shop."""

    def __init__(self, client: ShopifyClient) -> None:
        self._client = client

    def refund(self, order: WebOrderKey, refund_id: str) -> ShopRefundDetail | None:
        """`refund_id` as the REST order lists it (a number) or as a global id."""
        number = refund_id.removeprefix(REFUND_GID)
        what = f"Shopify refund {refund_id} of order {order.order_id}"
        if not number.isdigit():
            raise PermanentError(f"{what}: the refund id is not a number")
        try:
            data = self._client.graphql(REFUND_DETAILS, {"id": REFUND_GID + number})
        except GraphQLRefused as refused:
            raise PermanentError(f"Shopify refused to read {what}: {refused}") from refused
        if "refund" in data and data["refund"] is None:
            return None  # Shopify has no such refund
        refund = _parsed(data.get("refund"), what)
        if refund.order.id != f"gid://shopify/Order/{order.order_id}":
            return None
        return _detail(refund, what)


def _parsed(body: object, what: str) -> _Refund:
    """The refund; PermanentError naming what does not fit, or when it has more lines than one read lists."""
    try:
        refund = _Refund.model_validate(body)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()[:5])
        raise PermanentError(f"{what} cannot be read: {problems}") from None
    if refund.items.page.has_next or refund.shipping.page.has_next or refund.transactions.page.has_next:
        raise PermanentError(f"{what} has more lines or transactions than one read lists: credit it by hand")
    return refund


def _detail(refund: _Refund, what: str) -> ShopRefundDetail:
    moved = any(t.kind == "REFUND" and t.status == "SUCCESS" for t in refund.transactions.nodes)
    koppel = None if moved else KOPPEL_LINE.search(refund.note or "")
    total = refund.total.shop
    amount = Money(amount=total.amount, currency=total.currency)
    if koppel is not None:
        amount = Money(amount=Decimal(koppel["amount"]), currency=koppel["currency"])
    return ShopRefundDetail(
        refund_id=refund.id.removeprefix(REFUND_GID),
        amount=amount,
        reason=refund.note or "",
        items=tuple(_item(line, refund.order.taxes_included, total.currency, what) for line in refund.items.nodes),
        charges=tuple(
            _shipping(line, refund.order.taxes_included, total.currency, what) for line in refund.shipping.nodes
        ),
        money_moved=moved,
        koppel_key=koppel["key"] if koppel is not None else "",
        created_at=_utc(refund.created_at),
    )


def _item(line: _Item, taxes_included: bool, currency: str, what: str) -> RefundedItem:
    amount, tax = _excluding_tax(line.subtotal, line.tax, taxes_included, currency, what)
    return RefundedItem(
        sku=(line.line_item.sku or "").strip(),
        quantity=Decimal(line.quantity),
        amount=amount,
        tax=tax,
        restocked=_RESTOCKED.get(line.restock_type),
        before_fulfilment=line.restock_type == "CANCEL",
    )


def _shipping(line: _Shipping, taxes_included: bool, currency: str, what: str) -> RefundedCharge:
    amount, tax = _excluding_tax(line.subtotal, line.tax, taxes_included, currency, what)
    return RefundedCharge(kind="shipping", description=line.shipping_line.title or "Shipping", amount=amount, tax=tax)


def _excluding_tax(
    subtotal: _Bag, tax: _Bag, taxes_included: bool, currency: str, what: str
) -> tuple[Decimal, Decimal]:
    """The amount excluding tax and the tax, in the refund's currency."""
    if {subtotal.shop.currency, tax.shop.currency} != {currency}:
        raise PermanentError(f"{what} cannot be read: a line is not in the refund's currency {currency}")
    excluded = subtotal.shop.amount - tax.shop.amount if taxes_included else subtotal.shop.amount
    if excluded < 0:
        raise PermanentError(f"{what} cannot be read: a line's tax exceeds its subtotal")
    return excluded, tax.shop.amount


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)
