"""The ports every feature shares: the clock, the event log, the work queues, the orders table, the sync
state and the runs' summaries. Each feature's own ports are in its folder (domain/<feature>/ports.py); integrations/
implements them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Protocol

from domain.models import StreamKey, WebOrderKey
from domain.records import EventStatus, OrderRecord, StreamMessage, SyncRun, WebhookEvent


class Clock(Protocol):
    def now(self) -> datetime: ...


class EventLog(Protocol):
    def add(self, event: WebhookEvent, body: bytes) -> bool:
        """Store the event with its raw body; False if an event with this id was already there (a duplicate)."""
        ...

    def get(self, stream: StreamKey, event_id: str) -> WebhookEvent | None: ...

    def body(self, stream: StreamKey, event_id: str) -> bytes | None:
        """The raw body the event was received with; None if there is no such event."""
        ...

    def mark(self, stream: StreamKey, event_id: str, status: EventStatus, note: str = "") -> None: ...

    def for_stream(self, stream: StreamKey) -> list[WebhookEvent]: ...

    def needing_a_person(self, sources: Collection[str]) -> list[WebhookEvent]:
        """The events of these sources (payment providers) parked or failed: kept for a person, without bodies."""
        ...


class WorkQueue(Protocol):
    """One of the queues events wait on to be worked off (`orders`, `payments`, `bc-notifications`)."""

    def send(self, message: StreamMessage, delay: timedelta | None = None) -> None:
        """Enqueue; with a delay the message becomes visible only after it."""
        ...


class OrderStore(Protocol):
    def get(self, key: WebOrderKey) -> tuple[OrderRecord, str] | None:
        """The record and its ETag, or None."""
        ...

    def create(self, record: OrderRecord) -> str:
        """Insert a new record and return its ETag; ConcurrencyConflict if it already exists."""
        ...

    def replace(self, record: OrderRecord, etag: str) -> str:
        """Overwrite the record if its ETag still matches; ConcurrencyConflict otherwise."""
        ...

    def claim_document(self, external_document_number: str, key: WebOrderKey) -> WebOrderKey:
        """Claim the BC document number for the web order, before its document is created, with an insert that
        fails when the number is claimed already: returns the web order that holds it (`key` when the claim is new
        or was its own)."""
        ...

    def release_document(self, external_document_number: str, key: WebOrderKey) -> None:
        """Give the number up, if `key` holds it (its BC document was deleted with the web order)."""
        ...

    def key_for_document(self, external_document_number: str) -> WebOrderKey | None:
        """The web order that holds this externalDocumentNumber (claimed before its BC document was created; filed
        as well whenever a record names its BC document)."""
        ...

    def file_invoice(self, invoice_id: str, key: WebOrderKey) -> None:
        """Remember that the BC invoice with this id belongs to the web order (for credit memos that name only the
        invoice they are applied to)."""
        ...

    def key_for_invoice(self, invoice_id: str) -> WebOrderKey | None:
        """The web order an invoice filed with `file_invoice` belongs to."""
        ...


class SyncState(Protocol):
    """Watermarks of the timed jobs, per job and scope."""

    def get(self, job: str, scope: str) -> str | None: ...

    def put(self, job: str, scope: str, value: str) -> None: ...


class SyncRuns(Protocol):
    def record(self, run: SyncRun) -> None: ...

    def latest(self, name: str, count: int) -> list[SyncRun]:
        """The newest runs of that name first."""
        ...
