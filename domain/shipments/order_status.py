"""The one order status model: how far a web order has come, derived each time from what Koppel recorded (the
order record, BC's posted shipments of the order, the carrier's events on its parcels, its payments), never stored.

Rules (the tables are in progress.py):
- received -> in BC (the record has a BC document) -> released (Koppel released it) -> shipped: the ladder.
- Shipped quantities are compared with the BC order's Item lines per item number (the record keeps no order line
  numbers, and an Undo Shipment correction line gets a line number of its own, so per item number is also what nets
  it): fewer shipped than ordered is PARTLY_SHIPPED. Other lines (shipping costs, comments) are not compared.
  Without BC shipments a carrier's parcels alone count as shipped; without order lines a shipment ships it all.
- A parcel is where its latest event by happened_at puts it (events arrive out of order; of two at the same moment
  the one further on); it belongs to the BC
  shipment with the same tracking number; a parcel none of them names counts as a shipment of its own.
- Over all shipments: EXCEPTION when any parcel is; DELIVERED when every one is delivered and all is shipped; else
  the least advanced (a shipment no event names is SHIPPED).
- Expected delivery: the carrier's (the latest date of the parcels still under way), else BC's requested
  delivery date, else none; none once delivered or cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.invoices.posted_document import PAID
from domain.models import BcSalesOrder, Frozen, OrderStatus, WebOrderKey
from domain.orders.release_gate import RELEASED
from domain.payments.matching import Position, settlement
from domain.payments.payment import Payment
from domain.records import OrderRecord
from domain.refunds.return_request import ReturnRequest
from domain.shipments.models import CarrierEvent, CarrierPhase, Shipment, tracking_key
from domain.shipments.progress import PARCEL_STEP, Progress, as_happened, least_advanced

ITEM_LINE = "Item"
"""BC's line type of an article line (the lines shipped quantities are compared on)."""
REQUESTED_DELIVERY = "requestedDeliveryDate"
"""The BC order header field (BcSalesOrder.header) with the delivery date the order asks for."""


class ParcelProgress(Frozen):
    """One parcel at the carrier, as its latest event tells; the other fields the latest event that had them."""

    platform: str
    parcel_id: str
    phase: CarrierPhase
    status_message: str
    """The carrier platform's words for the latest phase, verbatim (for a person; not for the customer)."""
    happened_at: datetime
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    expected_delivery: date | None = None

    @property
    def step(self) -> Progress:
        return PARCEL_STEP[self.phase]


class ShippedQuantity(Frozen):
    """How much of one item a shipment ships, its Undo Shipment corrections netted."""

    item_number: str
    description: str
    quantity: Decimal


class ShipmentProgress(Frozen):
    """A BC shipment of the order with the parcels that carry its tracking number."""

    number: str
    posting_date: date
    shipping_agent: str
    tracking_number: str
    tracking_url: str
    lines: tuple[ShippedQuantity, ...]
    parcels: tuple[ParcelProgress, ...]

    @property
    def step(self) -> Progress:
        return least_advanced([parcel.step for parcel in self.parcels])

    @property
    def carrier(self) -> str:
        """The carrier as the platform names it, else BC's shipping agent code."""
        return next((parcel.carrier for parcel in self.parcels if parcel.carrier), self.shipping_agent)

    @property
    def link(self) -> str:
        """BC's tracking link, else the carrier platform's."""
        return self.tracking_url or next((parcel.tracking_url for parcel in self.parcels if parcel.tracking_url), "")


class EstimateSource(StrEnum):
    CARRIER = "carrier"
    BUSINESS_CENTRAL = "business_central"


class ExpectedDelivery(Frozen):
    on: date
    source: EstimateSource


