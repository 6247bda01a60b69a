"""In-memory implementations of the domain ports, for domain unit tests only."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from domain.catalog.availability import DisplayMode, StockPolicy
from domain.catalog.listing import PushedListing
from domain.errors import BusinessCentralRejected, ConcurrencyConflict, RetryableError
from domain.intake.ingest_webhook import Intake
from domain.invoices.invoice import BcInvoice
from domain.invoices.subscriptions import BcSubscription
from domain.models import (
    BcCustomer,
    BcSalesOrder,
    BcSalesOrderLine,
    OrderStatus,
    Party,
    ResolvedSku,
    StreamKey,
    WebOrderKey,
)
from domain.orders.import_policy import ImportPolicy
from domain.orders.mapping.business_central import ChargeAccounts
from domain.orders.rules.controls import ControlPolicy
from domain.orders.rules.document_changes import ChangePlan
from domain.orders.worker import OrderSync
from domain.payments.record import PaymentRecord
from domain.payments.unpaid import UnpaidOrder
from domain.portal.catalog import PortalPolicy
from domain.records import AttentionItem, EventStatus, OrderRecord, StreamMessage, SyncRun, WebhookEvent
from domain.refunds.record import CreditMemoRefund, RefundState
from domain.refunds.return_request import ReturnRequest, ReturnState
from domain.refunds.shop_refund_credit import CreditState, ShopRefundCredit
from domain.runs import BOOKING_COUNTS


class _Record(Protocol):
    @property
    def order(self) -> WebOrderKey: ...

    @property
    def finished(self) -> bool: ...


R = TypeVar("R", bound=_Record)


class FixedClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment


class TickingClock:
    """Starts at 06:00 UTC on 29 November 2026 and moves 10 ms each time it is read; `moment` may be moved on."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(milliseconds=10)
        return self.moment


class MemorySyncState:
    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get(self, job: str, scope: str) -> str | None:
        return self.values.get((job, scope))

    def put(self, job: str, scope: str, value: str) -> None:
        self.values[(job, scope)] = value


class MemorySyncRuns:
    def __init__(self) -> None:
        self.recorded: list[SyncRun] = []

    def record(self, run: SyncRun) -> None:
        self.recorded.append(run)

    def latest(self, name: str, count: int) -> list[SyncRun]:
        return [run for run in reversed(self.recorded) if run.name == name][:count]


class MemoryPushedListings:
    def __init__(self) -> None:
        self.rows: dict[str, PushedListing] = {}

    def all(self) -> dict[str, PushedListing]:
        return dict(self.rows)

    def remember(self, pushed: Sequence[PushedListing]) -> None:
        self.rows.update({row.sku: row for row in pushed})


class MemoryEvents:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], WebhookEvent] = {}
        self.bodies: dict[tuple[str, str], bytes] = {}

    def add(self, event: WebhookEvent, body: bytes) -> bool:
        key = (str(event.stream), event.event_id)
        if key in self.rows:
            return False
        self.rows[key] = event
        self.bodies[key] = body
        return True

    def body(self, stream: StreamKey, event_id: str) -> bytes | None:
        return self.bodies.get((str(stream), event_id))

    def get(self, stream: StreamKey, event_id: str) -> WebhookEvent | None:
        return self.rows.get((str(stream), event_id))

    def mark(self, stream: StreamKey, event_id: str, status: EventStatus, note: str = "") -> None:
        key = (str(stream), event_id)
        self.rows[key] = self.rows[key].model_copy(update={"status": status, "note": note})

    def for_stream(self, stream: StreamKey) -> list[WebhookEvent]:
        return [event for (key, _), event in self.rows.items() if key == str(stream)]

    def needing_a_person(self, sources: Collection[str]) -> list[WebhookEvent]:
        kept = {EventStatus.PARKED, EventStatus.FAILED}
        return [e for e in self.rows.values() if e.stream.source in sources and e.status in kept]


class MemoryQueue:
    def __init__(self) -> None:
        self.messages: list[StreamMessage] = []
        self.delays: list[timedelta | None] = []

    def send(self, message: StreamMessage, delay: timedelta | None = None) -> None:
        self.messages.append(message)
        self.delays.append(delay)


