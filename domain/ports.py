"""The interfaces the domain services need; integrations/ implements them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from domain.catalog.availability import ItemKey, ItemSubstitution, StockFacts
from domain.catalog.listing import CatalogItem, ListingChange, PushedListing, PushOutcome
from domain.catalog.prices import CustomerPricing, PriceListLine
from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.invoices.subscriptions import BcSubscription
from domain.models import BcCustomer, BcSalesOrder, Party, ResolvedSku, WebOrderKey
from domain.orders.rules.document_changes import ChangePlan
from domain.payments.accounts import PaymentAccount
from domain.payments.booking import PaymentLine
from domain.payments.payment import Payment
from domain.payments.record import PaymentRecord
from domain.payments.refund import RefundLine
from domain.payments.unpaid import UnpaidOrder
from domain.portal.catalog import PortalCustomer, PortalItem
from domain.records import AttentionItem, EventStatus, OrderMessage, OrderRecord, SyncRun, WebhookEvent


class Clock(Protocol):
    def now(self) -> datetime: ...


class EventLog(Protocol):
    def add(self, event: WebhookEvent, body: bytes) -> bool:
        """Store the event with its raw body; False if an event with this id was already there (a duplicate)."""
        ...

    def get(self, order_key: WebOrderKey, event_id: str) -> WebhookEvent | None: ...

    def body(self, order_key: WebOrderKey, event_id: str) -> bytes | None:
        """The raw body the event was received with; None if there is no such event."""
        ...

    def mark(self, order_key: WebOrderKey, event_id: str, status: EventStatus, note: str = "") -> None: ...

    def for_order(self, order_key: WebOrderKey) -> list[WebhookEvent]: ...

    def needing_a_person(self, sources: Collection[str]) -> list[WebhookEvent]:
        """The events of these sources (payment providers) parked or failed: kept for a person, without bodies."""
        ...


class OrderQueue(Protocol):
    def send(self, message: OrderMessage, delay: timedelta | None = None) -> None:
        """Enqueue; with a delay the message becomes visible only after it."""
        ...


class OrderStore(Protocol):
    def get(self, key: WebOrderKey) -> tuple[OrderRecord, str] | None:
        """The record and its ETag, or None."""
        ...

    def create(self, record: OrderRecord) -> str:
        """Insert a new record and return its ETag; ConcurrencyConflict if it already exists."""
        ...

    def replace(self, record: OrderRecord, etag: str) -> str:
        """Overwrite the record if its ETag still matches; ConcurrencyConflict otherwise."""
        ...

    def claim_document(self, external_document_number: str, key: WebOrderKey) -> WebOrderKey:
        """Claim the BC document number for the web order, before its document is created, with an insert that
        fails when the number is claimed already: returns the web order that holds it (`key` when the claim is new
        or was its own)."""
        ...

    def release_document(self, external_document_number: str, key: WebOrderKey) -> None:
        """Give the number up, if `key` holds it (its BC document was deleted with the web order)."""
        ...

    def key_for_document(self, external_document_number: str) -> WebOrderKey | None:
        """The web order that holds this externalDocumentNumber (claimed before its BC document was created; filed
        as well whenever a record names its BC document)."""
        ...

    def file_invoice(self, invoice_id: str, key: WebOrderKey) -> None:
        """Remember that the BC invoice with this id belongs to the web order (for credit memos that name only the
        invoice they are applied to)."""
        ...

    def key_for_invoice(self, invoice_id: str) -> WebOrderKey | None:
        """The web order an invoice filed with `file_invoice` belongs to."""
        ...


class PriceLists(Protocol):
    """BC's price list lines and customer price groups, read from the web services an administrator publishes."""

    def customer_pricing(self, customer_number: str, item_numbers: Sequence[str]) -> CustomerPricing: ...


class AttentionList(Protocol):
    """The orders that need a person, kept apart so listing them never scans all orders."""

    def flag(self, item: AttentionItem) -> None: ...

    def clear(self, key: WebOrderKey) -> None: ...

    def all(self) -> list[AttentionItem]: ...


class CustomerBindings(Protocol):
    """Which BC customer a shop's customer (or a guest's e-mail) was matched to."""

    def get(self, source: str, external_id: str) -> str | None: ...

    def put(self, source: str, external_id: str, bc_customer_number: str) -> None: ...


class ShopOrderFeed(Protocol):
    """One shop's own record of its orders, read when its webhooks may have been missed."""

    def modified_since(self, since: datetime) -> Iterable[bytes]:
        """Each order modified at or after `since`, as the raw JSON its webhook would carry."""
        ...


