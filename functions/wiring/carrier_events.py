"""The carrier events' wiring: Sendcloud's intake into the `carrier-events` queue, the table the events are recorded
in, and the worker that records and matches each one."""

from __future__ import annotations

from domain.intake.ingest_webhook import Intake
from domain.shipments.carrier_events import CarrierEventWork
from functions.wiring.adapters import Adapters
from integrations.storage.account import CARRIER_EVENTS_QUEUE
from integrations.storage.carrier_events import TableCarrierEvents
from integrations.storage.work_queue import StorageWorkQueue


def carrier_intake(adapters: Adapters) -> Intake:
    """Intake into the event log, queueing to `carrier-events`."""
    return Intake(
        events=adapters.events, queue=StorageWorkQueue(adapters.account, CARRIER_EVENTS_QUEUE), clock=adapters.clock
    )


def carrier_event_work(adapters: Adapters, carrier_events: TableCarrierEvents) -> CarrierEventWork:
    return CarrierEventWork(
        events=adapters.events,
        carrier_events=carrier_events,
        orders=adapters.orders,
        tracking=adapters.shipments,
        attention=adapters.attention,
        clock=adapters.clock,
    )
