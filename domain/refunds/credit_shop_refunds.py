"""Crediting the shops' refunds in BC (run `shop-refunds`), on the channels whose refunds come from the shop: the shop
owner refunds in the shop (which pays the customer back at the provider), and Koppel makes the BC sales credit memo
for it, one per refund, left as a draft for a person to check or posted, as the channel's setting says. The
provider's refund comes back as a payment change and the booking run books it against that credit memo once it is
posted (domain/booking/book_refunds.py), so the money and the credit meet on the web order.

The order worker notes each refund it sees on a shop's order (shop_refund_notes.py); this run, on the booking timer,
credits the noted ones: the refund read from the shop, its lines priced from the order's posted invoice
(credit_memo_lines.py), the credit memo made, checked against the refund, and posted when the setting says so.

Exactly once: the record is written `crediting` before BC is asked; the credit memo's first line is the record's
marker, and a record still crediting looks for its credit memo (by its externalDocumentNumber and marker) before it
makes one; lines are added by their sequence, each only when BC has none with it. Only the timer runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.errors import BusinessCentralRejected, ConcurrencyConflict, PermanentError, RetryableError
from domain.orders.mapping.business_central import ChargeAccounts
from domain.ports import Clock, OrderStore, SyncRuns
from domain.records import OrderRecord, SyncRun
from domain.refunds.credit_memo_drafting import complete_lines, rounded_to, vat_apart
from domain.refunds.credit_memo_lines import CENT, CannotCredit, Priced, credit_memo_lines
from domain.refunds.refund_before_invoice import Lookups, OrderChanges, ThenQueued, Waits, before_crediting, overdue
from domain.refunds.shop_origin_ports import (
    BcDraftCreditMemo,
    CreditMemoDrafts,
    InvoiceToCredit,
    NewCreditMemo,
    ShopRefundCredits,
    ShopRefundDetail,
    ShopRefundDetails,
    SkuLookup,
)
from domain.refunds.shop_refund_credit import CreditState, ShopRefundCredit
from domain.runs import CREDIT_COUNTS, RunTally, recorded_run

RUN_NAME = "shop-refunds"
DRAFT = "Draft"


@dataclass(frozen=True)
class ShopRefundCrediting:
    credits: ShopRefundCredits
    orders: OrderStore
    shops: Mapping[tuple[str, str], ShopRefundDetails]
    """Per (source, shop): where its refunds are read, itemised."""
    bc: CreditMemoDrafts
    skus: SkuLookup
    accounts: ChargeAccounts
    runs: SyncRuns
    clock: Clock
    local_currency: str
    posts: frozenset[tuple[str, str]] = frozenset()
    """The (source, shop) channels whose credit memos Koppel posts; the others' stay drafts for a person."""
    invoice_wait: timedelta = timedelta(days=7)
    """How long a refund waits for BC to invoice its order before a person is asked."""
    unshipped: OrderChanges | None = None
    """Where units refunded before BC shipped them come off its order (refund_before_invoice.py); None: they wait
    for the invoice too."""
    name: str = RUN_NAME


def credit_shop_refunds(crediting: ShopRefundCrediting) -> SyncRun:
    """One run over the refunds noted and not yet credited; its summary is recorded and returned."""

    def work(tally: RunTally) -> bool:
        credited = [_credit(crediting, each, tally) for each in list(crediting.credits.unfinished())]
        return all(credited)

    return recorded_run(crediting.name, CREDIT_COUNTS, crediting.clock, crediting.runs, work)


def _credit(crediting: ShopRefundCrediting, noted: ShopRefundCredit, tally: RunTally) -> bool:
    """Credit one refund; False when it waits for the next run (BC or the shop did not answer, the record changed)."""
    found = crediting.credits.get(noted.order, noted.refund_id)
    if found is None or found[0].finished:
        return True
    record, etag = found
    tally.read += 1
    try:
        done = _credit_now(crediting, record, etag)
    except (RetryableError, ConcurrencyConflict) as stopped:
        tally.problem(f"{record.key} waits for the next run: {stopped}")
        return False
    except BusinessCentralRejected as refused:
        return _for_a_person_after(crediting, noted, f"BC refused the credit memo: {refused.message}", tally)
    except PermanentError as unreadable:
        return _for_a_person_after(crediting, noted, unreadable.reason, tally)
    _count(tally, done)
    return True


