"""A Shopify shop told of refunds whose money already moved (ShopRefunds): `refundCreate` without transactions, so
Shopify moves no money (a REFUND transaction would have the payment's gateway pay it back a second time), under
`@idempotent(key:)` with Koppel's key (required from API version 2026-04, taken from 2026-01).

Shopify counts a refund's money from its transactions alone (`Refund.totalRefundedSet`): a refund without them
records Koppel's note on the order and refunds 0.00, and the order's financial status does not change. So the note
carries what moved, on a line of its own, `Koppel refund <key>: <amount> <currency>`, and `recorded` reads Koppel's
refunds' amounts from there (a refund made in Shopify: its `totalRefundedSet`).

`record` reads the order's refunds first and answers the one already carrying the key (the idempotency key is kept
for a day only). Shopify's userErrors, an order it does not have and a currency that is not the order's are
RefundRefused; throttling, a shop out of reach or failing is RetryableError (client.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.refunds.ports import RefundRefused, ShopRefund
from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient

REFUNDS_READ = 50
"""Refunds one read lists (`Order.refunds(first:)`, a plain list in Shopify: no pages); an order with more is left
to a person. 50 keeps the read near 150 cost points."""
REFUND = "id note createdAt totalRefundedSet { shopMoney { amount currencyCode } }"
ORDER_REFUNDS = f"""
query KoppelOrderRefunds($id: ID!) {{
  order(id: $id) {{ currencyCode refunds(first: {REFUNDS_READ + 1}) {{ {REFUND} }} }}
}}"""
RECORD = f"""
mutation KoppelRefundRecord($input: RefundInput!, $key: String!) {{
  refundCreate(input: $input) @idempotent(key: $key) {{ refund {{ {REFUND} }} userErrors {{ field message }} }}
}}"""
KOPPEL_LINE = re.compile(r"^Koppel refund (?P<key>\S+): (?P<amount>\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})$", re.M)


def refund_note(amount: Money, key: str, reason: str) -> str:
    """What the merchant reads on the refund, and the line `recorded` finds Koppel's key and amount on."""
    lines = [
        f"Refunded {amount} at the payment provider by Koppel: no money moved in Shopify.",
        f"Koppel refund {key}: {amount.amount:.2f} {amount.currency}",
    ]
    return "\n".join([*lines, reason] if reason.strip() else lines)


class ShopifyRefunds:
    """ShopRefunds for one Shopify shop."""

    def __init__(self, client: ShopifyClient) -> None:
        self._client = client

    def recorded(self, order: WebOrderKey) -> list[ShopRefund]:
        return [_shop_refund(refund) for refund in self._order(order)["refunds"]]

    def record(self, order: WebOrderKey, amount: Money, key: str, reason: str) -> ShopRefund:
        shop_order = self._order(order)
        told = next((r for r in map(_shop_refund, shop_order["refunds"]) if r.koppel_key == key), None)
        if told is not None:
            return told
        if amount.currency != shop_order["currencyCode"]:
            raise RefundRefused(
                f"Shopify order {order.order_id} is in {shop_order['currencyCode']}, the refund in {amount.currency}"
            )
        refund_input = {"orderId": _gid(order), "note": refund_note(amount, key, reason), "notify": False}
        try:
            answer = self._client.graphql(RECORD, {"input": refund_input, "key": key})["refundCreate"]
        except GraphQLRefused as refused:
            raise RefundRefused(f"Shopify refused the refund: {refused}") from refused
        if answer["userErrors"]:
            raise RefundRefused("; ".join(str(error["message"]) for error in answer["userErrors"]))
        return _shop_refund(answer["refund"])

    def _order(self, order: WebOrderKey) -> Mapping[str, Any]:
        """The order's currency and refunds; RefundRefused when Shopify has no such order, or more refunds on it
        than one read lists (Koppel's might be among those left out)."""
        try:
            found: Mapping[str, Any] | None = self._client.graphql(ORDER_REFUNDS, {"id": _gid(order)})["order"]
        except GraphQLRefused as refused:
            raise RefundRefused(f"Shopify refused to read order {order.order_id}'s refunds: {refused}") from refused
        if found is None:
            raise RefundRefused(f"Shopify has no order {order.order_id}")
        if len(found["refunds"]) > REFUNDS_READ:
            raise RefundRefused(f"Shopify's order {order.order_id} has more than {REFUNDS_READ} refunds")
        return found


def _shop_refund(refund: Mapping[str, Any]) -> ShopRefund:
    """Koppel's refund with the key and amount of its note; another with what Shopify counts refunded."""
    koppel = KOPPEL_LINE.search(str(refund.get("note") or ""))
    if koppel is not None:
        amount = Money(amount=Decimal(koppel["amount"]), currency=koppel["currency"])
        return ShopRefund(refund_id=str(refund["id"]), amount=amount, koppel_key=koppel["key"])
    shop_money = refund["totalRefundedSet"]["shopMoney"]
    amount = Money(amount=Decimal(str(shop_money["amount"])), currency=str(shop_money["currencyCode"]))
    return ShopRefund(refund_id=str(refund["id"]), amount=amount)


def _gid(order: WebOrderKey) -> str:
    return f"gid://shopify/Order/{order.order_id}"