class MemoryOrders:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[OrderRecord, str]] = {}
        self.invoice_keys: dict[str, WebOrderKey] = {}
        self.documents: dict[str, WebOrderKey] = {}
        """The web order holding each BC document number (upper case), as the `document:<number>` rows."""
        self._etags = itertools.count(1)

    def get(self, key: WebOrderKey) -> tuple[OrderRecord, str] | None:
        return self.rows.get(str(key))

    def create(self, record: OrderRecord) -> str:
        if str(record.key) in self.rows:
            raise ConcurrencyConflict("exists")
        return self._write(record)

    def replace(self, record: OrderRecord, etag: str) -> str:
        current = self.rows.get(str(record.key))
        if current is None or current[1] != etag:
            raise ConcurrencyConflict("changed")
        return self._write(record)

    def claim_document(self, external_document_number: str, key: WebOrderKey) -> WebOrderKey:
        return self.documents.setdefault(external_document_number.upper(), key)

    def release_document(self, external_document_number: str, key: WebOrderKey) -> None:
        if self.documents.get(external_document_number.upper()) == key:
            del self.documents[external_document_number.upper()]

    def key_for_document(self, external_document_number: str) -> WebOrderKey | None:
        return self.documents.get(external_document_number.upper())

    def file_invoice(self, invoice_id: str, key: WebOrderKey) -> None:
        self.invoice_keys[invoice_id] = key

    def key_for_invoice(self, invoice_id: str) -> WebOrderKey | None:
        return self.invoice_keys.get(invoice_id)

    def _write(self, record: OrderRecord) -> str:
        etag = f'W/"{next(self._etags)}"'
        self.rows[str(record.key)] = (record, etag)
        if record.bc is not None and record.bc.external_document_number:
            self.claim_document(record.bc.external_document_number, record.key)
        return etag


class MemoryAttention:
    def __init__(self) -> None:
        self.items: dict[str, AttentionItem] = {}

    def flag(self, item: AttentionItem) -> None:
        self.items[str(item.key)] = item

    def clear(self, key: WebOrderKey) -> None:
        self.items.pop(str(key), None)

    def all(self) -> list[AttentionItem]:
        return list(self.items.values())


class MemoryBindings:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], str] = {}

    def get(self, source: str, external_id: str) -> str | None:
        return self.rows.get((source, external_id))

    def put(self, source: str, external_id: str, bc_customer_number: str) -> None:
        self.rows[(source, external_id)] = bc_customer_number


class FakeBusinessCentral:
    """Knows a few items and customers; records every sales order it is asked to create."""

    def __init__(self) -> None:
        self.customers = {
            "C10000": BcCustomer(id="c-1", number="C10000"),
            "C10001": BcCustomer(id="c-2", number="C10001", blocked="All"),
        }
        self.emails = {"anna@example.nl": "C10000", "blocked@example.nl": "C10001"}
        self.vat_numbers = {"BE0123456789": "C10000"}
        self.skus = {
            "KOF-1001": ResolvedSku(item_id="i-1", item_number="KOF-1001"),
            "TEX-2001-M": ResolvedSku(item_id="i-2", item_number="TEX-2001", variant_id="v-1", variant_code="M"),
            "OLD-0001": ResolvedSku(item_id="i-3", item_number="OLD-0001", blocked=True),
        }
        self.orders: dict[str, BcSalesOrder] = {}
        self.payloads: list[dict[str, Any]] = []
        self.created_customers: list[Party] = []
        self.released: list[str] = []
        self.plans: list[ChangePlan] = []
        self.can_release = False
        self.answers_without_lines = False
        """Answer a create with the header as it stood before its lines went in (no lines, totals 0)."""
        self.read_back: list[str] = []
        """The ids of the sales orders read with `sales_order`."""

    def find_sales_orders(self, external_document_number: str) -> list[BcSalesOrder]:
        found = self.orders.get(external_document_number)
        return [found] if found else []

    def create_sales_order(self, payload: dict[str, Any]) -> BcSalesOrder:
        """Stores the order with its lines (prices including 21% VAT) and answers it whole, unless
        `answers_without_lines`."""
        self.payloads.append(payload)
        lines = tuple(_line(line) for line in payload["salesOrderLines"])
        total = sum((line.quantity * line.unit_price - line.discount_amount for line in lines), Decimal(0))
        tax = (total - total / Decimal("1.21")).quantize(Decimal("0.01"))
        order = BcSalesOrder(
            id=f"so-{len(self.orders) + 1}",
            number=f"S-ORD{101001 + len(self.orders)}",
            status="Draft",
            customer_number=next(c.number for c in self.customers.values() if c.id == payload["customerId"]),
            external_document_number=payload["externalDocumentNumber"],
            total_excluding_tax=total - tax,
            total_tax=tax,
            total_including_tax=total,
            lines=lines,
        )
        self.orders[order.external_document_number] = order
        if self.answers_without_lines:
            zero = Decimal(0)
            return order.model_copy(
                update={"lines": (), "total_excluding_tax": zero, "total_tax": zero, "total_including_tax": zero}
            )
        return order

    def sales_order(self, sales_order_id: str) -> BcSalesOrder | None:
        self.read_back.append(sales_order_id)
        return next((order for order in self.orders.values() if order.id == sales_order_id), None)

    def apply_changes(self, document: BcSalesOrder, plan: ChangePlan) -> BcSalesOrder:
        self.plans.append(plan)
        return document

    def delete_sales_order(self, document: BcSalesOrder) -> None:
        del self.orders[document.external_document_number]

    def release_sales_order(self, sales_order_id: str) -> bool:
        self.released.append(sales_order_id)
        return self.can_release

    def customer_by_number(self, number: str) -> BcCustomer | None:
        return self.customers.get(number)

    def customer_by_email(self, email: str) -> BcCustomer | None:
        number = self.emails.get(email)
        return self.customers[number] if number else None

    def customer_by_vat_number(self, vat_number: str) -> BcCustomer | None:
        number = self.vat_numbers.get(vat_number)
        return self.customers[number] if number else None

    def create_customer(self, party: Party) -> BcCustomer:
        self.created_customers.append(party)
        customer = BcCustomer(id=f"c-new-{len(self.customers)}", number=f"C2{len(self.customers):04d}")
        self.customers[customer.number] = customer
        self.emails[party.email] = customer.number
        return customer

    def resolve_skus(self, skus: Sequence[str]) -> dict[str, ResolvedSku]:
        return {sku: self.skus[sku] for sku in skus if sku in self.skus}


