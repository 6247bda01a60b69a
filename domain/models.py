"""The canonical order: what every web channel is mapped to before Business Central sees it; and the keys of the
event streams (web orders, payments, BC notification logs)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field


def fingerprint_of(canonical: str) -> str:
    """A short content hash of a canonical text: equal texts, equal fingerprints."""
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def canonical_json(model: BaseModel) -> str:
    """A model as text that depends on its values alone: keys sorted, and every set's members sorted. A plain dump
    writes a set in its iteration order, which for strings follows the hash Python randomises per process, so a
    fingerprint of it would differ from one process to the next."""
    return json.dumps(_sets_sorted(model.model_dump(mode="python")), sort_keys=True, default=str)


def _sets_sorted(value: object) -> object:
    if isinstance(value, dict):
        return {key: _sets_sorted(member) for key, member in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_sets_sorted(member) for member in value), key=str)
    if isinstance(value, list | tuple):
        return [_sets_sorted(member) for member in value]
    return value


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def _changed(self, **changes: object) -> Self:
        """A copy with `changes`, validated (model_copy is not): a misspelt field or a wrong type is refused. For
        the named state changes of a record; callers use those."""
        return self.model_validate({**dict(self), **changes})


_SOURCE = r"^[a-z0-9-]{1,40}$"
_SCOPE = r"^[A-Za-z0-9_-]{1,60}$"
_SUBJECT = r"^[^/\\#?\x00-\x1f\x7f]{1,200}$"
"""A key's parts are Table Storage keys too, so they never hold the characters Table keys forbid (/ \\ # ? and
control characters)."""


class StreamKey(Frozen):
    """Names one stream of events in the event log and on the work queues, as the text `source:scope:subject`: a
    web order (`woocommerce:<shop>:<order id>`, see WebOrderKey), a payment (`mollie:<account>:<payment id>`, see
    PaymentKey) or a day's BC notification log (`businesscentral:notifications:<date>`).

    Stored and queued under the names it had when it keyed web orders alone (`shop`, `order_id`)."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    source: str = Field(pattern=_SOURCE)
    """The channel, payment provider or system the events come from."""
    scope: str = Field(alias="shop", pattern=_SCOPE)
    """The shop or provider account within the source (`notifications` for BC's)."""
    subject: str = Field(alias="order_id", pattern=_SUBJECT)
    """What the events are about: the order, the payment, the day."""

    def __str__(self) -> str:
        return f"{self.source}:{self.scope}:{self.subject}"

    @classmethod
    def parse(cls, text: str) -> StreamKey:
        source, scope, subject = text.split(":", 2)
        return cls(source=source, scope=scope, subject=subject)


class WebOrderKey(Frozen):
    """Identifies one web order across all channels: `source:shop:orderId`, the text of its event stream's key;
    also a Table Storage key."""

    source: str = Field(pattern=_SOURCE)
    shop: str = Field(pattern=_SCOPE)
    order_id: str = Field(pattern=_SUBJECT)

    def __str__(self) -> str:
        return f"{self.source}:{self.shop}:{self.order_id}"

    @classmethod
    def parse(cls, text: str) -> WebOrderKey:
        source, shop, order_id = text.split(":", 2)
        return cls(source=source, shop=shop, order_id=order_id)

    @property
    def stream(self) -> StreamKey:
        """The key the order's events are logged and queued under."""
        return StreamKey(source=self.source, scope=self.shop, subject=self.order_id)

    @classmethod
    def of_stream(cls, stream: StreamKey) -> WebOrderKey:
        """The web order whose events `stream` names."""
        return cls(source=stream.source, shop=stream.scope, order_id=stream.subject)


class PaymentKey(Frozen):
    """Identifies one payment at a provider (Mollie, Stripe): its events' stream is `provider:account:payment id`."""

    provider: str
    account: str
    payment_id: str

    @property
    def stream(self) -> StreamKey:
        """The key the payment's events are logged and queued under; ValueError when the payment id cannot be a
        storage key."""
        return StreamKey(source=self.provider, scope=self.account, subject=self.payment_id)

    @classmethod
    def of_stream(cls, stream: StreamKey) -> PaymentKey:
        """The payment whose events `stream` names."""
        return cls(provider=stream.source, account=stream.scope, payment_id=stream.subject)


class Address(Frozen):
    name: str = ""
    company: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    postcode: str = ""
    state: str = ""
    country: str = ""


class Party(Frozen):
    """The buyer as the shop knows them."""

    shop_customer_id: str = ""
    bc_customer_number: str = ""
    email: str = ""
    phone: str = ""
    billing: Address = Address()
    shipping: Address = Address()
    vat_number: str = ""

    @property
    def is_guest(self) -> bool:
        return self.shop_customer_id in ("", "0")

    @property
    def is_business(self) -> bool:
        return bool(self.billing.company or self.vat_number)


class OrderLine(Frozen):
    """One article line; `unit_price` and `discount_amount` follow the order's `prices_include_tax`.

    A line without a unit price takes BC's price (the portal's lines); without a description, BC's.
    """

    sku: str
    shop_product_id: str = ""
    """The shop's id of the product, to name a line the shop gives no SKU for (its product deleted, say)."""
    description: str = ""
    quantity: Decimal = Field(gt=0)
    unit_price: Decimal | None
    discount_amount: Decimal = Decimal(0)
    unit_of_measure: str = ""


class ChargeLine(Frozen):
    """Shipping or a fee, booked on a G/L account in BC."""

    kind: str
    description: str
    amount: Decimal