class OrderStatusView(Frozen):
    """Where one web order stands, with the facts beside the ladder. Derived, never stored."""

    key: WebOrderKey
    web_number: str
    progress: Progress
    expected_delivery: ExpectedDelivery | None
    shipments: tuple[ShipmentProgress, ...]
    other_parcels: tuple[ParcelProgress, ...]
    """Parcels the carrier has for the order under a tracking number none of BC's shipments carries (yet)."""
    cancelled: bool
    """Cancelled in the shop (the record's status)."""
    invoiced: bool
    """BC posted a sales invoice for it."""
    paid: bool
    """Every posted invoice is Paid in BC, or the matched payments bring in the web order's total."""
    returned: bool
    """BC posted a credit memo for it: goods returned or money refunded (Koppel cannot tell which apart)."""
    refunded: bool
    """A provider paid part or all of a payment of it back (a refund, whoever started it)."""
    returns: tuple[ReturnRequest, ...] = ()
    """The returns the customer asked on the portal, each with its state."""


def status_of(
    record: OrderRecord,
    *,
    shipments: Iterable[Shipment] = (),
    events: Iterable[CarrierEvent] = (),
    payments: Iterable[Payment] = (),
    returns: Iterable[ReturnRequest] = (),
) -> OrderStatusView:
    """The status of the order `record`, from its BC `shipments`, the carrier `events` matched to it (any order,
    duplicates too) and its matched `payments`."""
    ordered = _ordered_items(record.bc)
    tracked, other_parcels = _shipments_with_parcels(_latest_versions(shipments), _parcels(events), ordered)
    progress = _progress(record, tracked, other_parcels, ordered)
    paid_with = list(payments)
    return OrderStatusView(
        key=record.key,
        web_number=record.web_number,
        progress=progress,
        expected_delivery=_expected_delivery(record, progress, tracked, other_parcels),
        shipments=tuple(tracked),
        other_parcels=tuple(other_parcels),
        cancelled=record.status is OrderStatus.CANCELLED,
        invoiced=any(invoice.posted for invoice in record.invoices),
        paid=_paid(record, paid_with),
        returned=any(memo.posted for memo in record.credit_memos),
        refunded=any(payment.refunded > 0 for payment in paid_with),
        returns=tuple(returns),
    )


def _progress(
    record: OrderRecord,
    tracked: list[ShipmentProgress],
    other_parcels: list[ParcelProgress],
    ordered: dict[str, Decimal],
) -> Progress:
    if not tracked and not other_parcels:
        if record.release == RELEASED:
            return Progress.RELEASED
        return Progress.IN_BC if record.bc is not None else Progress.RECEIVED
    carried = least_advanced([shipment.step for shipment in tracked] + [parcel.step for parcel in other_parcels])
    if carried is not Progress.EXCEPTION and tracked and not _all_shipped(ordered, tracked):
        return Progress.PARTLY_SHIPPED
    return carried


def _ordered_items(document: BcSalesOrder | None) -> dict[str, Decimal]:
    """Quantity ordered per item number, over the BC order's Item lines."""
    ordered: dict[str, Decimal] = {}
    for line in document.lines if document is not None else ():
        if line.line_type == ITEM_LINE and line.object_number and line.quantity > 0:
            ordered[line.object_number] = ordered.get(line.object_number, Decimal(0)) + line.quantity
    return ordered


def _all_shipped(ordered: dict[str, Decimal], tracked: list[ShipmentProgress]) -> bool:
    shipped: dict[str, Decimal] = {}
    for line in (line for shipment in tracked for line in shipment.lines):
        shipped[line.item_number] = shipped.get(line.item_number, Decimal(0)) + line.quantity
    return all(shipped.get(item, Decimal(0)) >= quantity for item, quantity in ordered.items())


def _latest_versions(shipments: Iterable[Shipment]) -> list[Shipment]:
    """One per shipment number, the one BC changed last; in posting order."""
    latest: dict[str, Shipment] = {}
    for shipment in shipments:
        known = latest.get(shipment.number)
        if known is None or shipment.changed_at >= known.changed_at:
            latest[shipment.number] = shipment
    return sorted(latest.values(), key=lambda shipment: (shipment.posting_date, shipment.number))