def _line(sent: dict[str, Any]) -> BcSalesOrderLine:
    """A line as BC stores a deep-inserted one (the fields Koppel reads)."""
    return BcSalesOrderLine(
        line_type=sent["lineType"],
        item_id=sent.get("itemId", ""),
        variant_id=sent.get("itemVariantId", ""),
        object_number=sent.get("lineObjectNumber", ""),
        description=sent.get("description", ""),
        quantity=Decimal(str(sent.get("quantity", 0))),
        unit_price=Decimal(str(sent.get("unitPrice", 0))),
        discount_amount=Decimal(str(sent.get("discountAmount", 0))),
        tax_percent=Decimal(21),
    )


CONTROLS = ControlPolicy(
    price_tolerance_percent=Decimal(1),
    totals_tolerance=Decimal("0.02"),
    company_country="NL",
    prepayment_channels=frozenset({"woocommerce", "shopify"}),
    on_account_methods=frozenset({"cod", "invoice", "on_account"}),
    local_currency="EUR",
)
"""The controls as a deployment that sets none of their settings has them."""
PORTAL_POLICY = PortalPolicy(
    stock=StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE), prices_include_vat=False, local_currency="EUR"
)
"""The portal's catalog choices as a deployment that sets none of their settings has them."""


def memory_intake() -> tuple[Intake, MemoryEvents, MemoryQueue]:
    events, queue = MemoryEvents(), MemoryQueue()
    return Intake(events=events, queue=queue, clock=FixedClock()), events, queue


def memory_sync(intake: Intake, bc: FakeBusinessCentral | None = None) -> OrderSync:
    return OrderSync(
        events=intake.events,
        orders=MemoryOrders(),
        attention=MemoryAttention(),
        queue=intake.queue,
        bc=bc or FakeBusinessCentral(),
        customers=MemoryBindings(),
        clock=intake.clock,
        policy=ImportPolicy(
            accounts=ChargeAccounts(shipping="8090", fee="8091"), local_currency="EUR", controls=CONTROLS
        ),
    )


class MemoryPayments:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], PaymentRecord] = {}
        self.etags: dict[tuple[str, str, str], str] = {}
        self._versions = itertools.count(1)

    def get(self, provider: str, account: str, payment_id: str) -> PaymentRecord | None:
        return self.rows.get((provider, account, payment_id))

    def read(self, provider: str, account: str, payment_id: str) -> tuple[PaymentRecord, str] | None:
        key = (provider, account, payment_id)
        return (self.rows[key], self.etags[key]) if key in self.rows else None

    def write(self, record: PaymentRecord, etag: str | None) -> str:
        key = (record.payment.provider, record.payment.account, record.payment.payment_id)
        if self.etags.get(key) != etag:
            raise ConcurrencyConflict("changed")
        self.put(record)
        return self.etags[key]

    def put(self, record: PaymentRecord) -> None:
        key = (record.payment.provider, record.payment.account, record.payment.payment_id)
        self.rows[key] = record
        self.etags[key] = f'W/"{next(self._versions)}"'

    def for_order(self, key: WebOrderKey) -> list[PaymentRecord]:
        return [record for record in self.rows.values() if record.order_key == key]

    def needing_a_person(self) -> list[PaymentRecord]:
        return [record for record in self.rows.values() if record.needs_a_person]

    def awaiting_booking(self) -> list[PaymentRecord]:
        return [record for record in self.rows.values() if record.to_book]


