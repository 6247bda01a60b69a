"""An order's status read from what Koppel recorded of it: the order status model (order_status.py) fed from the
stores, for `GET /api/orders/{source}/{shop}/{orderId}/status` and the dossier."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.models import WebOrderKey
from domain.payments.ports import PaymentStore
from domain.payments.record import PaymentRecord
from domain.ports import EventLog, OrderStore
from domain.records import OrderRecord
from domain.refunds.portal_returns import ReturnRequests
from domain.refunds.return_request import ReturnRequest
from domain.shipments.models import RecordedCarrierEvent
from domain.shipments.order_status import OrderStatusView, status_of
from domain.shipments.ports import CarrierEvents, ShipmentStore
from domain.shipments.recorded import RecordedShipment


@dataclass(frozen=True)
class StatusRecords:
    """Where an order's status is read from."""

    orders: OrderStore
    events: EventLog
    """Only read for an order without a record: its webhooks taken in, the worker not yet done."""
    shipments: ShipmentStore
    carrier_events: CarrierEvents
    payments: PaymentStore
    returns: ReturnRequests | None = None
    """The portal's return requests; None where they are not kept."""


def known_record(orders: OrderStore, events: EventLog, key: WebOrderKey) -> OrderRecord | None:
    """The order's record; a blank one (received) when Koppel has only taken its webhooks in; None when Koppel never
    heard of the order."""
    found = orders.get(key)
    if found is not None:
        return found[0]
    return OrderRecord(key=key) if events.for_stream(key.stream) else None


def recorded_status(
    record: OrderRecord,
    shipments: Iterable[RecordedShipment],
    carrier_events: Iterable[RecordedCarrierEvent],
    payments: Iterable[PaymentRecord],
    returns: Iterable[ReturnRequest] = (),
) -> OrderStatusView:
    """The status of the order `record` from what is recorded of it: each shipment as BC last had it, every carrier
    event matched to it, the payments filed under it, the returns asked of it."""
    return status_of(
        record,
        shipments=[recorded.shipment for recorded in shipments],
        events=[recorded.event for recorded in carrier_events],
        payments=[recorded.payment for recorded in payments],
        returns=returns,
    )


def order_status(records: StatusRecords, key: WebOrderKey) -> OrderStatusView | None:
    """The order's status; None when Koppel never heard of the order."""
    record = known_record(records.orders, records.events, key)
    if record is None:
        return None
    return recorded_status(
        record,
        records.shipments.for_order(key),
        records.carrier_events.for_order(key),
        records.payments.for_order(key),
        records.returns.for_order(key) if records.returns else (),
    )
