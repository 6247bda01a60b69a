"""Posting sales: shipAndInvoice turns an order into a posted salesInvoice; the customer ledger (credit memos are in
credit_memos.py)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from localdev.simulators.businesscentral.errors import BCError, dialog
from localdev.simulators.businesscentral.inventory import QUANTITY_PLACES
from localdev.simulators.businesscentral.pricing import apply_discount_percent, dec, recalculate
from localdev.simulators.businesscentral.sales_orders import SalesOrders
from localdev.simulators.businesscentral.shipments import PAYMENT_TERMS_DAYS, post_shipment
from localdev.simulators.businesscentral.store import LedgerEntry, Record, Store

NOTHING_TO_POST = "There is nothing to post."
UNPOSTED = ("Draft", "In Review")
"""salesInvoices lists unposted invoices too (Sales Invoice Entity Aggregate: a Sales Header of type Invoice is
Draft, or In Review while pending approval), with remainingAmount = their full amount (microsoft/BCApps
src/Layers/W1/BaseApp/Integration/Entity/SalesInvoiceAggregator.Codeunit.al, APIV2SalesInvoices.Page.al
GetRemainingAmount)."""
_ZERO = Decimal(0)
HEADER_COPY = (
    "externalDocumentNumber",
    "customerId",
    "customerNumber",
    "customerName",
    "billToCustomerId",
    "billToCustomerNumber",
    "billToName",
    "currencyCode",
    "pricesIncludeTax",
)
_LINE_COPY = (
    "itemId",
    "accountId",
    "lineType",
    "lineObjectNumber",
    "description",
    "unitOfMeasureCode",
    "quantity",
    "unitPrice",
    "discountPercent",
    "discountAmount",
    "taxCode",
    "taxPercent",
    "shipmentDate",
    "itemVariantId",
    "locationId",
)


def ship_and_invoice(store: Store, order: Record, posting_date: date, unposted: str | None = None) -> Record:
    """Microsoft.NAV.shipAndInvoice: ship each line's shipQuantity (a posted shipment when anything ships), invoice
    everything shipped and not yet invoiced as one posted salesInvoice; the order is deleted once every line is
    fully invoiced, as BC does.

    `unposted` ("Draft" or "In Review"): the invoice is made but not posted, as a user making a sales invoice from
    the shipments would (simplified: the order's lines count as invoiced at once)."""
    orders = SalesOrders(store)
    if not any(line["shipQuantity"] or _uninvoiced(line) for line in orders.lines(order)):
        raise dialog(NOTHING_TO_POST)
    post_shipment(store, order, posting_date)
    lines = orders.lines(order)
    quantities = {line["id"]: _uninvoiced(line) for line in lines}
    complete = all(quantities[line["id"]] == line["quantity"] for line in lines)
    invoice = _new_invoice(store, order, posting_date, complete)
    invoice_lines = [_invoice_line(invoice, line, quantities[line["id"]]) for line in lines]
    recalculate(invoice, invoice_lines)
    invoice["remainingAmount"] = invoice["totalAmountIncludingTax"]
    invoice["status"] = "Open" if invoice["remainingAmount"] else "Paid"
    if unposted is not None:
        invoice.update(status=unposted, number=store.draft_invoice_numbers.next())
    _mark_invoiced(store, order, lines, quantities)
    stored = store.sales_invoices.add(invoice)
    table = store.invoice_lines_of(stored["id"])
    for line in invoice_lines:
        table.add(line)
    if unposted is None:
        _add_invoice_entry(store, stored)
    return stored


def post_invoice(store: Store, invoice: Record, posting_date: date) -> Record:
    """Post an unposted invoice: it gets a posted number and a customer ledger entry and becomes Open; it keeps its
    id (the posted invoice's "Draft Invoice SystemId", which salesInvoices serves as its id). One pending approval
    is refused (message as BC's approval check words it)."""
    if invoice["status"] not in UNPOSTED:
        raise dialog(f"Sales Invoice {invoice['number']} has been posted already.")
    if invoice["status"] != "Draft":
        raise dialog(
            f"Sales Invoice {invoice['number']} must be approved and released before you can perform this action."
        )
    invoice.update(
        number=store.invoice_numbers.next(),
        postingDate=posting_date.isoformat(),
        invoiceDate=posting_date.isoformat(),
        dueDate=(posting_date + timedelta(days=PAYMENT_TERMS_DAYS)).isoformat(),
        status="Open" if invoice["remainingAmount"] else "Paid",
    )
    store.sales_invoices.stamp(invoice)
    _add_invoice_entry(store, invoice)
    return invoice


def posted_invoice(store: Store, invoice_id: str = "", number: str = "") -> Record | None:
    """A posted sales invoice by id or number (Sales Invoice Header): unposted ones are not found, as customerPayments
    looks invoices up (SalesInvoiceAggregator.GetSalesInvoiceHeaderFromId, SalesInvoiceHeader.Get)."""
    invoice = store.sales_invoices.get(invoice_id) if invoice_id else None
    if invoice is None and number:
        invoice = store.sales_invoices.find("number", number)
    return invoice if invoice is not None and invoice["status"] not in UNPOSTED else None


def open_invoice_amount(store: Store, number: str, customer_id: str) -> Decimal:
    """What is open of the invoice's ledger entry when it is `customer_id`'s; 0 when it is not open, or not theirs."""
    return next(
        (
            e.remaining
            for e in store.customer_ledger
            if e.document_type == "Invoice" and e.document_number == number and e.customer_id == customer_id
        ),
        _ZERO,
    )


def no_open_invoice_entry(number: str, customer_number: str) -> BCError:
    """Posting something applied to an invoice that is not an open entry of the customer: Gen. Jnl.-Post Line's
    FindFirst on the open entries finds nothing (GenJnlPostLine.Codeunit.al PrepareTempCustLedgEntry); the message
    is the platform's for a FindFirst that finds nothing (wording assumed)."""
    return dialog(
        f"There is no Cust. Ledger Entry within the filter. Filters: Document No.: {number}, Document Type: Invoice, "
        f"Customer No.: {customer_number}, Open: Yes"
    )


def _add_invoice_entry(store: Store, invoice: Record) -> None:
    amount = dec(invoice["totalAmountIncludingTax"])
    add_ledger_entry(
        store, invoice["billToCustomerId"], invoice, document_type="Invoice", amount=amount, remaining=amount
    )


def apply_to_invoice(store: Store, invoice: Record, amount: Decimal) -> Decimal:
    """Apply a credit of `amount` to the invoice's open entry; what was applied (at most its remainingAmount). Only a
    change of status stamps the invoice (new ETag, lastModifiedDateTime, a webhook notification): remainingAmount is
    a page variable, and the aggregate record is modified only when its status changes (SalesInvoiceAggregator
    SetStatusOptionFromCustLedgerEntry -> UpdateStatusIfChanged)."""
    remaining = dec(invoice["remainingAmount"])
    applied = min(amount, remaining)
    if not applied:
        return _ZERO
    invoice["remainingAmount"] = float(remaining - applied)
    if remaining == applied:
        invoice["status"] = "Paid"
        store.sales_invoices.stamp(invoice)
    entry = next(
        e for e in store.customer_ledger if e.document_type == "Invoice" and e.document_number == invoice["number"]
    )
    entry.remaining -= applied
    return applied


def add_ledger_entry(
    store: Store, customer_id: str, document: Record, *, document_type: str, amount: Decimal, remaining: Decimal
) -> None:
    """Post a customer ledger entry and refresh the customer's balanceDue (a FlowField: no new ETag)."""
    store.customer_ledger.append(
        LedgerEntry(
            entry_number=len(store.customer_ledger) + 1,
            customer_id=customer_id,
            document_type=document_type,
            document_number=document.get("number") or document["documentNumber"],
            posting_date=document["postingDate"],
            amount=amount,
            remaining=remaining,
            external_document_number=document["externalDocumentNumber"],
        )
    )
    customer = store.customers.get(customer_id)
    if customer is not None:
        balance = sum((e.amount for e in store.customer_ledger if e.customer_id == customer_id), _ZERO)
        customer["balanceDue"] = float(balance)


def _uninvoiced(line: Record) -> float:
    return float(round(line["shippedQuantity"] - line["invoicedQuantity"], QUANTITY_PLACES))


def _new_invoice(store: Store, order: Record, posting_date: date, complete: bool) -> Record:
    """The invoice header; the order's invoice discount is carried only when the whole order is invoiced at once."""
    invoice: Record = {field: order[field] for field in HEADER_COPY}
    invoice.update(
        id=str(uuid.uuid4()),
        number=store.invoice_numbers.next(),
        invoiceDate=posting_date.isoformat(),
        postingDate=posting_date.isoformat(),
        dueDate=(posting_date + timedelta(days=PAYMENT_TERMS_DAYS)).isoformat(),
        orderId=order["id"],
        orderNumber=order["number"],
        discountAmount=order["discountAmount"] if complete else 0.0,
    )
    return invoice


def _invoice_line(invoice: Record, line: Record, quantity: float) -> Record:
    posted: Record = {field: line[field] for field in _LINE_COPY}
    posted.update(id=str(uuid.uuid4()), documentId=invoice["id"], sequence=line["sequence"], quantity=quantity)
    if line["lineType"] != "Comment":
        apply_discount_percent(posted)
    return posted


def _mark_invoiced(store: Store, order: Record, lines: list[Record], quantities: dict[str, float]) -> None:
    table = store.lines_of(order["id"])
    for line in lines:
        if quantities[line["id"]]:
            line["invoicedQuantity"] = round(line["invoicedQuantity"] + quantities[line["id"]], QUANTITY_PLACES)
            line["invoiceQuantity"] = round(line["quantity"] - line["invoicedQuantity"], QUANTITY_PLACES)
            table.stamp(line)
    if all(line["invoicedQuantity"] >= line["quantity"] for line in lines):
        store.sales_orders.remove(order["id"])
        store.order_lines.pop(order["id"], None)
    else:
        store.sales_orders.stamp(order)
