"""A WooCommerce refund as the shop itemises it (ShopRefundDetails): `GET orders/{id}/refunds/{refund_id}`
(woocommerce/woocommerce plugins/woocommerce/includes/rest-api/Controllers/Version2/
class-wc-rest-order-refunds-v2-controller.php, get_formatted_item_data).

The refund's items are negative copies of the order's: `line_items` (quantity, total, total_tax below 0; `sku` null
once the product is gone), `shipping_lines` and `fee_lines`; an amount-only refund has none. `amount` is positive.
The refund shows no currency: it is the order's (wc_create_refund copies it), read with `GET orders/{id}` for the
`currency` field alone. Koppel's own refunds carry its key in the meta `_koppel_refund` (refunds.py).

A refund the shop no longer has is None: WooCommerce answers 404 `woocommerce_rest_shop_order_refund_invalid_id`
(no such refund: deleted), `woocommerce_rest_invalid_order_refund_id` (not this order's) or
`woocommerce_rest_invalid_order_id` / `woocommerce_rest_shop_order_invalid_id` (the order is gone). A body Koppel
cannot read is a PermanentError; any other refusal or failure is the client's RetryableError (client.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.errors import PermanentError
from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.refunds.shop_origin_ports import RefundedCharge, RefundedItem, ShopRefundDetail
from domain.values import Amount, SignedAmount, Timestamp
from integrations.shops.woocommerce.client import WooCommerceClient, WooCommerceRefused
from integrations.shops.woocommerce.refunds import KOPPEL_META_KEY

GONE = frozenset(
    {
        "woocommerce_rest_shop_order_refund_invalid_id",
        "woocommerce_rest_invalid_order_refund_id",
        "woocommerce_rest_invalid_order_id",
        "woocommerce_rest_shop_order_invalid_id",
    }
)
"""WooCommerce's 404 codes for a refund, or its order, that is not there."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Meta(_Lenient):
    key: str = ""
    value: object = None


class _Item(_Lenient):
    sku: str | None = ""
    quantity: Decimal = Field(Decimal(0), allow_inf_nan=False)
    total: SignedAmount
    total_tax: SignedAmount = Decimal(0)


class _Charge(_Lenient):
    method_title: str = ""
    name: str = ""
    total: SignedAmount
    total_tax: SignedAmount = Decimal(0)


class _Refund(_Lenient):
    id: int
    amount: Amount
    reason: str | None = ""
    refunded_payment: bool | None = None
    date_created_gmt: Timestamp | None = None
    meta_data: list[_Meta] = []
    line_items: list[_Item] = []
    shipping_lines: list[_Charge] = []
    fee_lines: list[_Charge] = []


class WooCommerceRefundDetails:
    """ShopRefundDetails for one WooCommerce shop."""

    def __init__(self, client: WooCommerceClient) -> None:
        self._client = client

    def refund(self, order: WebOrderKey, refund_id: str) -> ShopRefundDetail | None:
        if not refund_id.isdigit():
            raise PermanentError(f"WooCommerce refund id {refund_id!r} of order {order.order_id} is not a number")
        try:
            body = self._get(f"orders/{order.order_id}/refunds/{refund_id}", {}, "the refund")
            currency = self._get(f"orders/{order.order_id}", {"_fields": "currency"}, "the order").get("currency")
        except WooCommerceRefused as refusal:
            if refusal.status == 404 and refusal.code in GONE:
                return None
            raise
        return _detail(body, str(currency or "").upper(), f"WooCommerce refund {refund_id} of order {order.order_id}")

    def _get(self, resource: str, params: Mapping[str, str], what: str) -> Mapping[str, Any]:
        answer = self._client.get(self._client.url(resource), params, what)
        if not isinstance(answer, dict):
            raise PermanentError(f"WooCommerce answered {what} with {type(answer).__name__}, not an object")
        return answer


def _detail(body: Mapping[str, Any], currency: str, what: str) -> ShopRefundDetail:
    """The refund in the domain's terms; PermanentError naming what does not fit."""
    try:
        refund = _Refund.model_validate(body)
        amount = Money(amount=refund.amount, currency=currency)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()[:5])
        raise PermanentError(f"{what} cannot be read: {problems}") from None
    keys = [str(meta.value) for meta in refund.meta_data if meta.key == KOPPEL_META_KEY]
    return ShopRefundDetail(
        refund_id=str(refund.id),
        amount=amount,
        reason=refund.reason or "",
        items=tuple(_item(line) for line in refund.line_items),
        charges=(
            *(_charge("shipping", line.method_title, line) for line in refund.shipping_lines),
            *(_charge("fee", line.name, line) for line in refund.fee_lines),
        ),
        money_moved=refund.refunded_payment,
        koppel_key=keys[0] if keys else "",
        created_at=_utc(refund.date_created_gmt),
    )


def _item(line: _Item) -> RefundedItem:
    return RefundedItem(
        sku=line.sku or "", quantity=abs(line.quantity), amount=abs(line.total), tax=abs(line.total_tax)
    )


def _charge(kind: Literal["shipping", "fee"], description: str, line: _Charge) -> RefundedCharge:
    return RefundedCharge(kind=kind, description=description, amount=abs(line.total), tax=abs(line.total_tax))


def _utc(moment: datetime | None) -> datetime | None:
    """The `_gmt` dates carry no zone: they are UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
