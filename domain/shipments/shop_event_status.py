"""Which carrier events a shop is told of, and as what: Shopify's FulfillmentEventStatus per carrier phase, with the
platform's status id deciding where the phase is too coarse. The one table of it (Shopify is the only shop channel
with carrier events of its own; the Admin API's stable values, shopify.dev admin-graphql enums/FulfillmentEventStatus).

Not told: ANNOUNCED (the fulfillment itself says the parcel is on its way to be sent), CANCELLED and UNKNOWN (Shopify
has no status for them), and the sender-side exceptions (Sendcloud 15 "Error collecting", 1002 "Announcement
failed": a person deals with them from the attention list; the customer's parcel has not failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from domain.shipments import sendcloud
from domain.shipments.models import CarrierEvent, CarrierPhase


class ShopEventStatus(StrEnum):
    """The FulfillmentEventStatus values Koppel sends (CARRIER_PICKED_UP is in Admin API versions from 2025-10)."""

    CARRIER_PICKED_UP = "CARRIER_PICKED_UP"
    IN_TRANSIT = "IN_TRANSIT"
    DELAYED = "DELAYED"
    ATTEMPTED_DELIVERY = "ATTEMPTED_DELIVERY"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    FAILURE = "FAILURE"


PHASE_STATUSES: Mapping[CarrierPhase, ShopEventStatus] = {
    CarrierPhase.IN_TRANSIT: ShopEventStatus.IN_TRANSIT,
    CarrierPhase.OUT_FOR_DELIVERY: ShopEventStatus.OUT_FOR_DELIVERY,
    CarrierPhase.DELIVERED: ShopEventStatus.DELIVERED,
    CarrierPhase.EXCEPTION: ShopEventStatus.FAILURE,
}
"""A phase's status; a phase not here is not told."""
STATUS_ID_STATUSES: Mapping[tuple[str, int], ShopEventStatus | None] = {
    (sendcloud.PLATFORM, 4): ShopEventStatus.DELAYED,  # Delivery delayed
    (sendcloud.PLATFORM, 8): ShopEventStatus.ATTEMPTED_DELIVERY,  # Delivery attempt failed
    (sendcloud.PLATFORM, 12): ShopEventStatus.READY_FOR_PICKUP,  # Awaiting customer pickup
    (sendcloud.PLATFORM, 22): ShopEventStatus.CARRIER_PICKED_UP,  # Shipment picked up by driver
    (sendcloud.PLATFORM, 15): None,  # Error collecting: the sender's side
    (sendcloud.PLATFORM, 1002): None,  # Announcement failed: the sender's side
}
"""(platform, status id) -> the status, before the phase's (None: not told)."""


def shop_status(event: CarrierEvent) -> ShopEventStatus | None:
    """The status the shop is told the event as; None when it is not told."""
    by_id = (event.platform, event.status_id)
    if by_id in STATUS_ID_STATUSES:
        return STATUS_ID_STATUSES[by_id]
    return PHASE_STATUSES.get(event.phase)
