"""What crediting a shop's refund in BC needs (origin `shop`): the refund as the shop itemises it, and BC's invoice
and sales credit memos (API v2.0 salesInvoices / salesInvoiceLines, salesCreditMemos / salesCreditMemoLines)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from domain.models import BcLine, BcSalesOrder, Frozen, ResolvedSku, WebOrderKey
from domain.payments.payment import Money
from domain.refunds.shop_refund_credit import ShopRefundCredit


class RefundedItem(Frozen):
    """Units of one order line the shop gave money back for."""

    sku: str
    """As the shop has it on the order line ("" when the shop keeps none)."""
    quantity: Decimal
    """Units given back, positive (WooCommerce sends it negative)."""
    amount: Decimal
    """What the shop refunded for them, excluding tax, positive."""
    tax: Decimal
    """The tax refunded with them, positive."""
    restocked: bool | None = None
    """Taken back into stock in the shop (Shopify's restock type RETURN); False when refunded without (NO_RESTOCK);
    None when the shop does not say (WooCommerce)."""
    before_fulfilment: bool = False
    """Taken off the order before they were fulfilled (Shopify's restock type CANCEL): the order's quantities went
    down, so the BC order was reduced and nothing of them is invoiced to credit."""

    @property
    def kept_by_customer(self) -> bool:
        """Refunded without being taken back: the customer keeps them."""
        return self.restocked is False


class RefundedCharge(Frozen):
    """Shipping or a fee the shop gave money back for."""

    kind: Literal["shipping", "fee"]
    description: str
    amount: Decimal
    """Excluding tax, positive."""
    tax: Decimal


class ShopRefundDetail(Frozen):
    """One refund as the shop itemises it (WooCommerce `GET orders/{id}/refunds/{refund_id}`)."""

    refund_id: str
    amount: Money
    """What the refund gives back in all, tax included, positive."""
    reason: str = ""
    items: tuple[RefundedItem, ...] = ()
    charges: tuple[RefundedCharge, ...] = ()
    money_moved: bool | None = None
    """The shop asked the payment provider to pay it back (WooCommerce `refunded_payment`); None when it does not
    say."""
    koppel_key: str = ""
    """The key Koppel recorded it under when it told the shop of a refund from BC (origin `bc`); "" for a refund
    made in the shop. Koppel never credits its own records."""
    created_at: datetime | None = None

    def after_fulfilment(self) -> ShopRefundDetail | None:
        """The refund less the units taken off before they were fulfilled, which nothing invoiced; None when that
        leaves nothing."""
        kept = tuple(item for item in self.items if not item.before_fulfilment)
        if len(kept) == len(self.items):
            return self
        if not kept and not self.charges:
            return None
        less = sum((item.amount + item.tax for item in self.items if item.before_fulfilment), Decimal(0))
        amount = Money(amount=self.amount.amount - less, currency=self.amount.currency)
        return self.model_copy(update={"items": kept, "amount": amount})


class SkuLookup(Protocol):
    def resolve_skus(self, skus: Sequence[str]) -> dict[str, ResolvedSku]:
        """The BC item (and variant) of each web SKU found, as orders are made (domain/orders/ports.py)."""
        ...


class SalesOrders(Protocol):
    def sales_order(self, sales_order_id: str) -> BcSalesOrder | None:
        """The BC sales order with its lines (quantity, shipped quantity), as the order worker reads it; None once BC
        deleted it. RetryableError when BC does not answer."""
        ...


class ShopRefundDetails(Protocol):
    """One channel's refunds, itemised."""

    def refund(self, order: WebOrderKey, refund_id: str) -> ShopRefundDetail | None:
        """The refund, or None when the shop no longer has it (deleted). RetryableError when the shop does not
        answer."""
        ...


class BcDocumentLine(BcLine):
    """A line of a posted sales invoice or of a sales credit memo (salesInvoiceLines / salesCreditMemoLines)."""

    sequence: int
    tax_code: str = ""
    """taxCode: read, BC's VAT Identifier of the line; sent, the VAT Prod. Posting Group it validates (in a VAT
    country); "" when sent: the item's or account's own."""
    location_id: str = ""
    """locationId: where an item line's units left stock (invoice) or come back to it (credit memo); "" for none (BC's
    empty GUID), and when sent: the credit memo's own (its customer's) location."""
    etag: str = ""
    """The line's @odata.etag as BC last answered it (a credit memo line); "" on a line not read from BC."""


class VatPostingSetup(Frozen):
    """One VAT Posting Setup of the VAT business group Koppel credits in (page 472 "VAT Posting Setup")."""

    product_group: str
    """VAT Prod. Posting Group: what a written taxCode names."""
    identifier: str
    """VAT Identifier: what BC serves as a document line's taxCode."""
    percent: Decimal


class InvoiceToCredit(Frozen):
    """A posted sales invoice with its lines: what a credit memo for it is priced from."""

    id: str
    number: str
    customer_number: str
    """The sell-to customer (customerNumber)."""
    currency_code: str = ""
    prices_include_tax: bool
    remaining_amount: Decimal
    """Still open on the customer's ledger entry; a credit memo may apply to the invoice only while > 0."""
    total_including_tax: Decimal
    lines: tuple[BcDocumentLine, ...]


class NewCreditMemo(Frozen):
    """The header Koppel creates (salesCreditMemos POST): always a Draft; pricesIncludeTax comes from the
    customer."""

    customer_number: str
    external_document_number: str
    currency_code: str = ""
    invoice_id: str = ""
    """Applied to the invoice (only while it is open: posting a credit memo applied to a closed invoice fails)."""


class BcDraftCreditMemo(Frozen):
    """A sales credit memo as salesCreditMemos serves it, with its lines."""

    id: str
    number: str
    status: str
    """Draft until posted (In Review / Open for a draft pending approval / released; Open / Paid / ... once
    posted)."""
    prices_include_tax: bool
    total_including_tax: Decimal
    lines: tuple[BcDocumentLine, ...] = ()


class CreditMemoDrafts(Protocol):
    """BC's invoices to credit and the sales credit memos Koppel makes. Every call: RetryableError when BC does not
    answer (or throttles), BusinessCentralRejected when it refuses."""

    def invoice(self, invoice_id: str) -> InvoiceToCredit:
        """The posted invoice and its lines (salesInvoices({id}) and its salesInvoiceLines)."""
        ...

    def find(self, external_document_number: str, marker: str, taken: Collection[str]) -> BcDraftCreditMemo | None:
        """The credit memo with that externalDocumentNumber that has a comment line reading `marker`, else a Draft
        one with that number, no lines at all and an id not in `taken` (those other refunds' records hold), with its
        lines; None when there is neither. A create whose answer was lost is found again this way (before or after
        its first line)."""
        ...

    def create(self, header: NewCreditMemo) -> BcDraftCreditMemo:
        """A new draft credit memo, without lines."""
        ...

    def read(self, credit_memo_id: str) -> BcDraftCreditMemo:
        """The credit memo and its lines (each with its ETag), in sequence order."""
        ...

    def add_line(self, credit_memo_id: str, line: BcDocumentLine) -> BcDocumentLine:
        """Add the line (sequence, lineType, lineObjectNumber, variant, unit of measure, description, quantity,
        unitPrice, discountAmount; locationId when set) and answer it as BC stored it, with its ETag (BC may re-price
        it while validating the quantity)."""
        ...

    def reprice(self, credit_memo_id: str, line: BcDocumentLine, unit_price: Decimal, discount_amount: Decimal) -> None:
        """PATCH the line's unitPrice and discountAmount (alone, so nothing re-prices it) on its ETag as BC last
        answered it (RetryableError when BC changed the line since)."""
        ...

    def post(self, credit_memo_id: str) -> None:
        """Microsoft.NAV.post (BC answers 204)."""
        ...

    def vat_setup(self) -> tuple[VatPostingSetup, ...]:
        """The VAT Posting Setup of the VAT business group Koppel is configured with (KOPPEL_BC_VAT_BUSINESS_GROUP),
        blocked ones left out; none when page 472 is not published."""
        ...


class ShopRefundCredits(Protocol):
    """Koppel's records of the shop refunds it credits in BC, each written on its ETag."""

    def get(self, order: WebOrderKey, refund_id: str) -> tuple[ShopRefundCredit, str] | None: ...

    def write(self, credit: ShopRefundCredit, etag: str | None) -> str:
        """Store it if its ETag still matches (None: only if there is none yet), listed among the unfinished ones
        while it is; returns the new ETag. ConcurrencyConflict otherwise."""
        ...

    def unfinished(self) -> Iterable[ShopRefundCredit]: ...

    def for_order(self, order: WebOrderKey) -> list[ShopRefundCredit]: ...

    def needing_a_person(self) -> list[ShopRefundCredit]: ...
