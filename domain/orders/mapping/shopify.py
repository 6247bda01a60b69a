"""Shopify order payload (webhook / Admin REST shape) -> canonical Order."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.models import Address, ChargeLine, Order, OrderLine, Party, WebOrderKey
from domain.values import Amount, ExactId, SignedAmount, Timestamp, cents, parse_json

SOURCE = "shopify"
VAT_NUMBER_ATTRIBUTES = frozenset({"vat_number", "vat", "btw_nummer", "tax_id"})


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ShopifyAddress(_Lenient):
    first_name: str | None = ""
    last_name: str | None = ""
    company: str | None = ""
    address1: str | None = ""
    address2: str | None = ""
    city: str | None = ""
    zip: str | None = ""
    province_code: str | None = ""
    country_code: str | None = ""
    phone: str | None = ""


class ShopifyCustomer(_Lenient):
    id: ExactId
    email: str | None = ""


class ShopifyAllocation(_Lenient):
    amount: Amount


class ShopifyLineItem(_Lenient):
    id: ExactId
    sku: str | None = ""
    product_id: ExactId | None = None
    title: str = ""
    variant_title: str | None = ""
    quantity: int = Field(gt=0, le=10**6)
    current_quantity: int | None = Field(None, ge=0, le=10**6)
    """What is left after order edits and removals; Shopify keeps removed lines with current_quantity 0."""
    price: Amount
    total_discount: Amount = Decimal(0)
    discount_allocations: list[ShopifyAllocation] = []

    @property
    def kept_quantity(self) -> int:
        """What the buyer has now: `current_quantity` (order edits and refunds taken off), else `quantity`."""
        return self.quantity if self.current_quantity is None else self.current_quantity

    @property
    def discount(self) -> Decimal:
        """Shopify reports a line's discounts as allocations (older payloads only as total_discount), for the
        quantity first ordered and never re-stated: the part of it that falls on the current quantity."""
        allocated = sum((allocation.amount for allocation in self.discount_allocations), Decimal(0))
        whole = allocated or self.total_discount
        if self.kept_quantity == self.quantity:
            return whole
        return cents(whole * self.kept_quantity / self.quantity)


class ShopifyShippingLine(_Lenient):
    title: str = ""
    price: Amount
    discounted_price: Amount | None = None
    is_removed: bool | None = False
    """True once an order edit removed the shipping line; it stays on the order."""

    @property
    def amount(self) -> Decimal:
        return self.price if self.discounted_price is None else self.discounted_price


class ShopifyNoteAttribute(_Lenient):
    name: str
    value: object = None


class ShopifyTransaction(_Lenient):
    amount: Amount
    kind: str = ""
    status: str = ""

    @property
    def refunds_money(self) -> bool:
        return self.kind == "refund" and self.status == "success"


class ShopifyRefund(_Lenient):
    id: ExactId | None = None
    transactions: list[ShopifyTransaction] = []


class ShopifyOrder(_Lenient):
    id: ExactId
    name: str = Field(max_length=200)
    email: str | None = ""
    currency: str = Field(pattern=r"^[A-Za-z]{3}$")
    taxes_included: bool = False
    total_price: Amount
    total_tax: Amount = Decimal(0)
    current_total_price: Amount | None = None
    """The total after order edits, returns and refunds (`total_price` stays what was first ordered)."""
    current_total_tax: Amount | None = None
    total_outstanding: SignedAmount | None = None
    """Negative when the buyer paid more than the order now comes to (an edit or refund took lines off)."""
    processed_at: Timestamp | None = None
    refunds: list[ShopifyRefund] = []
    financial_status: str | None = "pending"
    cancelled_at: Timestamp | None = None
    created_at: Timestamp
    updated_at: Timestamp
    line_items: list[ShopifyLineItem] = Field(min_length=1)
    shipping_lines: list[ShopifyShippingLine] = []
    billing_address: ShopifyAddress | None = None
    shipping_address: ShopifyAddress | None = None
    customer: ShopifyCustomer | None = None
    note_attributes: list[ShopifyNoteAttribute] = []
    payment_gateway_names: list[str] = []

    @property
    def total(self) -> Decimal:
        return self.total_price if self.current_total_price is None else self.current_total_price

    @property
    def tax(self) -> Decimal:
        return self.total_tax if self.current_total_tax is None else self.current_total_tax

    @property
    def refunded(self) -> Decimal:
        return sum((t.amount for refund in self.refunds for t in refund.transactions if t.refunds_money), Decimal(0))

    @property
    def status(self) -> str:
        """Cancelled wins; otherwise the payment state, as that decides whether the order is imported."""
        return "cancelled" if self.cancelled_at else (self.financial_status or "pending")


def parse(body: bytes) -> ShopifyOrder:
    """Validate a webhook body; raises ValueError with a readable message when it is not an order."""
    return parse_json(ShopifyOrder, body, "Shopify order")


class ShopifyRefundReport(_Lenient):
    """The `refunds/create` webhook's body, the REST Refund: Koppel reads which refund of which order (the refund
    itself is read from the shop when it is credited)."""

    id: ExactId
    order_id: ExactId


def parse_refund(body: bytes) -> ShopifyRefundReport:
    """Validate a `refunds/create` body; ValueError naming the fields when it names no refund of an order."""
    return parse_json(ShopifyRefundReport, body, "Shopify refund")


def to_order(shop: str, shopify: ShopifyOrder) -> Order:
    """Line prices follow `taxes_included`; discounts are taken from the allocations on each line."""
    return Order(
        key=WebOrderKey(source=SOURCE, shop=shop, order_id=str(shopify.id)),
        number=shopify.name,
        status=shopify.status,
        order_date=shopify.created_at.date(),
        modified_at=shopify.updated_at.astimezone(UTC),
        currency=shopify.currency.upper(),
        prices_include_tax=shopify.taxes_included,
        customer=_party(shopify),
        lines=tuple(_line(item) for item in shopify.line_items if item.kept_quantity),
        charges=tuple(
            ChargeLine(kind="shipping", description=line.title or "Shipping", amount=line.amount)
            for line in shopify.shipping_lines
            if line.amount and not line.is_removed
        ),
        total=shopify.total,
        total_tax=shopify.tax,
        paid=shopify.financial_status in ("paid", "partially_refunded"),
        payment_method=shopify.payment_gateway_names[0] if shopify.payment_gateway_names else "",
        paid_amount=_paid_amount(shopify),
        paid_at=(shopify.processed_at or shopify.created_at).astimezone(UTC) if _paid_amount(shopify) else None,
        refunded_amount=shopify.refunded,
        refund_ids=tuple(str(refund.id) for refund in shopify.refunds if refund.id is not None),
    )


def _paid_amount(shopify: ShopifyOrder) -> Decimal | None:
    """What the buyer paid: the current total less what is outstanding, plus what was paid back (the current total
    has the refunds taken off already); partially paid only when Shopify says what is outstanding."""
    outstanding = shopify.total_outstanding
    if shopify.financial_status in ("paid", "partially_refunded", "refunded"):
        return shopify.total - (outstanding or Decimal(0)) + shopify.refunded
    if shopify.financial_status == "partially_paid" and outstanding is not None:
        return shopify.total - outstanding + shopify.refunded
    return None


def _address(address: ShopifyAddress | None) -> Address:
    if address is None:
        return Address()
    return Address(
        name=f"{address.first_name or ''} {address.last_name or ''}".strip(),
        company=address.company or "",
        line1=address.address1 or "",
        line2=address.address2 or "",
        city=address.city or "",
        postcode=address.zip or "",
        state=address.province_code or "",
        country=(address.country_code or "").upper(),
    )


def _party(shopify: ShopifyOrder) -> Party:
    email = shopify.email or (shopify.customer.email if shopify.customer else "") or ""
    vat_number = next(
        (str(a.value).strip() for a in shopify.note_attributes if a.name.lower() in VAT_NUMBER_ATTRIBUTES and a.value),
        "",
    )
    billing = _address(shopify.billing_address)
    shipping = _address(shopify.shipping_address) if shopify.shipping_address else billing
    return Party(
        shop_customer_id=str(shopify.customer.id) if shopify.customer else "",
        email=email.strip().lower(),
        phone=(shopify.billing_address.phone or "") if shopify.billing_address else "",
        billing=billing,
        shipping=shipping,
        vat_number=vat_number,
    )


def _line(item: ShopifyLineItem) -> OrderLine:
    description = f"{item.title} - {item.variant_title}" if item.variant_title else item.title
    return OrderLine(
        sku=(item.sku or "").strip(),
        shop_product_id=str(item.product_id or ""),
        description=description,
        quantity=Decimal(item.kept_quantity),
        unit_price=item.price,
        discount_amount=item.discount,
    )