class Order(Frozen):
    """A web order, as the channel said it at `modified_at`; `order_date` is the shop's local date.

    `total` and `total_tax` are None where the channel leaves pricing to BC (the portal)."""

    key: WebOrderKey
    number: str
    status: str
    order_date: date
    modified_at: datetime
    currency: str
    prices_include_tax: bool
    customer: Party
    lines: tuple[OrderLine, ...]
    charges: tuple[ChargeLine, ...] = ()
    total: Decimal | None
    total_tax: Decimal | None
    requested_delivery_date: date | None = None
    customer_reference: str = ""
    paid: bool | None = None
    payment_method: str = ""
    paid_amount: Decimal | None = None
    """What the shop says it received for the order (WooCommerce date_paid, Shopify paid / partially paid)."""
    paid_at: datetime | None = None
    transaction_id: str = ""
    """The shop's id of the payment (WooCommerce transaction_id); "" when it keeps none."""
    refunded_amount: Decimal = Decimal(0)
    """What the shop says it paid back (WooCommerce refunds, Shopify refund transactions)."""
    refund_ids: tuple[str, ...] = ()
    """The shop's ids of the order's refunds (WooCommerce `refunds[].id`): each is credited in BC once, on a shop
    whose refunds start in the shop."""


class OrderStatus(StrEnum):
    """Where an order record stands in Koppel."""

    RECEIVED = "received"
    IMPORTING = "importing"
    IN_BC = "in_bc"
    NEEDS_ATTENTION = "needs_attention"
    FAILED = "failed"
    NOT_IMPORTED = "not_imported"
    CANCELLED = "cancelled"


class BcLine(Frozen):
    """A line of a BC sales document as API v2.0 serves it (salesOrderLines, salesInvoiceLines,
    salesCreditMemoLines); `unit_price` and `discount_amount` follow the document's pricesIncludeTax."""

    line_type: str
    """Comment, Account, Item, or another of BC's line types (Resource, Charge, ...)."""
    id: str = ""
    variant_id: str = ""
    """itemVariantId; "" for none (BC's empty GUID)."""
    object_number: str = ""
    """lineObjectNumber: the item or G/L account number; "" on a comment line."""
    unit_of_measure: str = ""
    description: str = ""
    quantity: Decimal = Decimal(0)
    unit_price: Decimal = Decimal(0)
    discount_amount: Decimal = Decimal(0)
    tax_percent: Decimal = Decimal(0)

    def is_item(self, item_number: str, variant_id: str | None) -> bool:
        """An Item line of the item and variant (None or "": the item without one)."""
        return self.line_type == "Item" and self.object_number == item_number and self.variant_id == (variant_id or "")


class BcSalesOrderLine(BcLine):
    etag: str = ""
    item_id: str = ""
    shipped_quantity: Decimal = Decimal(0)


class BilledDocument(Frozen):
    """Whom a BC sales document (order, invoice, credit memo) is for: its sell-to customer, and its bill-to."""

    customer_number: str
    """The sell-to customer."""
    bill_to_customer_number: str = ""
    """The customer BC prices and invoices the document for and books it on (its customer ledger entry); blank in
    records stored before it was read."""

    @property
    def billed_customer_number(self) -> str:
        """Whose document it is in BC's books: whom its prices are for, and whom a payment or refund line applied
        to it must name."""
        return self.bill_to_customer_number or self.customer_number


class BcSalesOrder(BilledDocument):
    """The part of a BC salesOrder Koppel keeps."""

    id: str
    number: str
    status: str
    """The member of BC's enum "Sales Order Entity Buffer Status" ("Draft", "In Review", "Open"), decoded by the
    adapter."""
    external_document_number: str
    total_excluding_tax: Decimal
    total_tax: Decimal
    total_including_tax: Decimal
    prices_include_tax: bool = False
    """pricesIncludeTax: whether its lines' unitPrice and discountAmount include VAT; False in records stored before
    it was read."""
    lines: tuple[BcSalesOrderLine, ...] = ()
    etag: str = ""
    header: dict[str, str] = {}
    """Contact and ship-to fields as BC has them, to change only what differs."""

    def fingerprint(self) -> str:
        """The lines' content (not their ETags): equal as long as nobody changed what the lines say."""
        content = [
            [line.line_type, line.item_id, line.variant_id, line.object_number, line.unit_of_measure]
            + [str(value.normalize()) for value in (line.quantity, line.unit_price, line.discount_amount)]
            for line in self.lines
        ]
        return fingerprint_of(json.dumps(content))

    @property
    def shipping_started(self) -> bool:
        return any(line.shipped_quantity for line in self.lines)

    @property
    def released(self) -> bool:
        """API "Open" is BC's Released and "In Review" its Pending Approval: not to be changed (API "Draft" is Open)."""
        return self.status in ("Open", "In Review")


class BcCustomer(Frozen):
    id: str
    number: str
    blocked: str = ""
    """The member of BC's Customer Blocked enum ("", "Ship", "Invoice", "All"), decoded by the adapter."""
    tax_registration_number: str = ""

    @property
    def blocked_for_orders(self) -> bool:
        """BC refuses any sales document for a customer blocked "All"; "Ship" and "Invoice" stop later steps."""
        return self.blocked == "All"


class ResolvedSku(Frozen):
    """A web SKU found in BC: the item and, for a variant SKU, the variant."""

    item_id: str
    item_number: str
    variant_id: str | None = None
    variant_code: str | None = None
    blocked: bool = False
    unit_price: Decimal | None = None
    inventory: Decimal | None = None
