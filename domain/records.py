"""What Koppel stores about each webhook delivery and each web order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.models import BcSalesOrder, Frozen, Order, OrderStatus, StreamKey, WebOrderKey
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

    stream: StreamKey
    event_id: str
    topic: str
    dedup_key: str
    blob_name: str
    received_at: datetime
    status: EventStatus = EventStatus.RECEIVED
    note: str = ""


class StreamMessage(BaseModel):
    """The body of a message on a work queue (`orders`, `payments`, `bc-notifications`): an event to work off.
    Queued as JSON under the names it had when only orders were queued (`order_key`)."""

    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    stream: StreamKey = Field(alias="order_key")
    event_id: str
    body: str | None = None
    """The raw body when it travels along (small UTF-8 text): the worker need not read it back from the event log."""
    recheck: bool = False
    """Run the controls and the release gate again for a version already in BC (a payment came in)."""
    refund_id: str | None = Field(default=None, exclude_if=lambda value: value is None)
    """Set when the event is a refund the shop reported on its own (Shopify's `refunds/create`), not an order
    version: the shop's id of the refund, for the order worker to note, the order left alone. Intake sets it, where
    the topic is known; every copy carries it, with or without the body. Left out of the JSON when None, so an order
    version's message reads as it always did."""

    def without_body(self) -> StreamMessage:
        """The same message with no body along: a copy queued again reads the body from the event log."""
        return self.model_copy(update={"body": None})


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
    """The web order version (its modification time) the BC document says."""
    bc_fingerprint: str = ""
    """The document's lines as Koppel last wrote them, to notice a person's edits in BC."""
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

    # The order worker's state changes: each returns a changed copy, stamped `at`.

    def claimed(self, order: Order, event_id: str, *, owner: str, until: datetime, at: datetime) -> OrderRecord:
        """Taken by worker `owner` until `until` to import this version of the web order (one more attempt)."""
        changed = self._received(order, event_id, at)
        changed.status = OrderStatus.IMPORTING
        changed.claim_owner = owner
        changed.claim_expires_at = until
        changed.attempts = self.attempts + 1
        return changed

    def claim_renewed(self, until: datetime, at: datetime) -> OrderRecord:
        """The claim kept until `until`, right before a write to BC."""
        changed = self._stamped(at)
        changed.claim_expires_at = until
        return changed

    def not_imported(self, order: Order, event_id: str, at: datetime) -> OrderRecord:
        """This version of the web order is received and not for BC (its status, or nothing to sell)."""
        changed = self._received(order, event_id, at)
        changed.status = OrderStatus.NOT_IMPORTED
        changed.problem = ""
        return changed

    def imported(
        self,
        document: BcSalesOrder,
        *,
        version: datetime,
        controls: list[ControlResult],
        totals_agree: bool,
        release: str,
        problem: str,
        at: datetime,
    ) -> OrderRecord:
        """In BC as `document`, which says web order version `version`; the claim let go."""
        changed = self._unclaimed(at)
        changed.status = OrderStatus.IN_BC
        changed.bc = document
        changed.bc_fingerprint = document.fingerprint()
        changed.bc_version = version
        changed.bc_customer_number = document.customer_number
        changed.totals_agree = totals_agree
        changed.controls = controls
        changed.release = release
        changed.problem = problem
        changed.last_error = ""
        return changed

    def cancelled(self, document: BcSalesOrder | None, *, version: datetime, at: datetime) -> OrderRecord:
        """Cancelled in the shop at web order version `version`; `document` is the BC order it keeps (None: its
        document number is given up); the claim let go."""
        changed = self._unclaimed(at)
        changed.status = OrderStatus.CANCELLED
        changed.bc = document
        changed.bc_version = version
        changed.release = ""
        changed.problem = ""
        return changed

    def awaiting_invoice(self, why: str, at: datetime) -> OrderRecord:
        """BC's order is gone and no invoice of it is filed yet: in BC still, `why` said, the claim let go so the
        version is looked at again."""
        changed = self._unclaimed(at)
        changed.status = OrderStatus.IN_BC
        changed.problem = why
        return changed

    def seen_after_invoicing(self, version: datetime, at: datetime) -> OrderRecord:
        """Web order version `version` seen after BC invoiced the order in full: nothing to change in BC; the claim
        let go."""
        changed = self._unclaimed(at)
        changed.status = OrderStatus.IN_BC
        changed.bc_version = version
        changed.problem = ""
        return changed

    def parked(self, problem: str, at: datetime) -> OrderRecord:
        """Before a person, for `problem`; the claim let go."""
        return _for_a_person(self._unclaimed(at), OrderStatus.NEEDS_ATTENTION, problem)

    def unreadable(self, problem: str, at: datetime) -> OrderRecord:
        """Before a person: the version received cannot be read (`problem`). A claim on the record stays: it may be
        another worker's."""
        return _for_a_person(self._stamped(at), OrderStatus.NEEDS_ATTENTION, problem)

    def failed(self, problem: str, at: datetime) -> OrderRecord:
        """Given up on after retries, for `problem`: before a person; the claim let go."""
        return _for_a_person(self._unclaimed(at), OrderStatus.FAILED, problem)

    def retrying(self, error: str, at: datetime) -> OrderRecord:
        """Tried and failed with `error`, to be retried: the claim let go, so a copy of the message may go on."""
        changed = self._unclaimed(at)
        changed.problem = f"Retrying after: {error}"
        changed.last_error = error
        return changed

    def noted(self, problem: str, at: datetime) -> OrderRecord:
        """`problem` said, nothing else changed (the claim is kept)."""
        changed = self._stamped(at)
        changed.problem = problem
        return changed

    # The booking run's and BC notifications' filing of BC documents (not stamped: not the order worker's change).

    def with_invoices(self, invoices: list[BcInvoice]) -> OrderRecord:
        """Its BC sales invoices as filed now."""
        changed = self.model_copy()
        changed.invoices = invoices
        return changed

    def with_credit_memos(self, credit_memos: list[BcCreditMemo]) -> OrderRecord:
        """Its BC sales credit memos as filed now."""
        changed = self.model_copy()
        changed.credit_memos = credit_memos
        return changed

    def _stamped(self, at: datetime) -> OrderRecord:
        changed = self.model_copy()
        changed.updated_at = at
        return changed

    def _unclaimed(self, at: datetime) -> OrderRecord:
        changed = self._stamped(at)
        changed.claim_owner = ""
        return changed

    def _received(self, order: Order, event_id: str, at: datetime) -> OrderRecord:
        """Stamped with what the web order version says of itself and the event it came in."""
        changed = self._stamped(at)
        changed.web_number = order.number
        changed.web_status = order.status
        changed.web_modified_at = order.modified_at
        changed.web_total = order.total
        changed.web_currency = order.currency
        changed.line_count = len(order.lines)
        changed.latest_event_id = event_id
        return changed


def _for_a_person(changed: OrderRecord, status: OrderStatus, problem: str) -> OrderRecord:
    """`changed`, a fresh copy, put before a person."""
    changed.status = status
    changed.problem = problem
    return changed


class AttentionItem(BaseModel):
    """An order a person has to look at: parked with a reason, or given up after retries."""

    model_config = ConfigDict(frozen=True)

    key: WebOrderKey
    status: OrderStatus
    problem: str
    web_number: str
    since: datetime

    @classmethod
    def of(cls, record: OrderRecord, since: datetime) -> AttentionItem:
        """The order `record` as the attention list shows it, there since `since`."""
        return cls(
            key=record.key, status=record.status, problem=record.problem, web_number=record.web_number, since=since
        )


class CountNames(Frozen):
    """What a kind of run counts in the four places every run's summary keeps its counts: `read`, `changed`,
    `pushed`, `failed` (what the catalog push, the first run, counts), under which summaries are stored and answered
    whatever they count. Each kind's names are declared in domain/runs.py."""

    read: str = "read"
    changed: str = "changed"
    pushed: str = "pushed"
    failed: str = "failed"


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
    count_names: CountNames = Field(default=CountNames(), exclude=True)
    """What `read`, `changed`, `pushed` and `failed` count for this run; not part of the summary's JSON (stored
    beside it)."""
    completed: bool
    """False when the run stopped early (the channel or BC unavailable); the next run goes on from there."""
    problems: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def counts(self) -> dict[str, int]:
        """The four counts under the names that say what they count for this run (`{"invoices filed": 2, ...}`)."""
        names = self.count_names
        return {
            names.read: self.read,
            names.changed: self.changed,
            names.pushed: self.pushed,
            names.failed: self.failed,
        }
