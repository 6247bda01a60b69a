"""How far a web order has come, as one ladder for every channel, and what a parcel's carrier phase means on it.

Tables only: the order status model (order_status.py) reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from domain.shipments.models import CarrierEvent, CarrierPhase


class Progress(StrEnum):
    """The steps of a web order, in the order it takes them (EXCEPTION is the other way it can end)."""

    RECEIVED = "received"
    """Koppel has the web order; BC has no document for it (yet, or it is not for BC)."""
    IN_BC = "in_bc"
    """BC has its sales order; not released by Koppel."""
    RELEASED = "released"
    """Koppel released the BC order: every control passed, it may be picked and shipped."""
    PARTLY_SHIPPED = "partly_shipped"
    """BC posted shipments that ship less than the order's item lines ask for."""
    SHIPPED = "shipped"
    """Everything shipped (or the carrier has the parcels), and not every parcel is further on."""
    OUT_FOR_DELIVERY = "out_for_delivery"
    """Every parcel is out for delivery or delivered, at least one still out."""
    DELIVERED = "delivered"
    """Everything shipped and every parcel delivered."""
    EXCEPTION = "exception"
    """A parcel cannot be delivered (returned to sender, address invalid, lost, ...): a person looks."""


LADDER: tuple[Progress, ...] = tuple(Progress)[:-1]
"""The steps in their order; EXCEPTION is beside the ladder, not on it."""

PARCEL_STEP: Mapping[CarrierPhase, Progress] = {
    CarrierPhase.ANNOUNCED: Progress.SHIPPED,
    CarrierPhase.IN_TRANSIT: Progress.SHIPPED,
    CarrierPhase.OUT_FOR_DELIVERY: Progress.OUT_FOR_DELIVERY,
    CarrierPhase.DELIVERED: Progress.DELIVERED,
    CarrierPhase.EXCEPTION: Progress.EXCEPTION,
    # a cancelled label or an unknown status says nothing of the goods: they count as shipped, not further
    CarrierPhase.CANCELLED: Progress.SHIPPED,
    CarrierPhase.UNKNOWN: Progress.SHIPPED,
}
"""Where a parcel's latest phase puts the goods in it; a shipment no carrier event names yet is SHIPPED."""


def least_advanced(steps: list[Progress]) -> Progress:
    """The order's carrier step over its parcels' steps: EXCEPTION when any is, else the one least far on (all
    delivered: DELIVERED); SHIPPED for none."""
    if Progress.EXCEPTION in steps:
        return Progress.EXCEPTION
    return min(steps, key=LADDER.index, default=Progress.SHIPPED)


def as_happened(event: CarrierEvent) -> tuple[datetime, int]:
    """The order a parcel's events happened in: by the carrier's time; of two at the same moment, the one further on
    (its step on the ladder; an exception last), as a carrier does not take a parcel back a step within a moment."""
    return (event.happened_at, tuple(Progress).index(PARCEL_STEP[event.phase]))
