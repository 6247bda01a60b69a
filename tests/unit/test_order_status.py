"""The one order status model: derived from the order record, BC's shipments, the carrier's events and payments."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.models import BcSalesOrder, BcSalesOrderLine, OrderStatus, WebOrderKey
from domain.orders.release_gate import RELEASED
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.records import OrderRecord
from domain.refunds.return_ports import ReturnLine
from domain.refunds.return_request import ReturnRequest
from domain.shipments.models import CarrierEvent, CarrierPhase, Shipment, ShippedLine
from domain.shipments.order_status import EstimateSource, ExpectedDelivery, OrderStatusView, status_of
from domain.shipments.progress import PARCEL_STEP, Progress
from domain.shipments.status_answer import customer_status
from tests.shipment_support import SHIPPING_LINE, chairs_and_table

KEY = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
POSTED = date(2026, 12, 7)
AT = datetime(2026, 12, 7, 9, tzinfo=UTC)


def document(requested: str = "0001-01-01") -> BcSalesOrder:
    """BC's order S-ORD1001: 2 chairs, 1 table, shipping costs and a comment."""
    comment = BcSalesOrderLine(line_type="Comment", description="Customer reference: X")
    return chairs_and_table("1001", more=(SHIPPING_LINE, comment), requested=requested)


def record(
    status: OrderStatus = OrderStatus.IN_BC, release: str = RELEASED, requested: str = "0001-01-01"
) -> OrderRecord:
    return OrderRecord(
        key=KEY,
        status=status,
        web_number="1001",
        web_total=Decimal("484.00"),
        web_currency="EUR",
        bc=document(requested),
        release=release,
        problem="held by payment: internal",
    )


def shipment(number: str, *lines: tuple[str, str], tracking: str = "", minutes: int = 0) -> Shipment:
    """A posted shipment of `lines` (item number, quantity), BC's zero-quantity lines for the rest included."""
    shipped = dict(lines)
    return Shipment(
        number=number,
        order_number="S-ORD1001",
        external_document_number="WEB1001",
        posting_date=POSTED,
        lines=tuple(
            ShippedLine(
                sequence=sequence, item_number=item, description=item.title(), quantity=Decimal(shipped.get(item, "0"))
            )
            for sequence, item in ((10000, "CHAIR"), (20000, "TABLE"), (30000, "8400"))
        ),
        shipping_agent="POSTNL",
        tracking_number=tracking,
        tracking_url=f"https://track.example/{tracking}" if tracking else "",
        changed_at=AT + timedelta(minutes=minutes),
    )


ALL = (("CHAIR", "2"), ("TABLE", "1"), ("8400", "1"))


def event(
    parcel: str,
    phase: CarrierPhase,
    minutes: int,
    tracking: str = "",
    *,
    expected: date | None = None,
    message: str = "Parcel en route",
) -> CarrierEvent:
    return CarrierEvent(
        platform="sendcloud",
        account="main",
        parcel_id=parcel,
        status_id=91,
        status_message=message,
        phase=phase,
        happened_at=AT + timedelta(minutes=minutes),
        tracking_number=tracking,
        tracking_url=f"https://sendcloud.example/{tracking}" if tracking else "",
        carrier="postnl",
        order_number="1001",
        expected_delivery=expected,
    )


def payment(amount: str) -> Payment:
    return Payment(
        provider="mollie",
        account="main",
        payment_id="tr_1",
        status=PaymentStatus.PAID,
        amount=Money(amount=Decimal(amount), currency="EUR"),
        created_at=AT,
    )


def test_an_order_moves_from_received_to_in_bc_to_released():
    received = OrderRecord(key=KEY, status=OrderStatus.IMPORTING)

    assert status_of(received).progress is Progress.RECEIVED
    assert status_of(record(release="held by payment: a person decides in BC")).progress is Progress.IN_BC
    assert status_of(record()).progress is Progress.RELEASED


