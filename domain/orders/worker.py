"""What the order worker works with (its ports and its policy), and the order record as it holds it: read with its
ETag, each change written on that ETag, the attention list kept in step."""

from __future__ import annotations

from dataclasses import dataclass

from domain.etag_writes import Versioned, write_on_etag
from domain.intake.ingest_webhook import Intake
from domain.models import WebOrderKey
from domain.orders.attention import keep_in_step
from domain.orders.import_policy import ImportPolicy
from domain.orders.ports import AttentionList, BusinessCentral, CustomerBindings, PriceLists
from domain.payments.ports import PaymentStore, UnpaidOrders
from domain.ports import Clock, EventLog, OrderStore, WorkQueue
from domain.records import OrderRecord, StreamMessage
from domain.refunds.shop_refund_notes import RefundNotes


@dataclass(frozen=True)
class OrderSync:
    events: EventLog
    orders: OrderStore
    attention: AttentionList
    queue: WorkQueue
    bc: BusinessCentral
    customers: CustomerBindings
    clock: Clock
    policy: ImportPolicy
    prices: PriceLists | None = None
    """None when BC's price lists are not published as web services: prices are checked against the item cards."""
    payments: PaymentStore | None = None
    """The payments Koppel matched to orders; None where no payment provider is configured."""
    unpaid: UnpaidOrders | None = None
    """Unpaid orders, where payments that name no order look; None where no payment provider is configured."""
    payment_intake: Intake | None = None
    """Queues a provider payment the shop names to the payment worker, which reads it at the provider."""
    refund_notes: RefundNotes | None = None
    """Where the refunds seen on orders are noted to be credited in BC, and the units refunds took off BC's orders
    are read (on every shop: functions/wiring/refunds.py sets it whether or not any shop's refunds are credited)."""


Held = Versioned[OrderRecord]
"""The order record this worker holds, with the ETag of its last write (None while it is not stored yet)."""


def load(sync: OrderSync, message: StreamMessage) -> Held:
    """The order's record, or a new one that its first save creates."""
    key = WebOrderKey.of_stream(message.stream)
    found = sync.orders.get(key)
    if found is not None:
        return Held(*found)
    return Held(OrderRecord(key=key, latest_event_id=message.event_id, updated_at=sync.clock.now()))


def save(sync: OrderSync, held: Held, changed: OrderRecord) -> None:
    """Write `changed` (a change of the held record) if nobody changed the record since this worker read it, or
    create it if it was not stored yet (ConcurrencyConflict otherwise), and keep the attention list in step."""
    before = held.record
    write_on_etag(lambda record, etag: _write(sync.orders, record, etag), held, changed)
    keep_in_step(sync.attention, before, changed, sync.clock.now())


def _write(orders: OrderStore, record: OrderRecord, etag: str | None) -> str:
    return orders.replace(record, etag) if etag else orders.create(record)
