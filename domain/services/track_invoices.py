"""Which web order each posted BC sales invoice belongs to.

BC tells Koppel of new and changed invoices through a webhook subscription on salesInvoices; as a fallback every
booking run also reads the invoices BC changed since the last poll. Either way an invoice is filed on the record of
the web order whose BC document carries its externalDocumentNumber; invoices of documents Koppel did not make are
passed by.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from domain.errors import ConcurrencyConflict, RetryableError
from domain.models import WebOrderKey
from domain.payments.invoice import BcInvoice
from domain.ports import Clock, Invoices, OrderStore, SyncState

JOB = "invoices"
SCOPE = "salesInvoices"
OVERLAP = timedelta(minutes=5)
"""Read back this far before the last poll: BC's clock and commits that land late."""
ATTEMPTS = 5


@dataclass(frozen=True)
class InvoiceTracking:
    invoices: Invoices
    orders: OrderStore
    state: SyncState
    clock: Clock
    first_lookback: timedelta = timedelta(days=7)
    """How far back the very first poll reads."""


def poll_invoices(tracking: InvoiceTracking) -> int:
    """File every invoice BC changed since the last poll; returns how many were filed on web orders."""
    started = tracking.clock.now()
    watermark = tracking.state.get(JOB, SCOPE)
    since = datetime.fromisoformat(watermark) - OVERLAP if watermark else started - tracking.first_lookback
    filed = link_invoices(tracking, tracking.invoices.changed_since(since))
    tracking.state.put(JOB, SCOPE, started.isoformat())
    return filed


def link_invoices(tracking: InvoiceTracking, invoices: Iterable[BcInvoice]) -> int:
    """File each invoice on its web order's record (a newer state of an invoice replaces the older one); returns
    how many belonged to a web order."""
    filed = 0
    for invoice in invoices:
        key = tracking.orders.key_for_document(invoice.external_document_number)
        if key is not None and _file(tracking.orders, key, invoice):
            filed += 1
    return filed


def _file(orders: OrderStore, key: WebOrderKey, invoice: BcInvoice) -> bool:
    for _ in range(ATTEMPTS):
        found = orders.get(key)
        if found is None:
            return False
        record, etag = found
        invoices = with_invoice(record.invoices, invoice)
        if invoices == record.invoices:
            return True
        try:
            orders.replace(record.model_copy(update={"invoices": invoices}), etag)
        except ConcurrencyConflict:
            continue
        return True
    raise RetryableError(f"order record {key} kept changing while its invoice {invoice.number} was filed")


def with_invoice(invoices: list[BcInvoice], invoice: BcInvoice) -> list[BcInvoice]:
    """The order's invoices with this one added or brought up to date (an older state never replaces a newer)."""
    current = {known.id: known for known in invoices}
    known = current.get(invoice.id)
    if known is not None and _stamp(known) > _stamp(invoice):
        return invoices
    current[invoice.id] = invoice
    return sorted(current.values(), key=lambda each: (each.posting_date or date.min, each.number))


def _stamp(invoice: BcInvoice) -> datetime:
    return invoice.last_modified or datetime.min.replace(tzinfo=UTC)