def test_a_shipment_of_part_of_the_items_makes_the_order_partly_shipped():
    view = status_of(record(), shipments=[shipment("S-SHPT1", ("CHAIR", "1"), ("8400", "1"))])

    assert view.progress is Progress.PARTLY_SHIPPED
    assert [(line.item_number, line.quantity) for line in view.shipments[0].lines] == [("CHAIR", Decimal(1))]


def test_two_shipments_that_together_ship_every_item_make_the_order_shipped():
    first = shipment("S-SHPT1", ("CHAIR", "1"), ("8400", "1"))
    second = shipment("S-SHPT2", ("CHAIR", "1"), ("TABLE", "1"))

    assert status_of(record(), shipments=[first, second]).progress is Progress.SHIPPED


def test_shipping_cost_and_comment_lines_need_no_shipment():
    items_only = shipment("S-SHPT1", ("CHAIR", "2"), ("TABLE", "1"))

    assert status_of(record(), shipments=[items_only]).progress is Progress.SHIPPED


def test_an_undone_shipment_line_is_netted_so_the_order_is_partly_shipped_again():
    undone = shipment("S-SHPT1", *ALL)
    correction = ShippedLine(sequence=25000, item_number="TABLE", description="Table", quantity=Decimal(-1))
    undone = undone.model_copy(update={"lines": (*undone.lines, correction)})

    view = status_of(record(), shipments=[undone])

    assert view.progress is Progress.PARTLY_SHIPPED
    assert [line.item_number for line in view.shipments[0].lines] == ["CHAIR"]


def test_a_shipment_that_ships_nothing_is_not_shown():
    nothing = shipment("S-SHPT1", ("8400", "1"))

    view = status_of(record(), shipments=[nothing])

    assert (view.progress, view.shipments) == (Progress.RELEASED, ())


def test_without_the_bc_order_lines_a_shipment_ships_it_all():
    no_lines = record().model_copy(update={"bc": document().model_copy(update={"lines": ()})})

    view = status_of(no_lines, shipments=[shipment("S-SHPT1", ("CHAIR", "1"))])

    assert view.progress is Progress.SHIPPED
    assert [(line.item_number, line.quantity) for line in view.shipments[0].lines] == [("CHAIR", Decimal(1))]


def test_a_parcel_out_for_delivery_puts_the_shipped_order_out_for_delivery():
    view = status_of(
        record(),
        shipments=[shipment("S-SHPT1", *ALL, tracking="3SABC1")],
        events=[event("p1", CarrierPhase.IN_TRANSIT, 0, "3SABC1"), event("p1", CarrierPhase.OUT_FOR_DELIVERY, 60)],
    )

    assert view.progress is Progress.OUT_FOR_DELIVERY


def test_the_latest_event_by_time_counts_whatever_order_the_events_arrive_in():
    delivered = event("p1", CarrierPhase.DELIVERED, 120, "3SABC1")
    late_arrival = event("p1", CarrierPhase.IN_TRANSIT, 30, "3SABC1")

    view = status_of(
        record(), shipments=[shipment("S-SHPT1", *ALL, tracking="3SABC1")], events=[delivered, delivered, late_arrival]
    )

    assert view.progress is Progress.DELIVERED
    assert view.shipments[0].parcels[0].phase is CarrierPhase.DELIVERED


def test_of_two_events_at_the_same_moment_the_one_further_on_counts_whatever_order_they_arrive_in():
    out = event("p1", CarrierPhase.OUT_FOR_DELIVERY, 120, "3SABC1")
    delivered = event("p1", CarrierPhase.DELIVERED, 120, "3SABC1")
    shipped = [shipment("S-SHPT1", *ALL, tracking="3SABC1")]

    one_way = status_of(record(), shipments=shipped, events=[delivered, out])
    other_way = status_of(record(), shipments=shipped, events=[out, delivered])

    assert (one_way.progress, other_way.progress) == (Progress.DELIVERED, Progress.DELIVERED)