def _for_a_person_after(crediting: ShopRefundCrediting, noted: ShopRefundCredit, why: str, tally: RunTally) -> bool:
    """A step was refused for good: the record, as it is now, goes to a person, told of the credit memo Koppel made
    already."""
    found = crediting.credits.get(noted.order, noted.refund_id)
    if found is None:
        return True
    record, etag = found
    made = f" (credit memo {record.credit_memo_number} is in BC as a draft)" if record.credit_memo_id else ""
    why = f"{why}{made}"
    try:
        _count(tally, _write(crediting, etag, record.for_a_person(why, crediting.clock.now())))
    except ConcurrencyConflict:
        return False
    return True


def _credit_now(crediting: ShopRefundCrediting, record: ShopRefundCredit, etag: str) -> ShopRefundCredit:
    """Credit the refund as far as it can go now; answers the record as written."""
    shop = crediting.shops.get((record.order.source, record.order.shop))
    if shop is None:
        why = "the shop's refunds are no longer credited by Koppel (its CREDIT_MEMOS setting, or its API access)"
        return _write(crediting, etag, record.not_credited(why, crediting.clock.now()))
    known = crediting.orders.get(record.order)
    order = known[0] if known else None
    target = _invoice_to_credit(order)
    now = crediting.clock.now()
    invoices = [crediting.bc.invoice(invoice_id) for invoice_id in target[1]] if target else []
    lookups = Lookups(shop, crediting.skus, crediting.credits)
    decided = before_crediting(crediting.unshipped, record, order, lookups, invoices=invoices, now=now)
    if isinstance(decided, Waits | ThenQueued):
        return _wait_for_invoice(crediting, record, etag, decided)
    if target is None or decided.finished:
        return _write(crediting, etag, decided)
    record = decided
    found = shop.refund(record.order, record.refund_id)
    refund = _to_credit(found)
    if refund is None:
        return _write(crediting, etag, _nothing_to_credit(record, found, now))
    why = _not_one_basis(invoices, refund.amount.currency, crediting.local_currency)
    if why:
        return _write(crediting, etag, record.for_a_person(why, now))
    if record.state is CreditState.TO_CREDIT:
        record = record.crediting(refund.amount, now)
        etag = crediting.credits.write(record, etag)
    return _make_credit_memo(crediting, record, etag, refund, _Target(target[0], tuple(invoices)))


def _to_credit(refund: ShopRefundDetail | None) -> ShopRefundDetail | None:
    """What of the shop's refund BC is to credit: none of a refund gone, of Koppel's own record of a refund from BC,
    or of units taken off before they were fulfilled."""
    if refund is None or refund.koppel_key:
        return None
    return refund.after_fulfilment()


def _nothing_to_credit(record: ShopRefundCredit, refund: ShopRefundDetail | None, now: datetime) -> ShopRefundCredit:
    if refund is None:
        return _gone(record, now)
    if refund.koppel_key:
        return record.not_credited("Koppel's own record of a refund from BC", now)
    return record.not_credited(
        "refunded before it was fulfilled: the BC order was reduced instead, nothing invoiced", now
    )


@dataclass(frozen=True)
class _Target:
    external_document_number: str
    """The BC order's: how BC's credit memos are filed on the web order."""
    invoices: tuple[InvoiceToCredit, ...]
    """The order's posted invoices, oldest first (more than one after partial shipments)."""


def _not_one_basis(invoices: list[InvoiceToCredit], refunded_in: str, local_currency: str) -> str:
    """Why the invoices cannot price the refund: another currency than the refund's, or a mix of price bases; ""
    when they can."""
    currencies = {(invoice.currency_code or local_currency).upper() for invoice in invoices}
    numbers = ", ".join(invoice.number for invoice in invoices)
    if currencies != {refunded_in}:
        invoiced_in = ", ".join(sorted(currencies))
        return f"the shop refunded in {refunded_in}, the invoice(s) {numbers} are in {invoiced_in}: credit it by hand"
    if len({invoice.prices_include_tax for invoice in invoices}) > 1:
        return f"the invoices {numbers} differ in whether their prices include VAT: credit it by hand"
    return ""


