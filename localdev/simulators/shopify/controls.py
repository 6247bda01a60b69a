"""Bodies of the /_sim/ order endpoints, for placing and changing orders from another process."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from localdev.simulators.shopify.orders import OrderDraft
from tests.support.woocommerce import ShopCustomer, ShopLine


class OrderDescription(BaseModel):
    """`POST /_sim/orders`: lines and a customer as in `tests.support.woocommerce`, plus the checkout's options."""

    model_config = ConfigDict(extra="forbid")

    lines: list[ShopLine] = Field(min_length=1)
    customer: ShopCustomer
    taxes_included: bool = True
    currency: str = "EUR"
    shipping_price: Decimal = Decimal("4.95")
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100)
    financial_status: str = "paid"
    tags: str = ""
    note_attributes: dict[str, str] = Field(default_factory=dict)
    test: bool = False

    def draft(self) -> OrderDraft:
        return OrderDraft(
            lines=tuple(self.lines),
            customer=self.customer,
            taxes_included=self.taxes_included,
            currency=self.currency,
            shipping_price=self.shipping_price,
            discount_percent=self.discount_percent,
            financial_status=self.financial_status,
            tags=self.tags,
            note_attributes=tuple(self.note_attributes.items()),
            test=self.test,
        )


class CancelRequest(BaseModel):
    """`POST /_sim/orders/{id}/cancel`."""

    model_config = ConfigDict(extra="forbid")

    reason: str = "customer"


class WebhookTarget(BaseModel):
    """`POST /_sim/webhook`."""

    model_config = ConfigDict(extra="forbid")

    url: str | None
