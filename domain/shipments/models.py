"""What Koppel knows of a web order after BC took it: BC's posted shipments and the carrier's events on a parcel.

Values only; which web order each belongs to, and what the customer is told, live in the use cases beside."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.models import Frozen, WebOrderKey


class ShippedLine(Frozen):
    """One line of a posted shipment as BC lists it: BC posts a line for every order line, quantity 0 included, and
    Undo Shipment adds a correction line with the negative quantity under a line number of its own (see `shipped`)."""

    sequence: int
    """The shipment line's Line No.: the order line's number for a posted line; a new number for an Undo
    Shipment's correction line (BaseApp UndoSalesShipmentLine), so it joins no order line."""
    item_number: str
    description: str
    quantity: Decimal


class Shipment(Frozen):
    """A posted BC sales shipment, with what BC lets a user change after posting (page 1350 "Posted Sales Shipment -
    Update": shipping agent, its service and the package tracking number)."""

    number: str
    """BC's shipment number (`salesShipments.number`)."""
    order_number: str
    """The BC sales order it ships (`orderNumber`)."""
    external_document_number: str
    """The sales order's externalDocumentNumber: the web order Koppel created it for."""
    posting_date: date
    lines: tuple[ShippedLine, ...]
    shipping_agent: str = ""
    """BC's Shipping Agent Code ("" when none)."""
    shipping_agent_service: str = ""
    tracking_number: str = ""
    """BC's Package Tracking No. (Text[50]; "" until someone enters it, which may be after posting)."""
    tracking_url: str = ""
    """The shipping agent's Internet Address with the tracking number for %1, as BC builds it ("" without both)."""
    changed_at: datetime
    """BC's lastModifiedDateTime of the shipment header: moves when the tracking number is added after posting."""

    def shipped(self) -> dict[str, Decimal]:
        """Quantity shipped per item number, Undo Shipment's corrections netted (they carry the item number, not the
        order line's number), items that ship nothing left out."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.item_number] = totals.get(line.item_number, Decimal(0)) + line.quantity
        return {item: quantity for item, quantity in totals.items() if quantity != 0}


def tracking_key(tracking_number: str) -> str:
    """A tracking number as Koppel compares it: without spaces, in capitals (BC keeps what a person typed; carriers
    print numbers in groups)."""
    return "".join(tracking_number.split()).upper()


class CarrierPhase(StrEnum):
    """Where a parcel is, as Koppel tells the customer; the carrier's own status id and words are kept beside."""

    ANNOUNCED = "announced"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    """Unable to deliver, returned to sender, address invalid, lost, announcement failed: a person looks."""
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class CarrierEvent(Frozen):
    """One status change of one parcel, as the carrier platform (Sendcloud) reported it."""

    platform: str
    """The carrier platform: `sendcloud`."""
    account: str
    """Koppel's name for the platform account (the webhook URL's last part)."""
    parcel_id: str
    status_id: int
    status_message: str
    """The platform's words, verbatim: shown to a person when the phase is an exception."""
    phase: CarrierPhase
    happened_at: datetime
    tracking_number: str = ""
    tracking_url: str = ""
    carrier: str = ""
    order_number: str = ""
    """The order number the platform has on the parcel (a shop's order number, or BC's: which one depends on how
    the platform gets its orders)."""
    expected_delivery: date | None = None


class ShopTelling(StrEnum):
    """What became of telling the order's shop of a carrier event (domain/shipments/push_carrier_events.py)."""

    PENDING = "pending"
    """Not settled yet: told once matched to an order, its shop takes carrier events and the fulfillment exists."""
    TOLD = "told"
    REFUSED = "refused"
    """The shop refused it in `shop_words`: not sent again."""
    PASSED = "passed"
    """Nothing to tell, `shop_words` says why (no shop status for it, no shop that takes carrier events, older than
    an event told, ...)."""


class RecordedCarrierEvent(Frozen):
    """A carrier event as Koppel keeps it: under the delivery that brought it, with the web order it was matched to."""

    event_id: str
    """Koppel's id of the webhook delivery in the event log (one event per delivery, duplicates stored once)."""
    event: CarrierEvent
    order: WebOrderKey | None = None
    """The web order the parcel belongs to; None while Koppel cannot tell (the event is then listed for a person)."""
    shop_telling: ShopTelling = ShopTelling.PENDING
    shop_words: str = ""
    """The shop's refusal, or why nothing was told ("" when told or pending)."""

    def matched(self, order: WebOrderKey) -> RecordedCarrierEvent:
        return self._changed(order=order)

    @property
    def to_tell(self) -> bool:
        """Matched to an order and not settled: the shop push looks at it."""
        return self.order is not None and self.shop_telling is ShopTelling.PENDING

    def told(self) -> RecordedCarrierEvent:
        return self._changed(shop_telling=ShopTelling.TOLD, shop_words="")

    def refused(self, words: str) -> RecordedCarrierEvent:
        return self._changed(shop_telling=ShopTelling.REFUSED, shop_words=words)

    def passed(self, why: str) -> RecordedCarrierEvent:
        return self._changed(shop_telling=ShopTelling.PASSED, shop_words=why)
