"""Sales credit memos: those salesCreditMemos lists, posted and unposted, and the posted ones alone (table 114 "Sales
Cr.Memo Header"), which Koppel's page postedSalesCreditMemos serves.

salesCreditMemos lists an unposted credit memo (a Sales Header of type Credit Memo) with its Sales Header's status:
Draft, In Review (pending approval), or Open when released or pending prepayment - the same Open as a posted credit
memo not yet paid back (microsoft/BCApps src/Layers/W1/BaseApp/Integration/Graph/GraphMgtSalCrMemoBuf.Codeunit.al,
SetStatusOptionFromSalesHeader). Posting gives it a number from the posted series and a Sales Cr.Memo Header with its
own SystemId, whose "Draft Cr. Memo SystemId" is the unposted one's id: salesCreditMemos keeps serving that id
(GetSalesCrMemoHeaderId), and a customer refund finds the header by either id (GetSalesCrMemoHeaderFromId).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from localdev.simulators.businesscentral.errors import dialog
from localdev.simulators.businesscentral.invoicing import HEADER_COPY, UNPOSTED, add_ledger_entry, apply_to_invoice
from localdev.simulators.businesscentral.pricing import cents, dec
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.store import Record, Store

UNPOSTED_CREDIT_MEMO_STATUSES = ("Draft", "In Review", "Open")
_ZERO = Decimal(0)


def post_credit_memo(store: Store, invoice: Record, amount: Decimal | None, apply: bool, posting_date: date) -> Record:
    """A credit memo for (part of) `invoice`, incl. VAT in the invoice's VAT ratio, made and posted at once: applied
    to the invoice (its remainingAmount goes down) or left open on the customer's account."""
    memo = _new_credit_memo(invoice, amount, apply, posting_date)
    _book(store, memo, posting_date)
    stored = store.sales_credit_memos.add(memo)
    _file_posted_header(store, stored)
    return stored


def draft_credit_memo(store: Store, invoice: Record, amount: Decimal | None, apply: bool, status: str) -> Record:
    """A credit memo made and not posted (Open: released): listed by salesCreditMemos, with a number from the
    unposted series, no customer ledger entry and no Sales Cr.Memo Header; applied to the invoice when posted."""
    memo = _new_credit_memo(invoice, amount, apply, date.today())
    memo.update(number=store.draft_credit_memo_numbers.next(), status=status)
    return store.sales_credit_memos.add(memo)


def post_draft_credit_memo(store: Store, memo: Record, posting_date: date) -> Record:
    """Post an unposted credit memo: it keeps its id, gets a posted number, a customer ledger entry and a Sales
    Cr.Memo Header. One pending approval is refused, as post_invoice refuses it."""
    if posted_credit_memo(store, memo["id"]) is not None:
        raise dialog(f"Sales Credit Memo {memo['number']} has been posted already.")
    check_approved(memo)
    _book(store, memo, posting_date)
    store.sales_credit_memos.stamp(memo)
    _file_posted_header(store, memo)
    return memo


def check_approved(memo: Record) -> None:
    """Posting an unposted credit memo pending approval is refused (SalesHeader.SendToPosting's approval check)."""
    if memo["status"] == "In Review":
        raise dialog(
            f"Sales Credit Memo {memo['number']} must be approved and released before you can perform this action."
        )


def posted_credit_memo(store: Store, memo_id: str) -> Record | None:
    """The Sales Cr.Memo Header of a credit memo id, as GetSalesCrMemoHeaderFromId finds it: by "Draft Cr. Memo
    SystemId", else by its own SystemId; None while the credit memo is not posted."""
    key = memo_id.lower()
    return store.posted_credit_memos.find("draftCreditMemoId", key) or store.posted_credit_memos.get(key)


def api_id(header: Record) -> str:
    """The id salesCreditMemos serves for a posted credit memo (GetSalesCrMemoHeaderId)."""
    draft = str(header["draftCreditMemoId"])
    return str(header["id"]) if draft == EMPTY_GUID else draft


def _new_credit_memo(invoice: Record, amount: Decimal | None, apply: bool, day: date) -> Record:
    if invoice["status"] in UNPOSTED:
        raise dialog(f"Sales Invoice {invoice['number']} is not posted: there is nothing to credit.")
    total = dec(invoice["totalAmountIncludingTax"])
    amount = total if amount is None else amount
    if not _ZERO < amount <= total:
        raise dialog(f"The credit memo amount must be between 0 and {total}.")
    excluding = cents(amount * dec(invoice["totalAmountExcludingTax"]) / total) if total else amount
    memo: Record = {field: invoice[field] for field in HEADER_COPY}
    memo.update(
        id=str(uuid.uuid4()),
        creditMemoDate=day.isoformat(),
        postingDate=day.isoformat(),
        dueDate=day.isoformat(),
        discountAmount=0.0,
        discountAppliedBeforeTax=not invoice["pricesIncludeTax"],
        totalAmountExcludingTax=float(excluding),
        totalTaxAmount=float(amount - excluding),
        totalAmountIncludingTax=float(amount),
        invoiceId=invoice["id"] if apply else EMPTY_GUID,
        invoiceNumber=invoice["number"] if apply else "",
    )
    return memo


def _book(store: Store, memo: Record, posting_date: date) -> None:
    """What posting does to a credit memo: a posted number and dates, applied to its invoice if it names one, a
    customer ledger entry with what is left open, status Paid when nothing is."""
    amount = dec(memo["totalAmountIncludingTax"])
    invoice = store.sales_invoices.get(memo["invoiceId"]) if memo["invoiceId"] != EMPTY_GUID else None
    applied = apply_to_invoice(store, invoice, amount) if invoice is not None else _ZERO
    day = posting_date.isoformat()
    memo.update(
        number=store.credit_memo_numbers.next(),
        creditMemoDate=day,
        postingDate=day,
        dueDate=day,
        status="Paid" if applied == amount else "Open",
    )
    customer = memo["billToCustomerId"]
    add_ledger_entry(store, customer, memo, document_type="Credit Memo", amount=-amount, remaining=applied - amount)


def _file_posted_header(store: Store, memo: Record) -> None:
    header = {key: memo[key] for key in ("number", "externalDocumentNumber", "postingDate")}
    store.posted_credit_memos.add({**header, "id": str(uuid.uuid4()), "draftCreditMemoId": memo["id"]})
