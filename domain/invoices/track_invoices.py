"""Which web order each BC sales invoice and sales credit memo belongs to (posted ones, and the Draft / In Review
ones salesInvoices and salesCreditMemos list too: filed, but nothing is applied to them until BC posts them).

BC tells Koppel of new and changed invoices and credit memos through webhook subscriptions on salesInvoices and
salesCreditMemos; as a fallback every booking run also reads those BC changed since the last poll. Either way an
invoice is filed on the record of the web order whose BC document carries its externalDocumentNumber, and a credit
memo on the web order of its externalDocumentNumber or, when it carries none, of the invoice it is applied to;
documents of orders Koppel did not make are passed by.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from domain.errors import ConcurrencyConflict, RetryableError
from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.invoices.ports import CreditMemos, Invoices
from domain.models import WebOrderKey
from domain.ports import Clock, OrderStore, SyncState
from domain.records import OrderRecord

JOB = "invoices"
SCOPE = "salesInvoices"
CREDIT_MEMO_SCOPE = "salesCreditMemos"
OVERLAP = timedelta(minutes=5)
"""Read back this far before the last poll: BC's clock and commits that land late."""
ATTEMPTS = 5
_EMPTY_GUID = "00000000-0000-0000-0000-000000000000"

Document = TypeVar("Document", BcInvoice, BcCreditMemo)


@dataclass(frozen=True)
class InvoiceTracking:
    invoices: Invoices
    orders: OrderStore
    state: SyncState
    clock: Clock
    first_lookback: timedelta = timedelta(days=7)
    """How far back the very first poll reads."""
    credit_memos: CreditMemos | None = None
    """None: credit memos are not followed (refunds after booking go to a person)."""


def poll_invoices(tracking: InvoiceTracking) -> int:
    """File every invoice (and credit memo) BC changed since the last poll; returns how many were filed on web
    orders."""
    filed = _poll(tracking, SCOPE, lambda since: link_invoices(tracking, tracking.invoices.changed_since(since)))
    memos = tracking.credit_memos
    if memos is not None:
        filed += _poll(
            tracking, CREDIT_MEMO_SCOPE, lambda since: link_credit_memos(tracking, memos.changed_since(since))
        )
    return filed


def _poll(tracking: InvoiceTracking, scope: str, link: Callable[[datetime], int]) -> int:
    started = tracking.clock.now()
    watermark = tracking.state.get(JOB, scope)
    since = datetime.fromisoformat(watermark) - OVERLAP if watermark else started - tracking.first_lookback
    filed = link(since)
    tracking.state.put(JOB, scope, started.isoformat())
    return filed


def link_invoices(tracking: InvoiceTracking, invoices: Iterable[BcInvoice]) -> int:
    """File each invoice on its web order's record (a newer state of an invoice replaces the older one); returns
    how many belonged to a web order."""
    filed = 0
    for invoice in invoices:
        key = tracking.orders.key_for_document(invoice.external_document_number)
        if key is not None and _file(tracking.orders, key, invoice, _with_invoice):
            tracking.orders.file_invoice(invoice.id, key)
            filed += 1
    return filed


def link_credit_memos(tracking: InvoiceTracking, credit_memos: Iterable[BcCreditMemo]) -> int:
    """File each credit memo on its web order's record: found by its externalDocumentNumber, else by the invoice
    it is applied to; returns how many belonged to a web order."""
    filed = 0
    for memo in credit_memos:
        key = order_of_credit_memo(tracking.orders, memo)
        if key is not None and _file(tracking.orders, key, memo, _with_credit_memo):
            filed += 1
    return filed


def order_of_credit_memo(orders: OrderStore, memo: BcCreditMemo) -> WebOrderKey | None:
    """The web order of its externalDocumentNumber, else of the invoice it is applied to; None when neither is a web
    order Koppel made."""
    if memo.external_document_number:
        key = orders.key_for_document(memo.external_document_number)
        if key is not None:
            return key
    if memo.invoice_id and memo.invoice_id != _EMPTY_GUID:
        return orders.key_for_invoice(memo.invoice_id)
    return None


def _file(
    orders: OrderStore,
    key: WebOrderKey,
    document: Document,
    added: Callable[[OrderRecord, Document], OrderRecord | None],
) -> bool:
    """File the document on the web order's record; False when the record is gone or made no BC order (a web order
    parked before its create holds its number, but a document with that number is not its own)."""
    for _ in range(ATTEMPTS):
        found = orders.get(key)
        if found is None:
            return False
        record, etag = found
        if record.bc is None:
            return False
        changed = added(record, document)
        if changed is None:
            return True
        try:
            orders.replace(changed, etag)
        except ConcurrencyConflict:
            continue
        return True
    raise RetryableError(f"order record {key} kept changing while its BC document {document.number} was filed")


def _with_invoice(record: OrderRecord, invoice: BcInvoice) -> OrderRecord | None:
    invoices = with_document(record.invoices, invoice)
    return None if invoices == record.invoices else record.with_invoices(invoices)


def _with_credit_memo(record: OrderRecord, memo: BcCreditMemo) -> OrderRecord | None:
    memos = with_document(record.credit_memos, memo)
    return None if memos == record.credit_memos else record.with_credit_memos(memos)


def with_document(documents: list[Document], document: Document) -> list[Document]:
    """The order's documents with this one added or brought up to date (an older state never replaces a newer)."""
    current = {known.id: known for known in documents}
    known = current.get(document.id)
    if known is not None and _stamp(known) > _stamp(document):
        return documents
    current[document.id] = document
    return sorted(current.values(), key=lambda each: (each.posting_date or date.min, each.number))


def _stamp(document: BcInvoice | BcCreditMemo) -> datetime:
    return document.last_modified or datetime.min.replace(tzinfo=UTC)
