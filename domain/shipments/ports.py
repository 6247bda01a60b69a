"""What tracking shipments needs of BC, and where Koppel keeps what it recorded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol

from domain.models import Frozen, WebOrderKey
from domain.shipments.models import CarrierEvent, RecordedCarrierEvent, Shipment
from domain.shipments.recorded import RecordedShipment, ShipmentChange, UnmatchedShipment
from domain.shipments.shop_event_status import ShopEventStatus


class PostedShipments(Protocol):
    """BC's posted sales shipments, with the tracking fields BC keeps outside API v2.0 (Koppel's AL page)."""

    def changed_since(self, since: datetime | None) -> Iterable[Shipment]:
        """Every shipment BC stamped after `since` (all of them when None), oldest change first: new shipments and
        shipments whose tracking number, shipping agent or service was changed after posting."""
        ...


class ShipmentStore(Protocol):
    """The shipments recorded per web order (each with its versions); the shipments whose shop is still to be told
    of them; and those listed for a person. (Its adapter also finds them by tracking number: ShipmentsByTracking.)"""

    def get(self, key: WebOrderKey, number: str) -> tuple[RecordedShipment, str] | None:
        """The web order's shipment with this BC number, and its ETag; None when none is recorded."""
        ...

    def write(self, recorded: RecordedShipment, etag: str | None) -> str:
        """Store it if the stored one still has this ETag (None: if none is stored yet) and return its new ETag;
        ConcurrencyConflict otherwise. While it is to push it is among `to_push`, from before it is stored."""
        ...

    def write_trying(self, tried: RecordedShipment, etag: str) -> str:
        """Store `tried` (RecordedShipment.trying: only its `tried_version` differs from the stored one) on its ETag
        and return the new ETag; ConcurrencyConflict otherwise. Nothing that finds it changes."""
        ...

    def for_order(self, key: WebOrderKey) -> list[RecordedShipment]:
        """The web order's shipments, by posting date and number."""
        ...

    def to_push(self) -> Iterator[tuple[RecordedShipment, str]]:
        """Every shipment with a version its shop has not taken yet, with its ETag (to write `pushed` on)."""
        ...

    def list_unmatched(self, unmatched: UnmatchedShipment) -> None:
        """Keep the shipment for a person (a newer state of it replaces the one listed)."""
        ...

    def unmatched(self) -> list[UnmatchedShipment]: ...

    def unlist(self, number: str) -> None:
        """The shipment is no longer for a person (it found its web order, or is not a web order's)."""
        ...


class ShipmentsByTracking(Protocol):
    """The web order a package tracking number was shipped for, as Koppel recorded BC's shipments."""

    def order_for(self, tracking_number: str) -> WebOrderKey | None:
        """The web order of the shipment with this tracking number; None when Koppel knows no such shipment."""
        ...


class CarrierEvents(Protocol):
    """Every carrier event Koppel recorded, per parcel and per web order, each once however often it arrived."""

    def record(self, recorded: RecordedCarrierEvent) -> None:
        """Store the event under its parcel (and its web order, when matched); storing it again changes nothing
        but the match."""
        ...

    def for_parcel(self, platform: str, account: str, parcel_id: str) -> list[RecordedCarrierEvent]:
        """The parcel's events, in the order they happened (not the order they arrived)."""
        ...

    def for_order(self, key: WebOrderKey) -> list[RecordedCarrierEvent]:
        """The events of every parcel matched to the web order, in the order they happened."""
        ...


class ShipmentNotice(Frozen):
    """What a shop is told of one shipment of one of its web orders, at one recorded version."""

    key: WebOrderKey
    """The web order: its source is the shop's channel, its subject the shop's order id."""
    shipment: Shipment
    version: int
    changes: frozenset[ShipmentChange]
    """What the shop has not been told yet: POSTED when it does not know the shipment at all."""
    order_fully_shipped: bool
    """Every item of the web order's BC order is shipped, this shipment included (domain/shipments/order_status.py)."""
    told_alike: int = 0
    """How many other shipments of the order the shop took that ship exactly these items, none with a tracking number:
    a shop that tells shipments apart by nothing else (Shopify) holds one more such fulfillment once this one is in."""
    may_be_told: bool = True
    """The shop may hold some of this notice already: it was sent before and its answer was lost (or never
    recorded). False only when Koppel knows it never sent it: the adapter may then leave out the look-ups that keep a
    notice sent again from doubling anything (the guards that say whether to write at all stay)."""


class ShopShipments(Protocol):
    """A shop channel's side of telling a shop of shipments (Shopify: fulfillments; WooCommerce: the order's status,
    notes and tracking). Idempotent per notice: a notice sent again after a lost answer changes nothing twice (the
    adapter looks at what the shop has before it creates)."""

    def tell(self, notice: ShipmentNotice) -> str:
        """Tell the shop. "" when the shop took it; else the shop's own words refusing it (it is not sent again: a
        person looks). RetryableError when the shop could not be reached or asked to wait: the next run sends it."""
        ...

    def prepare(self, orders: Sequence[WebOrderKey]) -> None:
        """These orders' notices come next: read what `tell` needs of them in as few calls as the shop allows, to use
        when they are told (once each: what the adapter wrote since is not in it). A speed-up only: `tell` works
        without it, and a RetryableError from it is passed by (each `tell` then reads for itself)."""
        ...


class CarrierEventsToTell(Protocol):
    """The recorded carrier events whose shop is still to be told of them (integrations/storage/carrier_events.py).
    Storing an event again (CarrierEvents.record) keeps what `settle` wrote."""

    def to_tell(self) -> Iterator[RecordedCarrierEvent]:
        """Every event matched to an order and not settled (`to_tell`), in no particular order."""
        ...

    def for_parcel(self, platform: str, account: str, parcel_id: str) -> list[RecordedCarrierEvent]: ...

    def settle(self, recorded: RecordedCarrierEvent) -> None:
        """Keep its `shop_telling` and `shop_words`; once settled it is no longer among `to_tell`."""
        ...


class CarrierEventNotice(Frozen):
    """What a shop is told of one carrier event of one of its web orders."""

    key: WebOrderKey
    event: CarrierEvent
    status: ShopEventStatus


class ShopCarrierEvents(Protocol):
    """A shop channel's side of telling a shop of carrier events (Shopify: fulfillment events on the fulfillment
    carrying the parcel's tracking number). Idempotent per notice: one sent again after a lost answer is not
    doubled (the adapter looks at the events the shop has first)."""

    def tell(self, notice: CarrierEventNotice) -> str:
        """Tell the shop. "" when the shop took it; else the shop's own words refusing it (not sent again).
        RetryableError when the shop could not be reached or asked to wait: the next run sends it."""
        ...