class SyncState(Protocol):
    """Watermarks of the timed jobs, per job and scope."""

    def get(self, job: str, scope: str) -> str | None: ...

    def put(self, job: str, scope: str, value: str) -> None: ...


class BusinessCentral(Protocol):
    def find_sales_orders(self, external_document_number: str) -> list[BcSalesOrder]:
        """The sales orders carrying this externalDocumentNumber (BC does not keep it unique); at most two."""
        ...

    def create_sales_order(self, payload: dict[str, Any]) -> BcSalesOrder: ...

    def sales_order(self, sales_order_id: str) -> BcSalesOrder | None:
        """The document as BC has it now, lines and ETags included; None when it no longer exists."""
        ...

    def apply_changes(self, document: BcSalesOrder, plan: ChangePlan) -> BcSalesOrder:
        """Remove, change and add lines, then set header fields, each with If-Match; the document afterwards."""
        ...

    def delete_sales_order(self, document: BcSalesOrder) -> None: ...

    def release_sales_order(self, sales_order_id: str) -> bool:
        """Release the order through the optional custom API; False when none is configured."""
        ...

    def customer_by_number(self, number: str) -> BcCustomer | None: ...

    def customer_by_email(self, email: str) -> BcCustomer | None: ...

    def customer_by_vat_number(self, vat_number: str) -> BcCustomer | None: ...

    def create_customer(self, party: Party) -> BcCustomer: ...

    def resolve_skus(self, skus: Sequence[str]) -> dict[str, ResolvedSku]:
        """The SKUs found in BC as an item number, or as an item number + "-" + variant code."""
        ...


class CatalogSource(Protocol):
    """BC's catalog as the channels need it: price lines and stock read in full, items after a watermark."""

    def items(self, since: datetime | None = None, numbers: Collection[str] = ()) -> Iterable[CatalogItem]:
        """Streamed, each item once: every item when `since` is None, else those whose card or variants changed
        after `since` and those named in `numbers`."""
        ...

    def price_lines(self) -> Mapping[str, Sequence[PriceListLine]]:
        """The price list lines of each item, by item number."""
        ...

    def stock(self) -> Mapping[ItemKey, StockFacts]: ...


class ChannelCatalog(Protocol):
    """One shop's products, written in batches."""

    @property
    def limit(self) -> int:
        """The most products (or variants of one product) one call may carry."""
        ...

    def push(self, changes: Sequence[ListingChange]) -> list[PushOutcome]:
        """Create (no channel id yet) or update what changed of each item; one outcome per SKU sent (the product's
        and each changed variant's), a refusal says why."""
        ...


class PushedListings(Protocol):
    """What one channel last accepted, per SKU."""

    def all(self) -> Mapping[str, PushedListing]: ...

    def remember(self, pushed: Sequence[PushedListing]) -> None: ...


class SyncRuns(Protocol):
    def record(self, run: SyncRun) -> None: ...

    def latest(self, name: str, count: int) -> list[SyncRun]:
        """The newest runs of that name first."""
        ...


class PortalSource(Protocol):
    """What the portal needs from BC besides the catalog, read in full each run."""

    def customers(self) -> Iterable[PortalCustomer]: ...

    def substitutions(self) -> Mapping[str, Sequence[ItemSubstitution]]:
        """The item substitution entries of each item, by item number."""
        ...


class PortalCatalog(Protocol):
    """The portal's copy of BC's items and customers' terms, as the portal API reads it."""

    def items(self, numbers: Iterable[str]) -> dict[str, PortalItem]:
        """The stored ones among them, by item number."""
        ...

    def customer(self, number: str) -> PortalCustomer | None: ...


class PortalCatalogStore(Protocol):
    """The portal's copy of BC's items and customers' terms, as the portal catalog run keeps it."""

    @property
    def limit(self) -> int:
        """The most items or customers one store call takes."""
        ...

    def item_fingerprints(self) -> Mapping[str, str]:
        """The fingerprint of each stored item, by item number."""
        ...

    def store_items(self, items: Sequence[PortalItem]) -> Mapping[str, str]:
        """Store each item in place of what was stored; the items it could not store, each with why (nothing is
        kept of those)."""
        ...

    def remove_items(self, numbers: Sequence[str]) -> None: ...

    def customer_fingerprints(self) -> Mapping[str, str]: ...

    def store_customers(self, customers: Sequence[PortalCustomer]) -> None: ...

    def remove_customers(self, numbers: Sequence[str]) -> None: ...


class PaymentReader(Protocol):
    """One provider's API, read with the account's key: the only source Koppel trusts for a payment's state."""

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        """The payment as the provider has it now; None when the provider does not know it (a forged hint)."""
        ...