def test_the_order_is_delivered_only_once_every_parcel_is():
    shipments = [shipment("S-SHPT1", ("CHAIR", "2"), tracking="A1"), shipment("S-SHPT2", ("TABLE", "1"), tracking="B2")]
    first_delivered = [event("p1", CarrierPhase.DELIVERED, 60, "A1"), event("p2", CarrierPhase.IN_TRANSIT, 60, "B2")]
    both_delivered = [*first_delivered, event("p2", CarrierPhase.DELIVERED, 90, "B2")]

    assert status_of(record(), shipments=shipments, events=first_delivered).progress is Progress.SHIPPED
    assert status_of(record(), shipments=shipments, events=both_delivered).progress is Progress.DELIVERED


def test_an_exception_on_one_of_two_parcels_is_an_exception_for_the_order():
    shipments = [shipment("S-SHPT1", ("CHAIR", "2"), tracking="A1"), shipment("S-SHPT2", ("TABLE", "1"), tracking="B2")]
    events = [
        event("p1", CarrierPhase.DELIVERED, 60, "A1"),
        event("p2", CarrierPhase.EXCEPTION, 60, "B2", message="Unable to deliver"),
    ]

    view = status_of(record(), shipments=shipments, events=events)

    assert view.progress is Progress.EXCEPTION
    assert [shipment.step for shipment in view.shipments] == [Progress.DELIVERED, Progress.EXCEPTION]
    assert view.shipments[1].parcels[0].status_message == "Unable to deliver"


def test_a_delivered_first_part_leaves_the_order_partly_shipped():
    view = status_of(
        record(),
        shipments=[shipment("S-SHPT1", ("CHAIR", "2"), tracking="A1")],
        events=[event("p1", CarrierPhase.DELIVERED, 60, "A1")],
    )

    assert view.progress is Progress.PARTLY_SHIPPED


def test_a_tracking_number_added_in_bc_later_joins_the_shipment_to_its_parcel():
    untracked = shipment("S-SHPT1", *ALL)
    tracked_later = shipment("S-SHPT1", *ALL, tracking="3SABC1", minutes=30)
    events = [event("p1", CarrierPhase.DELIVERED, 60, "3SABC1")]

    before = status_of(record(), shipments=[untracked], events=events)
    after = status_of(record(), shipments=[untracked, tracked_later], events=events)

    assert (before.progress, len(before.other_parcels)) == (Progress.SHIPPED, 1)
    assert (after.progress, after.other_parcels) == (Progress.DELIVERED, ())
    assert after.shipments[0].tracking_number == "3SABC1"


def test_parcels_without_any_bc_shipment_count_as_shipped_by_the_carrier():
    view = status_of(record(), events=[event("p1", CarrierPhase.IN_TRANSIT, 0, "3SABC1")])

    assert (view.progress, view.shipments, len(view.other_parcels)) == (Progress.SHIPPED, (), 1)


def test_a_cancelled_order_says_so_and_expects_no_delivery():
    view = status_of(record(OrderStatus.CANCELLED, release="", requested="2026-12-20"))

    assert (view.cancelled, view.expected_delivery) == (True, None)
    assert customer_status(view)["status"] == "cancelled"


def test_the_expected_delivery_is_the_carriers_else_bcs_requested_date_else_none():
    shipped = [shipment("S-SHPT1", *ALL, tracking="A1")]
    carrier_says = [event("p1", CarrierPhase.IN_TRANSIT, 0, "A1", expected=date(2026, 12, 9))]

    by_carrier = status_of(record(requested="2026-12-20"), shipments=shipped, events=carrier_says)
    by_bc = status_of(record(requested="2026-12-20"), shipments=shipped)
    blank = status_of(record(), shipments=shipped)

    assert by_carrier.expected_delivery == ExpectedDelivery(on=date(2026, 12, 9), source=EstimateSource.CARRIER)
    assert by_bc.expected_delivery == ExpectedDelivery(on=date(2026, 12, 20), source=EstimateSource.BUSINESS_CENTRAL)
    assert blank.expected_delivery is None


