"""One web order in one look-up: the order, its BC document, its events, its payments, its shipments, its carrier
events, its status and any problem."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.models import BcSalesOrder, OrderStatus, WebOrderKey
from domain.orders.rules.controls import ControlResult
from domain.payments.booking import Booking
from domain.payments.payment import Money, PaymentStatus
from domain.payments.ports import PaymentStore
from domain.payments.record import MatchStatus, PaymentRecord
from domain.ports import EventLog, OrderStore
from domain.records import EventStatus, WebhookEvent
from domain.refunds.portal_returns import ReturnRequests
from domain.refunds.ports import RefundStore
from domain.refunds.record import CreditMemoRefund
from domain.refunds.shop_origin_ports import ShopRefundCredits
from domain.refunds.shop_refund_credit import ShopRefundCredit
from domain.shipments.models import RecordedCarrierEvent
from domain.shipments.order_status import OrderStatusView
from domain.shipments.ports import CarrierEvents, ShipmentStore
from domain.shipments.recorded import RecordedShipment
from domain.shipments.status_lookup import known_record, recorded_status


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class WebOrderSummary(_View):
    number: str
    status: str
    modified_at: datetime | None
    total: Decimal | None
    currency: str
    line_count: int


class DossierEvent(_View):
    event_id: str
    topic: str
    received_at: datetime
    status: EventStatus
    note: str


class DossierPayment(_View):
    """A payment matched to the order, as last read at its provider, with the deliveries that told Koppel of it."""

    provider: str
    account: str
    payment_id: str
    status: PaymentStatus
    amount: Money
    refunded: Decimal
    charged_back: Decimal
    match: MatchStatus
    note: str
    booking: Booking | None
    """Its customer payment in BC: the invoice it is applied to, the journal line, booked or still in the journal;
    with its refund lines against credit memos."""
    booking_problem: str
    updated_at: datetime
    history: list[DossierEvent]


class Dossier(_View):
    key: str
    status: OrderStatus
    web_order: WebOrderSummary
    bc_document: BcSalesOrder | None
    bc_customer_number: str
    totals_agree: bool | None
    controls: list[ControlResult]
    release: str
    problem: str
    attempts: int
    updated_at: datetime | None
    events: list[DossierEvent]
    invoices: list[BcInvoice] = []
    credit_memos: list[BcCreditMemo] = []
    payments: list[DossierPayment] = []
    shipments: list[RecordedShipment] = []
    """BC's posted shipments of the order, each with its versions (tracking added after posting) as history."""
    carrier_events: list[RecordedCarrierEvent] = []
    """The carrier's events on the order's parcels, in the order they happened, each once however often it came."""
    refunds: list[CreditMemoRefund] = []
    """How Koppel paid back each credit memo (shops whose refunds come from BC): the provider refunds, the shop's
    record, or why a person decides."""
    shop_refunds: list[ShopRefundCredit] = []
    """How Koppel credited each refund made in the shop (shops whose refunds start in the shop): the BC credit memo
    made for it, or why a person decides."""
    order_status: OrderStatusView
    """The order status model's view (domain/shipments/order_status.py), derived on this read: the step, the
    expected delivery, each shipment with its parcels, and invoiced / paid / returned / cancelled beside."""


def order_dossier(
    orders: OrderStore,
    events: EventLog,
    key: WebOrderKey,
    *,
    payments: PaymentStore | None = None,
    shipments: ShipmentStore | None = None,
    carrier_events: CarrierEvents | None = None,
    refunds: RefundStore | None = None,
    shop_refunds: ShopRefundCredits | None = None,
    returns: ReturnRequests | None = None,
) -> Dossier | None:
    """None when Koppel has never heard of the order."""
    record = known_record(orders, events, key)
    if record is None:
        return None
    timeline = _timeline(events.for_stream(key.stream))
    matched = payments.for_order(key) if payments else []
    shipped = shipments.for_order(key) if shipments else []
    carried = carrier_events.for_order(key) if carrier_events else []
    return Dossier(
        key=str(key),
        status=record.status,
        web_order=WebOrderSummary(
            number=record.web_number,
            status=record.web_status,
            modified_at=record.web_modified_at,
            total=record.web_total,
            currency=record.web_currency,
            line_count=record.line_count,
        ),
        bc_document=record.bc,
        bc_customer_number=record.bc_customer_number,
        totals_agree=record.totals_agree,
        controls=record.controls,
        release=record.release,
        problem=record.problem,
        attempts=record.attempts,
        updated_at=record.updated_at,
        events=timeline,
        invoices=record.invoices,
        credit_memos=record.credit_memos,
        payments=[_payment(payment, events) for payment in matched],
        shipments=shipped,
        carrier_events=carried,
        refunds=refunds.for_order(key) if refunds else [],
        shop_refunds=shop_refunds.for_order(key) if shop_refunds else [],
        order_status=recorded_status(record, shipped, carried, matched, returns.for_order(key) if returns else ()),
    )


def _timeline(logged: Iterable[WebhookEvent]) -> list[DossierEvent]:
    return [
        DossierEvent(event_id=e.event_id, topic=e.topic, received_at=e.received_at, status=e.status, note=e.note)
        for e in sorted(logged, key=lambda event: event.received_at)
    ]


def _payment(record: PaymentRecord, events: EventLog) -> DossierPayment:
    payment = record.payment
    return DossierPayment(
        provider=payment.provider,
        account=payment.account,
        payment_id=payment.payment_id,
        status=payment.status,
        amount=payment.amount,
        refunded=payment.refunded,
        charged_back=payment.charged_back,
        match=record.status,
        note=record.note,
        booking=record.booking,
        booking_problem=record.booking_problem,
        updated_at=record.updated_at,
        history=_timeline(events.for_stream(payment.key.stream)),
    )