class PaymentStore(Protocol):
    """Every writer reads a record with its ETag and writes it back on that ETag, so that no writer (the payment
    worker, the order worker, the booking run) ever overwrites what another wrote in between."""

    def get(self, provider: str, account: str, payment_id: str) -> PaymentRecord | None: ...

    def read(self, provider: str, account: str, payment_id: str) -> tuple[PaymentRecord, str] | None:
        """The record and its ETag, or None."""
        ...

    def write(self, record: PaymentRecord, etag: str | None) -> str:
        """Store the record if its ETag still matches (None: only if there is none yet), file it under its order
        and among the payments to book as it says; returns the new ETag. ConcurrencyConflict otherwise."""
        ...

    def put(self, record: PaymentRecord) -> None:
        """Store the record whatever is there (seeding, tests); writers use `write`."""
        ...

    def for_order(self, key: WebOrderKey) -> list[PaymentRecord]: ...

    def needing_a_person(self) -> list[PaymentRecord]:
        """Every payment that is not matched (waiting for its order or needing attention) or whose booking in BC
        needs a person."""
        ...

    def awaiting_booking(self) -> Iterable[PaymentRecord]:
        """The payments whose booking in BC is due or unfinished (`PaymentRecord.to_book`), page by page: copies
        as last written, to read again before acting on them."""
        ...


class Invoices(Protocol):
    """BC's sales invoices: posted ones, and the unposted (Draft, In Review) ones salesInvoices lists too."""

    def changed_since(self, since: datetime | None) -> Iterable[BcInvoice]:
        """Every invoice BC stamped after `since` (all of them when None), oldest change first."""
        ...

    def at(self, resource: str) -> list[BcInvoice]:
        """The invoices a webhook notification names: one invoice's URL or a collection URL with a filter; [] when
        the invoice is gone."""
        ...

    def get(self, invoice_id: str) -> BcInvoice | None:
        """The invoice as BC has it now (one GET); None when it is gone."""
        ...


class CreditMemos(Protocol):
    """BC's posted sales credit memos."""

    def changed_since(self, since: datetime | None) -> Iterable[BcCreditMemo]:
        """Every credit memo BC stamped after `since` (all of them when None), oldest change first."""
        ...

    def at(self, resource: str) -> list[BcCreditMemo]:
        """The credit memos a webhook notification names; [] when the credit memo is gone."""
        ...


class PaymentJournal(Protocol):
    """The customer payment journal in BC that Koppel books payments in."""

    def lines(self, external_document_number: str) -> list[PaymentLine]:
        """The journal's lines (not yet posted) carrying this externalDocumentNumber."""
        ...

    def add(self, line: PaymentLine) -> PaymentLine:
        """Insert the line; returns it as BC stored it (with its id)."""
        ...

    def remove(self, line: PaymentLine) -> None: ...

    def post(self) -> None:
        """Post every line of the journal: all or nothing (BusinessCentralRejected names what BC refused)."""
        ...


class RefundJournal(Protocol):
    """Refund lines in Koppel's customer payment journal, through Koppel's own API page (`KOPPEL_BC_REFUND_API`):
    API v2.0 has no refund document. They are posted with the journal (`PaymentJournal.post`)."""

    def lines(self, external_document_number: str) -> list[RefundLine]:
        """The journal's refund lines (not yet posted) carrying this externalDocumentNumber."""
        ...

    def add(self, line: RefundLine) -> RefundLine:
        """Insert the line; returns it as BC stored it (with its id)."""
        ...

    def remove(self, line: RefundLine) -> None: ...


class Subscriptions(Protocol):
    """BC's webhook subscriptions (`api/v2.0/subscriptions`, not under a company)."""

    def all(self) -> list[BcSubscription]: ...

    def get(self, subscription_id: str) -> BcSubscription | None:
        """The subscription as BC has it now; None when BC no longer has it."""
        ...

    def create(self, resource: str, notification_url: str, client_state: str) -> BcSubscription:
        """Subscribe; BC first calls `notification_url` with a validationToken (BusinessCentralRejected when that
        handshake fails)."""
        ...

    def renew(self, subscription: BcSubscription, notification_url: str, client_state: str) -> BcSubscription:
        """Three more days from now (If-Match), at this URL and client state; BC repeats the handshake."""
        ...


class UnpaidOrders(Protocol):
    """Orders waiting for their money, per shop: where a payment without an order reference is looked for."""

    def add(self, order: UnpaidOrder) -> None: ...

    def remove(self, key: WebOrderKey) -> None: ...

    def around(self, source: str, shop: str, moment: datetime, window: timedelta) -> list[UnpaidOrder]:
        """The shop's unpaid orders ordered within `window` before or after `moment`."""
        ...
