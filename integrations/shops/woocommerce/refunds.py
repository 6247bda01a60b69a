"""A WooCommerce shop told of refunds whose money already moved (ShopRefunds): `POST orders/{id}/refunds` with
`api_refund: false` (WooCommerce asks no payment gateway for money) and `api_restock: false` (stock is BC's), the key
Koppel made it under in the refund's meta data (`_koppel_refund`), read back from `GET orders/{id}/refunds`.

WooCommerce keeps no idempotency key: `record` reads the order's refunds first and answers the one already carrying
the key, so a retry after a lost answer adds none. It also refuses, before sending, an amount the order has not left
to refund or in another currency: WooCommerce answers the first with 500 (`woocommerce_rest_cannot_create_order_refund`
"Invalid refund amount."), which the client takes for a failure to retry.

A refund that leaves nothing to refund makes WooCommerce set the order `refunded` (wc_create_refund); WooCommerce
e-mails the customer "Refunded order" for every refund. WooCommerce refusing with its error body (4xx) -> RefundRefused
in its words, except 401, 403, 408, 409, 423 and 429: RetryableError, as for 5xx and no answer (client.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.refunds.ports import RefundRefused, ShopRefund
from integrations.shops.woocommerce.client import WooCommerceClient, WooCommerceRefused
from integrations.shops.woocommerce.shipments import RETRIED_STATUSES

KOPPEL_META_KEY = "_koppel_refund"
PAGE = 100
"""Refunds a list call answers at most (`per_page` 1..100)."""
PAGES_AT_MOST = 10
"""An order with more refunds than 10 pages hold is refused for a person."""


class WooCommerceRefunds:
    """ShopRefunds for one WooCommerce shop."""

    def __init__(self, client: WooCommerceClient) -> None:
        self._client = client

    def recorded(self, order: WebOrderKey) -> list[ShopRefund]:
        try:
            return self._recorded(order.order_id, _currency(self._order(order.order_id)))
        except WooCommerceRefused as refusal:
            raise _refused(refusal) from refusal

    def record(self, order: WebOrderKey, amount: Money, key: str, reason: str) -> ShopRefund:
        try:
            return self._record(order.order_id, amount, key, reason)
        except WooCommerceRefused as refusal:
            raise _refused(refusal) from refusal

    def _record(self, order_id: str, amount: Money, key: str, reason: str) -> ShopRefund:
        shop_order = self._order(order_id)
        currency = _currency(shop_order)
        made = self._recorded(order_id, currency)
        told = next((refund for refund in made if refund.koppel_key == key), None)
        if told is not None:
            return told
        if amount.currency != currency:
            raise RefundRefused(f"WooCommerce order {order_id} is in {currency}, the refund in {amount.currency}")
        left = _decimal(shop_order.get("total")) - sum((refund.amount.amount for refund in made), Decimal(0))
        if amount.amount > left:
            raise RefundRefused(f"WooCommerce order {order_id} has {currency} {left:.2f} left to refund, not {amount}")
        body = {
            "amount": f"{amount.amount:.2f}",
            "reason": reason,
            "api_refund": False,
            "api_restock": False,
            "meta_data": [{"key": KOPPEL_META_KEY, "value": key}],
        }
        created = self._client.post(self._client.url(f"orders/{order_id}/refunds"), body)
        return _shop_refund(created, currency)

    def _order(self, order_id: str) -> Mapping[str, Any]:
        params = {"_fields": "id,currency,total"}
        order: Mapping[str, Any] = self._client.get(self._client.url(f"orders/{order_id}"), params, "the order")
        return order

    def _recorded(self, order_id: str, currency: str) -> list[ShopRefund]:
        """Every page of the order's refunds."""
        url = self._client.url(f"orders/{order_id}/refunds")
        found: list[ShopRefund] = []
        for page in range(1, PAGES_AT_MOST + 1):
            params = {"per_page": str(PAGE), "page": str(page)}
            listed = self._client.get(url, params, "the order's refunds")
            found += [_shop_refund(refund, currency) for refund in listed if isinstance(refund, dict)]
            if len(listed) < PAGE:
                return found
        raise RefundRefused(f"WooCommerce order {order_id} has more than {PAGES_AT_MOST * PAGE} refunds")


def _shop_refund(refund: Mapping[str, Any], currency: str) -> ShopRefund:
    keys = [str(meta.get("value")) for meta in refund.get("meta_data") or [] if meta.get("key") == KOPPEL_META_KEY]
    amount = Money(amount=_decimal(refund.get("amount")), currency=currency)
    return ShopRefund(refund_id=str(refund.get("id")), amount=amount, koppel_key=keys[0] if keys else "")


def _currency(order: Mapping[str, Any]) -> str:
    return str(order.get("currency") or "").upper()


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal(0)


def _refused(refusal: WooCommerceRefused) -> Exception:
    """WooCommerce's refusal for good as RefundRefused; one a retry or a changed key can mend as it is."""
    if refusal.status in RETRIED_STATUSES:
        return refusal
    return RefundRefused(str(refusal))