def test_the_expected_delivery_of_two_parcels_is_the_later_one_still_under_way():
    shipments = [shipment("S-SHPT1", ("CHAIR", "2"), tracking="A1"), shipment("S-SHPT2", ("TABLE", "1"), tracking="B2")]
    events = [
        event("p1", CarrierPhase.IN_TRANSIT, 0, "A1", expected=date(2026, 12, 9)),
        event("p2", CarrierPhase.IN_TRANSIT, 0, "B2", expected=date(2026, 12, 11)),
        event("p2", CarrierPhase.DELIVERED, 60),
    ]

    view = status_of(record(), shipments=shipments, events=events)

    assert view.expected_delivery == ExpectedDelivery(on=date(2026, 12, 9), source=EstimateSource.CARRIER)


def test_invoiced_paid_returned_and_refunded_are_facts_beside_the_progress():
    invoice = BcInvoice(
        id="i1",
        number="S-INV1",
        external_document_number="WEB1001",
        customer_number="C00010",
        total_including_tax=Decimal("484.00"),
        remaining_amount=Decimal("484.00"),
        status="Open",
    )
    memo = BcCreditMemo(
        id="c1",
        number="S-CR1",
        external_document_number="WEB1001",
        customer_number="C00010",
        total_including_tax=Decimal("84.00"),
        status="Open",
    )
    invoiced = record().with_invoices([invoice])

    assert (status_of(record()).invoiced, status_of(invoiced).invoiced) == (False, True)
    assert status_of(invoiced).paid is False
    assert status_of(invoiced, payments=[payment("484.00")]).paid is True
    assert status_of(invoiced, payments=[payment("100.00")]).paid is False
    assert status_of(record().with_invoices([invoice.model_copy(update={"status": "Paid"})])).paid is True
    assert status_of(invoiced.with_credit_memos([memo])).returned is True
    assert status_of(invoiced, payments=[payment("484.00")]).refunded is False
    refunded = payment("484.00").model_copy(update={"refunded": Decimal("84.00")})
    assert status_of(invoiced, payments=[refunded]).refunded is True


def test_every_carrier_phase_puts_a_parcel_on_a_step():
    assert set(PARCEL_STEP) == set(CarrierPhase)


def two_part_view() -> OrderStatusView:
    return status_of(
        record(requested="2026-12-20"),
        shipments=[shipment("S-SHPT1", ("CHAIR", "2"), tracking="3SABC1")],
        events=[event("p1", CarrierPhase.OUT_FOR_DELIVERY, 0, "3SABC1", message="Driver en route")],
        payments=[payment("484.00")],
    )


def test_the_customer_answer_gives_status_expected_date_and_each_shipments_tracking_and_quantities():
    assert customer_status(two_part_view()) == {
        "orderNumber": "1001",
        "status": "partly_shipped",
        "expectedDeliveryDate": "2026-12-20",
        "returned": False,
        "refunded": False,
        "returns": [],
        "shipments": [
            {
                "shipmentNumber": "S-SHPT1",
                "shippedOn": "2026-12-07",
                "status": "out_for_delivery",
                "carrier": "postnl",
                "trackingNumber": "3SABC1",
                "trackingUrl": "https://track.example/3SABC1",
                "lines": [{"itemNumber": "CHAIR", "description": "Chair", "quantity": "2"}],
            }
        ],
    }


def test_the_customer_answer_carries_no_internal_notes_and_no_amounts():
    answer = json.dumps(customer_status(two_part_view()))

    for internal in ("held by payment", "Driver en route", "484", "C00010", "S-ORD1001", "sendcloud", "p1"):
        assert internal not in answer


def test_the_customer_answer_lists_the_returns_asked_on_the_portal_with_their_state():
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    key = WebOrderKey(source="portal", shop="b2b", order_id="PO-77")
    asked = ReturnRequest(
        return_id="RET-1A2B3C4D5E6F",
        customer_number="C20000",
        order=key,
        external_document_number="PO-77",
        lines=(ReturnLine(item_number="1900-S", quantity=Decimal(2)),),
        requested_at=now,
        updated_at=now,
    ).in_bc("S-RO1001", now)

    answer = customer_status(status_of(OrderRecord(key=key), returns=[asked]))

    assert answer["returns"] == [{"returnId": "RET-1A2B3C4D5E6F", "state": "in_bc", "returnOrderNumber": "S-RO1001"}]
