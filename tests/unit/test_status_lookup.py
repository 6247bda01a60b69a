"""An order's status read from the stores: the order record, its recorded shipments, the carrier events matched to
it and the payments filed under it; none for an order Koppel never heard of."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from domain.models import BcSalesOrder, BcSalesOrderLine, OrderStatus, WebOrderKey
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.payments.record import MatchStatus, PaymentRecord
from domain.records import OrderRecord, WebhookEvent
from domain.shipments.models import CarrierEvent, CarrierPhase, RecordedCarrierEvent
from domain.shipments.progress import Progress
from domain.shipments.recorded import first_version
from domain.shipments.status_lookup import StatusRecords, order_status
from tests.fakes import MemoryEvents, MemoryOrders, MemoryPayments
from tests.shipment_support import MemoryShipments, bc_shipment
from tests.unit.test_carrier_events import MemoryCarrierEvents

ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="7001")
OTHER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="7002")
AT = datetime(2026, 12, 7, 10, tzinfo=UTC)


def _records(payments: MemoryPayments | None = None) -> StatusRecords:
    return StatusRecords(
        MemoryOrders(), MemoryEvents(), MemoryShipments(), MemoryCarrierEvents(), payments or MemoryPayments()
    )


def _in_bc(records: StatusRecords) -> None:
    """Web order 7001 as BC's S-ORD7001: 2 of item 1000, 121.00."""
    document = BcSalesOrder(
        id="so-7001",
        number="S-ORD7001",
        status="Open",
        customer_number="C00010",
        external_document_number="7001",
        total_excluding_tax=Decimal("100.00"),
        total_tax=Decimal("21.00"),
        total_including_tax=Decimal("121.00"),
        lines=(BcSalesOrderLine(line_type="Item", object_number="1000", description="Kettle", quantity=Decimal(2)),),
    )
    record = OrderRecord(
        key=ORDER, status=OrderStatus.IN_BC, web_number="7001", web_total=Decimal("121.00"), web_currency="EUR"
    )
    records.orders.create(record.model_copy(update={"bc": document}))


def _delivered(order: WebOrderKey, tracking: str) -> RecordedCarrierEvent:
    event = CarrierEvent(
        platform="sendcloud",
        account="main",
        parcel_id=f"p-{order.order_id}",
        status_id=11,
        status_message="Delivered",
        phase=CarrierPhase.DELIVERED,
        happened_at=AT,
        tracking_number=tracking,
    )
    return RecordedCarrierEvent(event_id=f"ev-{order.order_id}", event=event, order=order)


def _paid(amount: str) -> PaymentRecord:
    money = Money(amount=Decimal(amount), currency="EUR")
    payment = Payment(
        provider="mollie", account="main", payment_id="tr_1", status=PaymentStatus.PAID, amount=money, created_at=AT
    )
    return PaymentRecord(payment=payment, status=MatchStatus.MATCHED, order_key=ORDER, first_seen_at=AT, updated_at=AT)


def test_an_order_koppel_never_heard_of_has_no_status() -> None:
    assert order_status(_records(), ORDER) is None


def test_an_order_whose_webhook_is_in_but_not_yet_worked_off_is_received() -> None:
    records = _records()
    delivery = WebhookEvent(
        stream=ORDER.stream, event_id="e1", topic="order.created", dedup_key="d1", blob_name="", received_at=AT
    )
    records.events.add(delivery, b"{}")

    view = order_status(records, ORDER)

    assert view is not None
    assert (view.progress, view.web_number) == (Progress.RECEIVED, "")


def test_the_status_counts_what_is_recorded_for_the_order_and_nothing_of_another() -> None:
    payments = MemoryPayments()
    payments.put(_paid("121.00"))
    records = _records(payments)
    _in_bc(records)
    records.shipments.write(first_version(ORDER, bc_shipment("S-SHPT1", "S-ORD7001", "7001", tracking="3S1"), AT), None)
    records.carrier_events.record(_delivered(ORDER, "3S1"))
    records.carrier_events.record(_delivered(OTHER, "3S9"))

    view = order_status(records, ORDER)

    assert view is not None
    assert (view.progress, view.paid, view.expected_delivery) == (Progress.DELIVERED, True, None)
    assert [parcel.parcel_id for shipment in view.shipments for parcel in shipment.parcels] == ["p-7001"]
    assert view.other_parcels == ()