class MemorySubscriptions:
    """BC's subscriptions: each lives three days from its creation or renewal on `clock`; `refuse_handshake` makes
    BC refuse to create or renew (the notification URL did not answer), `unavailable` makes every call fail."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.rows: dict[str, BcSubscription] = {}
        self.client_states: dict[str, str] = {}
        self.calls: list[str] = []
        self.refuse_handshake = False
        self.unavailable = False
        self._ids = itertools.count(1)

    def all(self) -> list[BcSubscription]:
        self._call("all")
        return list(self.rows.values())

    def get(self, subscription_id: str) -> BcSubscription | None:
        self._call("get")
        return self.rows.get(subscription_id)

    def create(self, resource: str, notification_url: str, client_state: str) -> BcSubscription:
        self._call("create")
        self._handshake()
        number = next(self._ids)
        made = BcSubscription(
            id=f"{number:032x}",
            resource=resource,
            notification_url=notification_url,
            expires_at=self.clock.now() + timedelta(days=3),
            etag=f'W/"{number}"',
        )
        return self._store(made, client_state)

    def renew(self, subscription: BcSubscription, notification_url: str, client_state: str) -> BcSubscription:
        self._call("renew")
        self._handshake()
        current = self.rows.get(subscription.id)
        if current is None:
            raise RetryableError("BC answered 404 to PATCH: check the BC settings and permissions")
        if current.etag != subscription.etag:
            raise RetryableError("BC answered 409 (record changed or locked) to PATCH")
        renewed = current.model_copy(
            update={
                "notification_url": notification_url,
                "expires_at": self.clock.now() + timedelta(days=3),
                "etag": f'W/"{next(self._ids)}"',
            }
        )
        return self._store(renewed, client_state)

    def _store(self, subscription: BcSubscription, client_state: str) -> BcSubscription:
        self.rows[subscription.id] = subscription
        self.client_states[subscription.id] = client_state
        return subscription

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self.unavailable:
            raise RetryableError("BC did not accept GET after 6 attempts")

    def _handshake(self) -> None:
        if self.refuse_handshake:
            raise BusinessCentralRejected(
                400,
                "BadRequest",
                "The subscription could not be validated: the notification URL must answer the validation request "
                "with 200 OK and the validationToken as its body.",
            )


class MemoryInvoices:
    """BC's sales invoices: `posted` as BC lists them by lastModifiedDateTime, `now` what BC has now where that
    differs (a payment in BC changes remainingAmount without stamping the invoice), `shown` what BC answers at a
    notification's resource (one in `refused` is answered with a 400); `unavailable` makes the listing fail."""

    def __init__(self, *posted: BcInvoice, shown: dict[str, list[BcInvoice]] | None = None) -> None:
        self.posted = list(posted)
        self.now: dict[str, BcInvoice] = {}
        self.shown = shown or {}
        self.refused: set[str] = set()
        self.unavailable = False
        self.asked: list[datetime | None] = []
        """The `since` of each listing."""
        self.resources_read: list[str] = []
        self.ids_read: list[str] = []

    def changed_since(self, since: datetime | None) -> list[BcInvoice]:
        self.asked.append(since)
        if self.unavailable:
            raise RetryableError("BC answered 503")
        return list(self.posted)

    def at(self, resource: str) -> list[BcInvoice]:
        self.resources_read.append(resource)
        if resource in self.refused:
            raise BusinessCentralRejected(400, "BadRequest", "the filter is not valid")
        return self.shown.get(resource, [])

    def get(self, invoice_id: str) -> BcInvoice | None:
        self.ids_read.append(invoice_id)
        return self.now.get(invoice_id) or next((each for each in self.posted if each.id == invoice_id), None)


INVOICED_AT = datetime(2026, 11, 29, 11, tzinfo=UTC)


def posted_invoice(
    number: str, document: str = "WEB1001", remaining: str = "30.00", modified: datetime = INVOICED_AT
) -> BcInvoice:
    """A 30.00 invoice of customer C00010 (the customer of `order_in_bc`) for the BC document `document`."""
    return BcInvoice(
        id=f"id-{number}",
        number=number,
        external_document_number=document,
        customer_number="C00010",
        total_including_tax=Decimal("30.00"),
        remaining_amount=Decimal(remaining),
        status="Open",
        last_modified=modified,
    )


