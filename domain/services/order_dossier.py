"""One web order in one look-up: the order, its BC document, its events and any problem."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.models import BcSalesOrder, OrderStatus, WebOrderKey
from domain.ports import EventLog, OrderStore
from domain.records import EventStatus, OrderRecord
from domain.rules.controls import ControlResult


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class WebOrderSummary(_View):
    number: str
    status: str
    modified_at: datetime | None
    total: Decimal | None
    currency: str
    line_count: int


class DossierEvent(_View):
    event_id: str
    topic: str
    received_at: datetime
    status: EventStatus
    note: str


class Dossier(_View):
    key: str
    status: OrderStatus
    web_order: WebOrderSummary
    bc_document: BcSalesOrder | None
    bc_customer_number: str
    totals_agree: bool | None
    controls: list[ControlResult]
    release: str
    problem: str
    attempts: int
    updated_at: datetime | None
    events: list[DossierEvent]


def order_dossier(orders: OrderStore, events: EventLog, key: WebOrderKey) -> Dossier | None:
    """None when Koppel has never heard of the order."""
    found = orders.get(key)
    logged = sorted(events.for_order(key), key=lambda event: event.received_at)
    if found is None and not logged:
        return None
    timeline = [
        DossierEvent(event_id=e.event_id, topic=e.topic, received_at=e.received_at, status=e.status, note=e.note)
        for e in logged
    ]
    record = found[0] if found else OrderRecord(key=key)
    return Dossier(
        key=str(key),
        status=record.status,
        web_order=WebOrderSummary(
            number=record.web_number,
            status=record.web_status,
            modified_at=record.web_modified_at,
            total=record.web_total,
            currency=record.web_currency,
            line_count=record.line_count,
        ),
        bc_document=record.bc,
        bc_customer_number=record.bc_customer_number,
        totals_agree=record.totals_agree,
        controls=record.controls,
        release=record.release,
        problem=record.problem,
        attempts=record.attempts,
        updated_at=record.updated_at,
        events=timeline,
    )
