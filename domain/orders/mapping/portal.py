"""The B2B customer order portal's order (Koppel's own schema, docs/portal-order.schema.json) -> canonical Order.

The portal names the BC customer and the items; prices are BC's, so a portal order carries none.
"""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.catalog.sku import sku_of
from domain.models import Address, Order, OrderLine, Party, WebOrderKey
from domain.values import Timestamp, parse_json

SOURCE = "portal"
SHOP = "b2b"
CODE = r"^[A-Za-z0-9][A-Za-z0-9 ._/-]*$"
"""BC Code fields: item numbers, variant codes, units of measure, customer numbers."""


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PortalShipTo(_Schema):
    """Deliver elsewhere than the customer's address in BC."""

    name: str = Field(max_length=100)
    address_line1: str = Field(alias="addressLine1", max_length=100)
    address_line2: str = Field("", alias="addressLine2", max_length=50)
    city: str = Field(max_length=30)
    post_code: str = Field(alias="postCode", max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    contact: str = Field("", max_length=100)


class PortalOrderLine(_Schema):
    item_number: str = Field(alias="itemNumber", max_length=20, pattern=CODE)
    variant_code: str = Field("", alias="variantCode", max_length=10, pattern=r"^$|" + CODE)
    unit_of_measure: str = Field("", alias="unitOfMeasure", max_length=10, pattern=r"^$|" + CODE)
    quantity: Decimal = Field(gt=0, le=10**6, allow_inf_nan=False, decimal_places=5)


class PortalOrder(_Schema):
    """An order a business customer placed in the portal."""

    order_id: str = Field(alias="orderId", min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_-]+$")
    status: str = Field("placed", pattern=r"^(placed|cancelled)$")
    customer_number: str = Field(alias="customerNumber", max_length=20, pattern=CODE)
    purchase_order_reference: str = Field("", alias="purchaseOrderReference", max_length=35)
    requested_delivery_date: date | None = Field(None, alias="requestedDeliveryDate")
    ship_to: PortalShipTo | None = Field(None, alias="shipTo")
    lines: list[PortalOrderLine] = Field(min_length=1, max_length=500)
    placed_at: Timestamp = Field(alias="placedAt")
    updated_at: Timestamp | None = Field(None, alias="updatedAt")


def parse(body: bytes) -> PortalOrder:
    """Validate a portal order; raises ValueError with a readable message when it does not fit the schema."""
    return parse_json(PortalOrder, body, "portal order")


def to_order(shop: str, portal: PortalOrder) -> Order:
    ship_to = portal.ship_to
    shipping = (
        Address(
            name=ship_to.contact or ship_to.name,
            company=ship_to.name,
            line1=ship_to.address_line1,
            line2=ship_to.address_line2,
            city=ship_to.city,
            postcode=ship_to.post_code,
            country=ship_to.country,
        )
        if ship_to
        else Address()
    )
    return Order(
        key=WebOrderKey(source=SOURCE, shop=shop, order_id=portal.order_id),
        number=portal.order_id,
        status=portal.status,
        order_date=portal.placed_at.date(),
        modified_at=(portal.updated_at or portal.placed_at).astimezone(UTC),
        currency="",
        prices_include_tax=False,
        customer=Party(bc_customer_number=portal.customer_number, shipping=shipping),
        lines=tuple(_line(line) for line in portal.lines),
        total=None,
        total_tax=None,
        requested_delivery_date=portal.requested_delivery_date,
        customer_reference=portal.purchase_order_reference,
    )


def _line(line: PortalOrderLine) -> OrderLine:
    return OrderLine(
        sku=sku_of(line.item_number, line.variant_code).upper(),
        description="",
        quantity=line.quantity,
        unit_price=None,
        unit_of_measure=line.unit_of_measure.upper(),
    )