def _shipments_with_parcels(
    shipments: list[Shipment], parcels: list[ParcelProgress], ordered: dict[str, Decimal]
) -> tuple[list[ShipmentProgress], list[ParcelProgress]]:
    """Each shipment that ships any of the order's items, with its parcels; and the parcels none of them names."""
    tracked: list[ShipmentProgress] = []
    named: list[ParcelProgress] = []
    for shipment in shipments:
        lines = _shipped_quantities(shipment, ordered)
        if not lines:
            continue
        key = tracking_key(shipment.tracking_number)
        own = tuple(parcel for parcel in parcels if key and tracking_key(parcel.tracking_number) == key)
        named.extend(own)
        tracked.append(
            ShipmentProgress(
                number=shipment.number,
                posting_date=shipment.posting_date,
                shipping_agent=shipment.shipping_agent,
                tracking_number=shipment.tracking_number,
                tracking_url=shipment.tracking_url,
                lines=lines,
                parcels=own,
            )
        )
    return tracked, [parcel for parcel in parcels if parcel not in named]


def _shipped_quantities(shipment: Shipment, ordered: dict[str, Decimal]) -> tuple[ShippedQuantity, ...]:
    """What the shipment ships of the order's items (all it ships when the order's items are not known)."""
    descriptions = {line.item_number: line.description for line in reversed(shipment.lines)}
    return tuple(
        ShippedQuantity(item_number=item, description=descriptions[item], quantity=quantity)
        for item, quantity in shipment.shipped().items()
        if quantity > 0 and (not ordered or item in ordered)
    )


def _parcels(events: Iterable[CarrierEvent]) -> list[ParcelProgress]:
    histories: dict[tuple[str, str, str], list[CarrierEvent]] = {}
    for event in events:
        histories.setdefault((event.platform, event.account, event.parcel_id), []).append(event)
    return [_parcel(sorted(history, key=as_happened)) for history in histories.values()]


def _parcel(history: list[CarrierEvent]) -> ParcelProgress:
    """A parcel from its events, as they happened (progress.as_happened)."""
    latest = history[-1]
    newest_first = history[::-1]
    return ParcelProgress(
        platform=latest.platform,
        parcel_id=latest.parcel_id,
        phase=latest.phase,
        status_message=latest.status_message,
        happened_at=latest.happened_at,
        carrier=next((event.carrier for event in newest_first if event.carrier), ""),
        tracking_number=next((event.tracking_number for event in newest_first if event.tracking_number), ""),
        tracking_url=next((event.tracking_url for event in newest_first if event.tracking_url), ""),
        expected_delivery=next((event.expected_delivery for event in newest_first if event.expected_delivery), None),
    )


def _expected_delivery(
    record: OrderRecord, progress: Progress, tracked: list[ShipmentProgress], other_parcels: list[ParcelProgress]
) -> ExpectedDelivery | None:
    if progress is Progress.DELIVERED or record.status is OrderStatus.CANCELLED:
        return None
    parcels = [parcel for shipment in tracked for parcel in shipment.parcels] + other_parcels
    under_way = [p.expected_delivery for p in parcels if p.expected_delivery and p.step is not Progress.DELIVERED]
    if under_way:
        return ExpectedDelivery(on=max(under_way), source=EstimateSource.CARRIER)
    requested = _requested_delivery(record.bc)
    return ExpectedDelivery(on=requested, source=EstimateSource.BUSINESS_CENTRAL) if requested else None


def _requested_delivery(document: BcSalesOrder | None) -> date | None:
    """BC's requested delivery date as the document was last read; None when blank (0001-01-01) or not read."""
    text = document.header.get(REQUESTED_DELIVERY, "") if document is not None else ""
    try:
        requested = date.fromisoformat(text)
    except ValueError:
        return None
    return requested if requested > date.min else None


def _paid(record: OrderRecord, payments: list[Payment]) -> bool:
    posted = [invoice for invoice in record.invoices if invoice.posted]
    if posted and all(invoice.status == PAID for invoice in posted):
        return True
    if record.web_total is None or not payments:
        return False
    return settlement(record.web_total, record.web_currency, payments).position in (Position.PAID, Position.OVERPAID)