def _invoice_to_credit(order: OrderRecord | None) -> tuple[str, list[str]] | None:
    """The BC order's externalDocumentNumber and the ids of its posted invoices; None while it has none (or the web
    order made no BC order)."""
    if order is None or order.bc is None:
        return None
    invoice_ids = [invoice.id for invoice in order.invoices if invoice.posted]
    return (order.bc.external_document_number, invoice_ids) if invoice_ids else None


def _wait_for_invoice(
    crediting: ShopRefundCrediting, record: ShopRefundCredit, etag: str, waits: Waits | ThenQueued
) -> ShopRefundCredit:
    """Units to come off BC's order: the record written, then the order queued. Else why shown to ops (the record
    written only when it changes, or when its order is queued again after it); a person after `invoice_wait`."""
    if isinstance(waits, ThenQueued):
        return waits.queued.after(_write(crediting, etag, waits.record))
    now = crediting.clock.now()
    if now - record.first_seen_at >= crediting.invoice_wait:
        return _write(crediting, etag, record.for_a_person(overdue(record, crediting.invoice_wait), now))
    if waits.queued is not None:
        return waits.queued.after(_write(crediting, etag, record.waiting(waits.why, now)))
    return record if waits.why == record.problem else _write(crediting, etag, record.waiting(waits.why, now))


def _gone(record: ShopRefundCredit, now: datetime) -> ShopRefundCredit:
    """The shop no longer has the refund (deleted): nothing to credit, unless a credit memo was made for it."""
    if not record.credit_memo_id:
        return record.not_credited("deleted in the shop before it was credited", now)
    why = f"deleted in the shop after Koppel made credit memo {record.credit_memo_number} for it: delete or cancel it"
    return record.for_a_person(why, now)


def _make_credit_memo(
    crediting: ShopRefundCrediting,
    record: ShopRefundCredit,
    etag: str,
    refund: ShopRefundDetail,
    target: _Target,
) -> ShopRefundCredit:
    """The lines planned (what cannot be credited goes to a person before BC is asked), the credit memo found again
    or made, its lines completed in its price basis, checked against the refund, and posted when the channel says
    so."""
    invoices = target.invoices
    in_invoice_basis = Priced(
        invoice_number=", ".join(invoice.number for invoice in invoices),
        invoice_lines=[line for invoice in invoices for line in invoice.lines],
        invoice_prices_include_tax=invoices[0].prices_include_tax,
        memo_prices_include_tax=invoices[0].prices_include_tax,
        skus=crediting.skus.resolve_skus(sorted({item.sku for item in refund.items})),
        accounts=crediting.accounts,
        vat_setup=crediting.bc.vat_setup() if any(item.kept_by_customer for item in refund.items) else (),
    )
    try:
        credit_memo_lines(refund, record.marker, in_invoice_basis)
    except CannotCredit as cannot:
        made = (
            f"; credit memo {record.credit_memo_number} in BC is left as Koppel began it"
            if record.credit_memo_id
            else ""
        )
        return _write(crediting, etag, record.for_a_person(f"{cannot}{made}", crediting.clock.now()))
    memo, etag, record = _credit_memo(crediting, record, etag, target)
    if memo.lines and memo.lines[0].description != record.marker:
        why = f"credit memo {memo.number} in BC carries lines that are not this refund's: credit the refund by hand"
        return _write(crediting, etag, record.for_a_person(why, crediting.clock.now()))
    in_memo_basis = replace(in_invoice_basis, memo_prices_include_tax=memo.prices_include_tax)
    planned = credit_memo_lines(refund, record.marker, in_memo_basis)
    priced_lines = sum(1 for line in planned if line.line_type != "Comment")
    if memo.status == DRAFT:
        memo = complete_lines(crediting.bc, memo, planned)
        vat = vat_apart(memo, planned)
        if vat:
            return _write(
                crediting, etag, record.for_a_person(f"credit memo {memo.number}: {vat}", crediting.clock.now())
            )
        memo = rounded_to(crediting.bc, memo, refund.amount.amount, planned, crediting.accounts.rounding)
    return _check_and_post(crediting, record, etag, memo, refund, line_count=priced_lines)


