"""WooCommerce order payload (REST v3 shape, as in webhooks) -> canonical Order."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from domain.models import Address, ChargeLine, Order, OrderLine, Party, WebOrderKey
from domain.values import Amount, SignedAmount, Timestamp, parse_json

SOURCE = "woocommerce"
PAID_STATUSES = frozenset({"processing", "completed"})
"""WooCommerce moves an order to processing once its payment is received."""
MAX_QUANTITY = Decimal(10) ** 6
VAT_NUMBER_META_KEYS = frozenset(
    {"_billing_vat_number", "billing_vat_number", "_vat_number", "vat_number", "_billing_vat", "billing_vat"}
)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WooAddress(_Lenient):
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""


class WooMeta(_Lenient):
    key: str
    value: object = None


class WooRefund(_Lenient):
    """A refunds entry: its total is negative (WooCommerce writes refund totals as `$amount * -1`); a positive one is
    refused, as it would read as money received."""

    id: int = Field(0, ge=0, lt=2**63)
    total: Annotated[SignedAmount, Field(le=0)]


class WooLineItem(_Lenient):
    id: int
    name: str = ""
    product_id: int = 0
    sku: str | None = ""
    """`null` once the product is deleted: WooCommerce reads the SKU from the product when it renders the order
    (woocommerce/woocommerce includes/rest-api/Controllers/Version2/class-wc-rest-orders-v2-controller.php,
    get_order_item_data)."""
    quantity: Decimal = Field(gt=0, le=MAX_QUANTITY, allow_inf_nan=False)
    subtotal: Amount
    subtotal_tax: Amount = Decimal(0)
    total: Amount
    total_tax: Amount = Decimal(0)


class WooCharge(_Lenient):
    """A shipping_lines or fee_lines entry; a negative fee (a discount) carries negative tax."""

    method_title: str = ""
    name: str = ""
    total: SignedAmount
    total_tax: SignedAmount = Decimal(0)

    @property
    def charged(self) -> bool:
        """A zero charge is no line on BC's document."""
        return self.total != 0


class WooOrder(_Lenient):
    id: int = Field(gt=0, lt=2**63)
    number: str = Field("", max_length=200)
    status: str = Field(max_length=40)
    currency: str = Field(pattern=r"^[A-Za-z]{3}$")
    prices_include_tax: bool = False
    date_created: Timestamp
    date_modified: Timestamp
    date_paid: Timestamp | None = None
    date_paid_gmt: Timestamp | None = None
    payment_method: str = Field("", max_length=100)
    transaction_id: str | None = ""
    date_modified_gmt: Timestamp | None = None
    total: Amount
    total_tax: Amount = Decimal(0)
    customer_id: int = 0
    billing: WooAddress = WooAddress()
    shipping: WooAddress = WooAddress()
    meta_data: list[WooMeta] = []
    line_items: list[WooLineItem]
    """Always sent, empty for a "simple payment" (the WooCommerce app, POS: fee lines only)."""
    shipping_lines: list[WooCharge] = []
    fee_lines: list[WooCharge] = []
    refunds: list[WooRefund] = []

    @property
    def modified_utc(self) -> datetime:
        return _as_utc(self.date_modified_gmt or self.date_modified)


def parse(body: bytes) -> WooOrder:
    """Validate a webhook body; raises ValueError with a readable message when it is not an order."""
    return parse_json(WooOrder, body, "WooCommerce order")


def dedup_key(order: WooOrder, body: bytes) -> str:
    """WooCommerce has no stable delivery id: a version is the order id, its modification time (to the second)
    and a digest of the body, so two saves within one second are still two versions."""
    return f"{order.id}@{order.modified_utc.isoformat()}#{hashlib.sha256(body).hexdigest()[:16]}"


def to_order(shop: str, woo: WooOrder) -> Order:
    return Order(
        key=WebOrderKey(source=SOURCE, shop=shop, order_id=str(woo.id)),
        number=woo.number or str(woo.id),
        status=woo.status,
        order_date=woo.date_created.date(),
        modified_at=woo.modified_utc,
        currency=woo.currency.upper(),
        prices_include_tax=woo.prices_include_tax,
        customer=_party(woo),
        lines=tuple(_line(item, woo.prices_include_tax) for item in woo.line_items),
        charges=_charges(woo),
        total=woo.total,
        total_tax=woo.total_tax,
        paid=woo.date_paid is not None or woo.status in PAID_STATUSES,
        payment_method=woo.payment_method,
        paid_amount=woo.total if woo.date_paid is not None else None,
        paid_at=_as_utc(woo.date_paid_gmt or woo.date_paid) if woo.date_paid is not None else None,
        transaction_id=(woo.transaction_id or "")[:200],
        refunded_amount=sum((-refund.total for refund in woo.refunds), Decimal(0)),
        refund_ids=tuple(str(refund.id) for refund in woo.refunds if refund.id),
    )


def _as_utc(moment: datetime) -> datetime:
    """WooCommerce dates carry no zone; the `_gmt` twins are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _address(woo: WooAddress) -> Address:
    return Address(
        name=f"{woo.first_name} {woo.last_name}".strip(),
        company=woo.company,
        line1=woo.address_1,
        line2=woo.address_2,
        city=woo.city,
        postcode=woo.postcode,
        state=woo.state,
        country=woo.country.upper(),
    )


def _party(woo: WooOrder) -> Party:
    vat_number = next((str(m.value).strip() for m in woo.meta_data if m.key in VAT_NUMBER_META_KEYS and m.value), "")
    billing = _address(woo.billing)
    shipping = _address(woo.shipping) if woo.shipping.address_1 else billing
    return Party(
        shop_customer_id=str(woo.customer_id),
        email=woo.billing.email.strip().lower(),
        phone=woo.billing.phone,
        billing=billing,
        shipping=shipping,
        vat_number=vat_number,
    )


def _line(item: WooLineItem, prices_include_tax: bool) -> OrderLine:
    """WooCommerce line amounts exclude VAT; `subtotal` is before coupons and `total` after."""
    gross = item.subtotal + (item.subtotal_tax if prices_include_tax else 0)
    net = item.total + (item.total_tax if prices_include_tax else 0)
    return OrderLine(
        sku=(item.sku or "").strip(),
        shop_product_id=str(item.product_id) if item.product_id else "",
        description=item.name,
        quantity=item.quantity,
        unit_price=(gross / item.quantity).quantize(Decimal("0.00001")),
        discount_amount=gross - net,
    )


def _charges(woo: WooOrder) -> tuple[ChargeLine, ...]:
    def amount(charge: WooCharge) -> Decimal:
        return charge.total + (charge.total_tax if woo.prices_include_tax else 0)

    shipping = [
        ChargeLine(kind="shipping", description=c.method_title or "Shipping", amount=amount(c))
        for c in woo.shipping_lines
        if c.charged
    ]
    fees = [ChargeLine(kind="fee", description=c.name or "Fee", amount=amount(c)) for c in woo.fee_lines if c.charged]
    return tuple(shipping + fees)
