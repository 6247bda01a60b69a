"""Invoices are filed on the record of the web order whose BC document carries their externalDocumentNumber."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.invoices.invoice import BcInvoice
from domain.invoices.track_invoices import InvoiceTracking, link_invoices, poll_invoices
from domain.models import OrderStatus, WebOrderKey
from domain.records import OrderRecord
from tests.fakes import FixedClock, MemoryInvoices, MemoryOrders, MemorySyncState, order_in_bc, posted_invoice

ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
STAMP = datetime(2026, 11, 29, 10, tzinfo=UTC)


def invoice(number: str, document: str = "WEB1001", remaining: str = "30.00", minutes: int = 0) -> BcInvoice:
    return posted_invoice(number, document, remaining, modified=STAMP + timedelta(minutes=minutes))


def tracking(*posted: BcInvoice) -> InvoiceTracking:
    orders = MemoryOrders()
    order_in_bc(orders, ORDER, "web1001")
    return InvoiceTracking(invoices=MemoryInvoices(*posted), orders=orders, state=MemorySyncState(), clock=FixedClock())


def invoices_of(track: InvoiceTracking) -> list[tuple[str, Decimal]]:
    found = track.orders.get(ORDER)
    assert found is not None
    return [(each.number, each.remaining_amount) for each in found[0].invoices]


def test_an_invoice_is_filed_on_its_order_and_others_are_passed_by():
    track = tracking()

    filed = link_invoices(track, [invoice("S-INV2"), invoice("S-INV9", document="MANUAL-7"), invoice("S-INV1")])

    assert filed == 2
    assert invoices_of(track) == [("S-INV1", Decimal("30.00")), ("S-INV2", Decimal("30.00"))]


def test_a_newer_state_replaces_the_older_and_an_older_never_the_newer():
    track = tracking()

    link_invoices(track, [invoice("S-INV1", remaining="0", minutes=5)])
    link_invoices(track, [invoice("S-INV1", remaining="30.00", minutes=1)])

    assert invoices_of(track) == [("S-INV1", Decimal("0"))]


def test_the_first_poll_looks_back_a_week_and_the_next_from_the_last_less_a_margin():
    track = tracking(invoice("S-INV1"))
    first_at = track.clock.now()

    poll_invoices(track)
    poll_invoices(track)

    assert isinstance(track.invoices, MemoryInvoices)
    assert track.invoices.asked == [first_at - timedelta(days=7), first_at - timedelta(minutes=5)]
    assert invoices_of(track) == [("S-INV1", Decimal("30.00"))]


def test_an_invoice_is_not_filed_on_a_web_order_that_has_no_bc_order():
    """A web order parked before its create holds its document number but made no BC order: an invoice with that
    number is of an order keyed by hand, not of this one."""
    track = tracking()
    parked = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1002")
    track.orders.create(OrderRecord(key=parked, status=OrderStatus.NEEDS_ATTENTION))
    track.orders.claim_document("WEB1002", parked)

    filed = link_invoices(track, [invoice("S-INV7", document="WEB1002")])

    assert filed == 0
    found = track.orders.get(parked)
    assert found is not None
    assert found[0].invoices == []