def _credit_memo(
    crediting: ShopRefundCrediting, record: ShopRefundCredit, etag: str, target: _Target
) -> tuple[BcDraftCreditMemo, str, ShopRefundCredit]:
    """The record's credit memo: read by its id, else found again by its marker, else made (its id written on the
    record at once)."""
    bc = crediting.bc
    if record.credit_memo_id:
        return bc.read(record.credit_memo_id), etag, record
    others = crediting.credits.for_order(record.order)
    taken = {each.credit_memo_id for each in others if each.credit_memo_id and each.refund_id != record.refund_id}
    memo = bc.find(target.external_document_number, record.marker, taken)
    if memo is None:
        invoice = target.invoices[0]
        header = NewCreditMemo(
            customer_number=invoice.customer_number,
            external_document_number=target.external_document_number,
            currency_code=invoice.currency_code,
            invoice_id=_applied_to(crediting, record, target),
        )
        memo = bc.create(header)
    record = record.with_credit_memo(memo.id, memo.number, crediting.clock.now())
    return memo, crediting.credits.write(record, etag), record


def _applied_to(crediting: ShopRefundCrediting, record: ShopRefundCredit, target: _Target) -> str:
    """The invoice the credit memo is applied to: only one Koppel posts at once, of an order with one invoice still
    open for at least the refund (refunded before the payment was booked, which then booked what was left). Else
    none: a paid invoice's entry is closed, posting a credit memo applied to it fails, and the provider's refund
    line closes the credit memo instead."""
    channel = (record.order.source, record.order.shop)
    refunded = record.refunded.amount if record.refunded else None
    if channel not in crediting.posts or len(target.invoices) != 1 or refunded is None:
        return ""
    invoice = target.invoices[0]
    return invoice.id if invoice.remaining_amount >= refunded else ""


def _check_and_post(
    crediting: ShopRefundCrediting,
    record: ShopRefundCredit,
    etag: str,
    memo: BcDraftCreditMemo,
    refund: ShopRefundDetail,
    *,
    line_count: int,
) -> ShopRefundCredit:
    """A credit memo whose total is the refund's is done: posted when the channel says so, else a draft for a person.
    One a cent a priced line apart (BC rounds VAT per line, the shop otherwise) is a draft a person checks, never
    posted by Koppel: the provider's refund would not close it. Further apart, a person with both amounts."""
    now = crediting.clock.now()
    total = memo.total_including_tax
    apart = abs(total - refund.amount.amount)
    totals = f"credit memo {memo.number} totals {refund.amount.currency} {total:.2f}, the shop refunded {refund.amount}"
    if apart > CENT * line_count:
        return _write(crediting, etag, record.for_a_person(f"{totals}: correct it in BC (it stays a draft)", now))
    channel = (record.order.source, record.order.shop)
    if apart and memo.status == DRAFT and channel in crediting.posts:
        rounding = crediting.accounts.rounding
        how = f"its rounding line on {rounding} did not bring it there" if rounding else "BC rounds VAT otherwise"
        why = f"{totals}: {how}; correct it to the refund and post it"
        return _write(crediting, etag, record.for_a_person(why, now))
    if memo.status == DRAFT and channel in crediting.posts:
        crediting.bc.post(memo.id)
        memo = crediting.bc.read(memo.id)
    state = CreditState.DRAFTED if memo.status == DRAFT else CreditState.POSTED
    return _write(crediting, etag, record.credited(state, memo.number, f"{total:.2f}", now))


def _write(crediting: ShopRefundCrediting, etag: str, changed: ShopRefundCredit) -> ShopRefundCredit:
    crediting.credits.write(changed, etag)
    return changed


def _count(tally: RunTally, record: ShopRefundCredit) -> None:
    if record.state in (CreditState.DRAFTED, CreditState.POSTED):
        tally.changed += 1
    if record.state is CreditState.POSTED:
        tally.pushed += 1
    if record.state is CreditState.NEEDS_ATTENTION:
        tally.failed += 1
        tally.problem(f"{record.order}: {record.problem}")
