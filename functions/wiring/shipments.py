"""The shipments' wiring: the shipment poll, which records BC's posted shipments on their web orders."""

from __future__ import annotations

from domain.shipments.track_shipments import ShipmentTracking
from functions.wiring import log
from functions.wiring.adapters import Adapters
from integrations.businesscentral.shipments import BusinessCentralShipments


def shipment_tracking(adapters: Adapters) -> ShipmentTracking:
    """The shipment poll, with the tracking fields of Koppel's shipment page when it is published (said once when
    it is not)."""
    shipping_url = adapters.config.bc_shipping_url
    if shipping_url is None:
        log.info("BC's shipments are recorded without tracking numbers: KOPPEL_BC_SHIPPING_API is not set")
    return ShipmentTracking(
        posted=BusinessCentralShipments(adapters.bc, shipping_url),
        orders=adapters.orders,
        shipments=adapters.shipments,
        state=adapters.sync_state,
        runs=adapters.sync_runs,
        clock=adapters.clock,
    )
