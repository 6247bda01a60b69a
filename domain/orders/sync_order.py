"""The order worker's use case: one accepted order event -> exactly one BC salesOrder.

Exactly once rests on four things: an ETag-conditional claim on the order record (renewed right before the
create), a claim on the BC document number in storage (so two web orders that map to one externalDocumentNumber
never both create: BC accepts duplicates), a look-up by externalDocumentNumber before every create, and never sending
a second create while an unanswered one may still land in BC (the claim is kept until its lease runs out; other
copies wait meanwhile). What is fingerprinted and controlled is the document as BC stored it, read back when the
create's answer cannot be all of it.

The parts: claim.py (the claims), create_order.py (the first way into BC), changes_after_import.py (later versions,
cancellations), release_gate.py (controls and release), payment_notes.py (what an order says of its payment),
import_policy.py (which orders and statuses are imported), worker.py (the ports and the record's writes).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from domain.errors import ConcurrencyConflict, PermanentError, RetryableError
from domain.intake.channels import read_order
from domain.models import Order, OrderStatus, WebOrderKey
from domain.orders.changes_after_import import (
    Cancelled,
    InvoicedInFull,
    NoInvoiceFiledYet,
    bring_in_line,
    with_units_taken_off,
)
from domain.orders.claim import claim, claim_is_live, claimed_by_other, give_up_document
from domain.orders.create_order import Imported, UnansweredCreate, create_order
from domain.orders.import_policy import skip_reason
from domain.orders.payment_notes import note_payment_state
from domain.orders.release_gate import controls, release
from domain.orders.worker import Held, OrderSync, load, save
from domain.records import EventStatus, OrderRecord, StreamMessage
from domain.refunds.shop_refund_notes import note_reported_refund, note_shop_refunds

CLAIM_RACE_DELAY = timedelta(seconds=2)
INVOICE_FILED_WITHIN = timedelta(hours=1)
"""How long after the web order's version a BC order found gone may still be waiting for its invoice to be filed
(BC deletes a sales order once it invoices it in full; the booking timer or BC's notification files the invoice)."""
INVOICE_RECHECK = timedelta(minutes=1)


def sync_order(sync: OrderSync, message: StreamMessage, worker: str) -> OrderRecord:
    """Import one web order version. Permanent problems park the order; retryable ones raise.

    `worker` names this delivery of the queue message (its id), so the host's retry of it may take back its claim.
    A refund the shop reported on its own is only noted to be credited: the order's record is returned as it is.
    """
    if message.refund_id is not None:
        note_reported_refund(sync.refund_notes, sync.events, message, sync.clock.now())
        return load(sync, message).record
    held = load(sync, message)
    order = _read(sync, held, message)
    if order is None:
        return held.record
    if not message.recheck:
        note_payment_state(sync, held.record, order)
        if sync.refund_notes is not None:
            note_shop_refunds(sync.refund_notes, order, sync.clock.now())
    if claimed_by_other(sync, held.record, worker):
        return _defer(sync, held, message, "another worker is importing this order")
    skipped = "" if message.recheck and held.record.bc is not None else skip_reason(sync.policy, held.record, order)
    if skipped:
        _note_skipped(sync, held, order, message, skipped)
        return held.record
    try:
        claim(sync, held, order, message, worker)
    except ConcurrencyConflict:
        return _defer(sync, held, message, "the order record changed while claiming it", CLAIM_RACE_DELAY)
    return _import_claimed(sync, held, order, message)


def _import_claimed(sync: OrderSync, held: Held, order: Order, message: StreamMessage) -> OrderRecord:
    """With the claim held: put the order in BC and record the outcome on the order and its event."""
    try:
        order = with_units_taken_off(sync, order)
        imported = bring_in_line(sync, held, order) if held.record.bc is not None else create_order(sync, held, order)
    except (NoInvoiceFiledYet, InvoicedInFull) as gone:
        return _bc_order_gone(sync, held, order, message, gone)
    except PermanentError as error:
        return _parked(sync, held, order, message, error)
    except UnansweredCreate:
        waiting = "BC did not answer the create; waiting to see whether it landed"
        save(sync, held, held.record.noted(waiting, sync.clock.now()))
        return _defer(sync, held, message, "BC did not answer the create; checking again")
    except Exception as error:
        _release_after_failure(sync, held, str(error) or type(error).__name__)
        raise
    if isinstance(imported, Cancelled):
        return _record_cancelled(sync, held, order, message, imported)
    return _record_imported(sync, held, order, message, imported)


def _bc_order_gone(
    sync: OrderSync, held: Held, order: Order, message: StreamMessage, gone: NoInvoiceFiledYet | InvoicedInFull
) -> OrderRecord:
    """BC deleted the order: invoiced in full (nothing to change in BC), or maybe so, its invoice not filed yet (look
    again in a minute, up to an hour after the version; then a person)."""
    now = sync.clock.now()
    if isinstance(gone, InvoicedInFull):
        save(sync, held, held.record.seen_after_invoicing(order.modified_at, now))
        sync.events.mark(order.key.stream, message.event_id, EventStatus.PROCESSED, str(gone))
        return held.record
    if now - order.modified_at < INVOICE_FILED_WITHIN:
        waiting = "BC's order is gone: waiting for its invoice to be filed"
        save(sync, held, held.record.awaiting_invoice(waiting, now))
        return _defer(sync, held, message, waiting, INVOICE_RECHECK)
    return _parked(sync, held, order, message, gone)


def _parked(sync: OrderSync, held: Held, order: Order, message: StreamMessage, error: PermanentError) -> OrderRecord:
    save(sync, held, held.record.parked(error.reason, sync.clock.now()))
    sync.events.mark(order.key.stream, message.event_id, EventStatus.PARKED, error.reason)
    return held.record


def _record_imported(
    sync: OrderSync, held: Held, order: Order, message: StreamMessage, imported: Imported
) -> OrderRecord:
    """The order in BC: its controls run, released when they all pass."""
    document = imported.document
    results = controls(sync, order, imported)
    imported_record = held.record.imported(
        document,
        version=order.modified_at,
        controls=results,
        totals_agree=next(result.passed for result in results if result.control == "totals"),
        release=release(sync, document, results),
        problem="; ".join(f"{r.control}: {r.detail}" for r in results if not r.passed),
        at=sync.clock.now(),
    )
    save(sync, held, imported_record)
    note = f"in BC as {document.number}{imported.note}"
    sync.events.mark(order.key.stream, message.event_id, EventStatus.PROCESSED, note)
    return held.record


def _record_cancelled(
    sync: OrderSync, held: Held, order: Order, message: StreamMessage, cancelled: Cancelled
) -> OrderRecord:
    """The BC order is gone with the web order. When Koppel deleted it and nothing was invoiced, the hold on its
    document number goes too; otherwise (BC removed it, fully invoiced) the order keeps the number and its document,
    so its invoices and credit memos are still filed on it. The number is given up after the save: a record saved
    without its BC order would file the number again; should the release fail, the retry, finding no BC order on the
    record, gives it up (`give_up_document`)."""
    document = held.record.bc
    assert document is not None
    gives_up = cancelled.deleted_now and not held.record.invoices
    kept = None if gives_up else document
    save(sync, held, held.record.cancelled(kept, version=order.modified_at, at=sync.clock.now()))
    if gives_up:
        sync.orders.release_document(document.external_document_number, order.key)
    gone = "deleted" if cancelled.deleted_now else "was gone already (BC deletes an order once it is fully invoiced)"
    note = f"cancelled in the shop: BC order {document.number} {gone}"
    sync.events.mark(order.key.stream, message.event_id, EventStatus.PROCESSED, note)
    return held.record


def give_up(sync: OrderSync, message: StreamMessage) -> None:
    """The host moved the message to the poison queue: mark the order failed so a person sees it (a reported
    refund's event only: the order is not its to fail)."""
    if message.refund_id is not None:
        note = f"Gave up noting refund {message.refund_id} to be credited after repeated failures; the raw body is kept"
        sync.events.mark(message.stream, message.event_id, EventStatus.FAILED, note)
        return
    held = load(sync, message)
    record = held.record
    reason = f"Gave up after {record.attempts} attempts; last error: {record.last_error or 'unknown'}"
    if claim_is_live(sync, record):
        sync.events.mark(message.stream, message.event_id, EventStatus.FAILED, f"{reason} (another worker goes on)")
        return
    if record.status is not OrderStatus.IN_BC:
        save(sync, held, record.failed(reason, sync.clock.now()))
    sync.events.mark(message.stream, message.event_id, EventStatus.FAILED, reason)


def _read(sync: OrderSync, held: Held, message: StreamMessage) -> Order | None:
    try:
        if message.body is not None:
            body: bytes | None = message.body.encode("utf-8")
        else:
            body = sync.events.body(message.stream, message.event_id)
        if body is None:
            raise PermanentError(f"the delivery {message.event_id} this message points to is not stored")
        return read_order(WebOrderKey.of_stream(message.stream), body)
    except PermanentError as error:
        if held.record.bc is None:
            save(sync, held, held.record.unreadable(error.reason, sync.clock.now()))
        sync.events.mark(message.stream, message.event_id, EventStatus.PARKED, error.reason)
        return None


def _defer(
    sync: OrderSync, held: Held, message: StreamMessage, why: str, delay: timedelta | None = None
) -> OrderRecord:
    """Look again later without using up the message's attempts: a copy becomes visible after a delay
    (by default when the current claim runs out, but at least every `recheck_after`)."""
    if delay is None:
        expires = held.record.claim_expires_at
        remaining = expires - sync.clock.now() if expires else sync.policy.recheck_after
        delay = max(timedelta(seconds=1), min(remaining, sync.policy.recheck_after))
    sync.queue.send(message, delay)
    sync.events.mark(message.stream, message.event_id, EventStatus.RECEIVED, f"waiting: {why}")
    return held.record


def _note_skipped(sync: OrderSync, held: Held, order: Order, message: StreamMessage, reason: str) -> None:
    if held.record.bc is not None and held.record.latest_event_id == message.event_id:
        _settle_copy(sync, held.record.bc.number, message)
        return
    give_up_document(sync, held.record, order)
    record = held.record
    if record.bc is None and record.status is not OrderStatus.CANCELLED and not sync.policy.importable(order):
        save(sync, held, record.not_imported(order, message.event_id, sync.clock.now()))
    sync.events.mark(order.key.stream, message.event_id, EventStatus.IGNORED, reason)


def _settle_copy(sync: OrderSync, number: str, message: StreamMessage) -> None:
    """A copy of the delivery that is in BC already. A copy deferred while another worker imported it may have
    marked the event "waiting" after the import marked it processed: put that right, leave any other note."""
    event = sync.events.get(message.stream, message.event_id)
    if event is not None and event.status is EventStatus.RECEIVED:
        sync.events.mark(message.stream, message.event_id, EventStatus.PROCESSED, f"in BC as {number}")


def _release_after_failure(sync: OrderSync, held: Held, error: str) -> None:
    """Keep the last error for the poison handler; let a duplicate message take over."""
    with suppress(RetryableError, ConcurrencyConflict):
        save(sync, held, held.record.retrying(error, sync.clock.now()))
