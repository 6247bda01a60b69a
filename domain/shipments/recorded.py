"""A BC shipment as Koppel records it on its web order: versioned, so that the shop is told each shipment once and
each later change of what the customer sees (tracking, shipping agent, quantities) once more."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from domain.models import Frozen, WebOrderKey
from domain.shipments.models import Shipment


class ShipmentChange(StrEnum):
    """What a version of a recorded shipment brought."""

    POSTED = "posted"
    """The shipment itself: BC posted it (the first version)."""
    TRACKING = "tracking"
    """Its package tracking number, tracking link, shipping agent or agent service (page 1350, after posting)."""
    LINES = "lines"
    """The quantities it ships (BC's Undo Shipment adds a line with the negative quantity)."""


class ShipmentRevision(Frozen):
    """One version of a recorded shipment: what it brought and the tracking it had then."""

    version: int
    recorded_at: datetime
    changed_at: datetime
    """BC's lastModifiedDateTime of the shipment at this version."""
    changes: tuple[ShipmentChange, ...]
    tracking_number: str = ""
    shipping_agent: str = ""
    shipping_agent_service: str = ""


class RecordedShipment(Frozen):
    """A posted BC shipment of one web order, as last read, with its versions. The order's shop is pushed to while
    `pushed_version` is below `version` (a web order lives in one channel: its shop is the channel)."""

    key: WebOrderKey
    shipment: Shipment
    version: int
    pushed_version: int = 0
    """The version the order's shop last took or refused (0: the shop has not been told of the shipment)."""
    history: tuple[ShipmentRevision, ...]
    refusal: str = ""
    """The shop's own words refusing version `refused_version` ("" when it never refused one): that version is not
    sent again, a person looks."""
    refused_version: int = 0
    tried_version: int | None = None
    """The last version sent to the shop (0: none yet; None: not known, a shipment recorded before Koppel kept it).
    Above `pushed_version`, the shop's answer to it was lost or not written down: the shop may hold some of it."""

    @property
    def to_push(self) -> bool:
        return self.version > self.pushed_version

    @property
    def may_be_told(self) -> bool:
        """The shop may already hold some of what is to push: it was sent before without its answer written down."""
        return self.tried_version is None or self.tried_version > self.pushed_version

    def trying(self) -> RecordedShipment:
        """About to be sent to the shop at its version."""
        return self._changed(tried_version=self.version)

    def changes_to_push(self) -> frozenset[ShipmentChange]:
        """What the shop has not been told yet: POSTED while it does not know the shipment at all."""
        return frozenset(
            change for revision in self.history if revision.version > self.pushed_version for change in revision.changes
        )

    def pushed(self, version: int) -> RecordedShipment:
        """The shop took this version (a later one may have been recorded meanwhile: it stays to push)."""
        return self._changed(pushed_version=max(self.pushed_version, version))

    def refused(self, version: int, words: str) -> RecordedShipment:
        """The shop refused this version in `words`: it counts as taken, so it is never sent again (a later version
        is; a person looks at this one)."""
        return self._changed(pushed_version=max(self.pushed_version, version), refusal=words, refused_version=version)

    def updated(self, shipment: Shipment, now: datetime) -> RecordedShipment | None:
        """Brought up to BC's state of the shipment as a new version; None when BC's says nothing new to the
        customer (the same, or older than the one recorded)."""
        if shipment.changed_at < self.shipment.changed_at:
            return None
        changes = changes_between(self.shipment, shipment)
        if not changes:
            return None
        version = self.version + 1
        history = (*self.history, _revision(version, shipment, now, changes))
        return self._changed(shipment=shipment, version=version, history=history)


class UnmatchedShipment(Frozen):
    """A shipment of a BC order that carries a web order's number but is not the BC order Koppel made for it (or
    whose web order has no BC order, or no record): kept for a person, and looked at again by every run."""

    shipment: Shipment
    reason: str
    listed_at: datetime


def first_version(key: WebOrderKey, shipment: Shipment, now: datetime) -> RecordedShipment:
    revision = _revision(1, shipment, now, (ShipmentChange.POSTED,))
    return RecordedShipment(key=key, shipment=shipment, version=1, history=(revision,), tried_version=0)


def changes_between(before: Shipment, after: Shipment) -> tuple[ShipmentChange, ...]:
    """What the customer would see differently (BC's own stamps and fields the shops are not told are left out)."""
    changes: list[ShipmentChange] = []
    if _tracking(before) != _tracking(after):
        changes.append(ShipmentChange.TRACKING)
    if before.shipped() != after.shipped():
        changes.append(ShipmentChange.LINES)
    return tuple(changes)


def _tracking(shipment: Shipment) -> tuple[str, str, str, str]:
    return (
        shipment.tracking_number,
        shipment.tracking_url,
        shipment.shipping_agent,
        shipment.shipping_agent_service,
    )


def _revision(version: int, shipment: Shipment, now: datetime, changes: tuple[ShipmentChange, ...]) -> ShipmentRevision:
    return ShipmentRevision(
        version=version,
        recorded_at=now,
        changed_at=shipment.changed_at,
        changes=changes,
        tracking_number=shipment.tracking_number,
        shipping_agent=shipment.shipping_agent,
        shipping_agent_service=shipment.shipping_agent_service,
    )
