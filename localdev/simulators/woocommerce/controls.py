"""Bodies of the /_sim/ control endpoints."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder


class OrderDescription(BaseModel):
    """`POST /_sim/orders`: a ShopOrder described in JSON; the id defaults to the next free one."""

    model_config = ConfigDict(extra="forbid")

    order_id: int | None = Field(None, ge=1)
    customer: ShopCustomer
    lines: list[ShopLine] = Field(min_length=1)
    status: str = "processing"
    created: datetime | None = None
    shipping_price: Decimal = Decimal("4.95")
    coupon_percent: Decimal = Field(Decimal(0), ge=0, le=100)
    vat_exempt: bool = False

    def to_order(self, order_id: int) -> ShopOrder:
        return ShopOrder(
            order_id=order_id,
            customer=self.customer,
            lines=tuple(self.lines),
            status=self.status,
            created=(self.created or datetime.now(UTC)).replace(microsecond=0),
            shipping_price=self.shipping_price,
            coupon_percent=self.coupon_percent,
            vat_exempt=self.vat_exempt,
        )


class OrderChanges(BaseModel):
    """`PATCH /_sim/orders/{id}`: the fields sent change; each call delivers `order.updated`."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    shipping_price: Decimal | None = None
    coupon_percent: Decimal | None = Field(None, ge=0, le=100)

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)


class DeletedProduct(BaseModel):
    """`POST /_sim/products/deleted`: the product with this SKU is deleted; orders that have it show `sku: null`."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1)


class WebhookSettings(BaseModel):
    """`POST /_sim/webhook`."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    enabled: bool | None = None
