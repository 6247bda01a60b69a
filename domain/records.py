"""What Koppel stores about each webhook delivery and each web order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.models import BcSalesOrder, Frozen, OrderStatus, WebOrderKey
from domain.orders.rules.controls import ControlResult


class EventStatus(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    IGNORED = "ignored"
    PARKED = "parked"
    FAILED = "failed"


class WebhookEvent(BaseModel):
    """One accepted delivery. Its raw body is kept with it: in the event row when small, else in blob storage
    under `blob_name`."""

    model_config = ConfigDict(frozen=True)

    order_key: WebOrderKey
    event_id: str
    topic: str
    dedup_key: str
    blob_name: str
    received_at: datetime
    status: EventStatus = EventStatus.RECEIVED
    note: str = ""


class OrderMessage(BaseModel):
    """The body of a message on the `orders` queue."""

    model_config = ConfigDict(frozen=True)

    order_key: WebOrderKey
    event_id: str
    body: str | None = None
    """The raw body when it travels along (small UTF-8 text): the worker need not read it back from the event log."""
    recheck: bool = False
    """Run the controls and the release gate again for a version already in BC (a payment came in)."""


class OrderRecord(BaseModel):
    """Koppel's record of one web order and its BC document."""

    key: WebOrderKey
    status: OrderStatus = OrderStatus.RECEIVED
    web_number: str = ""
    web_status: str = ""
    web_modified_at: datetime | None = None
    web_total: Decimal | None = None
    web_currency: str = ""
    line_count: int = 0
    latest_event_id: str = ""
    bc: BcSalesOrder | None = None
    bc_version: datetime | None = None
    bc_fingerprint: str = ""
    """The document's lines as Koppel last wrote them, to notice a person's edits in BC."""
    """The web order version (its modification time) the BC document says."""
    bc_customer_number: str = ""
    invoices: list[BcInvoice] = []
    """The posted sales invoices of the order, as BC last showed them (oldest first)."""
    credit_memos: list[BcCreditMemo] = []
    """The posted sales credit memos of the order (returns, refunds), as BC last showed them (oldest first)."""
    totals_agree: bool | None = None
    controls: list[ControlResult] = []
    release: str = ""
    problem: str = ""
    last_error: str = ""
    attempts: int = 0
    claim_owner: str = ""
    claim_expires_at: datetime | None = None
    updated_at: datetime | None = None


class AttentionItem(BaseModel):
    """An order a person has to look at: parked with a reason, or given up after retries."""

    model_config = ConfigDict(frozen=True)

    key: WebOrderKey
    status: OrderStatus
    problem: str
    web_number: str
    since: datetime


class SyncRun(Frozen):
    """The summary of one run, as the log and `GET /api/ops/sync/{name}` show it."""

    name: str
    started_at: datetime
    finished_at: datetime
    full: bool = True
    """Every item read, not only those that may have changed since the last run."""
    read: int
    changed: int
    pushed: int
    failed: int
    completed: bool
    """False when the run stopped early (the channel or BC unavailable); the next run goes on from there."""
    problems: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()