def draft_sales_order(excluding: str, tax: str, including: str, *lines: BcSalesOrderLine) -> BcSalesOrder:
    """BC's draft sales order S-ORD101001 of customer C10000 for the web order numbered 1001, with these totals."""
    return BcSalesOrder(
        id="so-1",
        number="S-ORD101001",
        status="Draft",
        customer_number="C10000",
        external_document_number="1001",
        total_excluding_tax=Decimal(excluding),
        total_tax=Decimal(tax),
        total_including_tax=Decimal(including),
        lines=lines,
    )


def order_in_bc(orders: MemoryOrders, key: WebOrderKey, external_document_number: str) -> None:
    """A web order as the order worker leaves it: in BC as a 30.00 sales order of customer C00010."""
    document = BcSalesOrder(
        id=f"so-{key.order_id}",
        number=f"S-ORD{key.order_id}",
        status="Open",
        customer_number="C00010",
        external_document_number=external_document_number,
        total_excluding_tax=Decimal("24.79"),
        total_tax=Decimal("5.21"),
        total_including_tax=Decimal("30.00"),
    )
    orders.create(OrderRecord(key=key, status=OrderStatus.IN_BC, bc=document))


class MemoryUnpaidOrders:
    def __init__(self) -> None:
        self.rows: dict[str, UnpaidOrder] = {}

    def add(self, order: UnpaidOrder) -> None:
        self.rows[str(order.key)] = order

    def remove(self, key: WebOrderKey) -> None:
        self.rows.pop(str(key), None)

    def around(self, source: str, shop: str, moment: datetime, window: timedelta) -> list[UnpaidOrder]:
        return [
            order
            for order in self.rows.values()
            if (order.key.source, order.key.shop) == (source, shop) and abs(order.ordered_at - moment) <= window
        ]


def a_booking_run(name: str = "payments-bc", at: datetime = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)) -> SyncRun:
    """A completed booking run's summary: 5 looked at, 2 invoices filed, 3 booked, 1 parked."""
    return SyncRun(
        name=name,
        started_at=at,
        finished_at=at,
        read=5,
        changed=2,
        pushed=3,
        failed=1,
        count_names=BOOKING_COUNTS,
        completed=True,
    )


class _MemoryRecords(Generic[R]):
    """Records each written on its ETag, keyed by `key`; those for a person are the ones `for_a_person` says."""

    def __init__(self, key: Callable[[R], str], for_a_person: Callable[[R], bool]) -> None:
        self.rows: dict[str, tuple[R, str]] = {}
        self._key = key
        self._for_a_person = for_a_person
        self._etags = itertools.count(1)

    def _get(self, key: str) -> tuple[R, str] | None:
        return self.rows.get(key)

    def write(self, record: R, etag: str | None) -> str:
        current = self.rows.get(self._key(record))
        if (current[1] if current else None) != etag:
            raise ConcurrencyConflict("changed")
        written = f'W/"{next(self._etags)}"'
        self.rows[self._key(record)] = (record, written)
        return written

    def unfinished(self) -> list[R]:
        return [record for record, _ in self.rows.values() if not record.finished]

    def for_order(self, order: WebOrderKey) -> list[R]:
        return [record for record, _ in self.rows.values() if record.order == order]

    def needing_a_person(self) -> list[R]:
        return [record for record, _ in self.rows.values() if self._for_a_person(record)]


class MemoryRefunds(_MemoryRecords[CreditMemoRefund]):
    """Koppel's credit memo refunds."""

    def __init__(self) -> None:
        super().__init__(
            lambda refund: refund.credit_memo_id, lambda refund: refund.state is RefundState.NEEDS_ATTENTION
        )

    def get(self, credit_memo_id: str) -> tuple[CreditMemoRefund, str] | None:
        return self._get(credit_memo_id)


class MemoryShopRefundCredits(_MemoryRecords[ShopRefundCredit]):
    """Koppel's shop refund credits."""

    def __init__(self) -> None:
        super().__init__(lambda credit: credit.key, lambda credit: credit.state is CreditState.NEEDS_ATTENTION)

    def get(self, order: WebOrderKey, refund_id: str) -> tuple[ShopRefundCredit, str] | None:
        return self._get(ShopRefundCredit.key_of(order, refund_id))


class MemoryReturnRequests(_MemoryRecords[ReturnRequest]):
    """The portal's return requests."""

    def __init__(self) -> None:
        super().__init__(
            lambda request: request.return_id, lambda request: request.state is ReturnState.NEEDS_ATTENTION
        )

    def get(self, return_id: str) -> tuple[ReturnRequest, str] | None:
        return self._get(return_id)
