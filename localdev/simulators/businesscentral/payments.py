"""customerPayments (Gen. Journal Lines of a customer payment journal) and posting a journal.

Validation follows page 30055 "APIV2 - Customer Payments" (its error labels are quoted); posting follows the journals
page's post action (Gen. Jnl.-Post): every line is checked first (one applied to an invoice that is not an open
entry of the line's customer fails the whole post: the page fills the customer from the invoice only when it is
blank and refuses nothing at insert), then becomes a customer ledger entry, is applied to its invoice, and the
journal is emptied. The amount is stored as sent: a payment is a credit to the customer, so BC expects it negative.
The journal's refund lines (Koppel's own customerRefunds page, refunds.py) share its line numbers and are posted
with it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from localdev.simulators.businesscentral.errors import dialog
from localdev.simulators.businesscentral.invoicing import (
    NOTHING_TO_POST,
    add_ledger_entry,
    apply_to_invoice,
    no_open_invoice_entry,
    open_invoice_amount,
    posted_invoice,
)
from localdev.simulators.businesscentral.payments_schema import CUSTOMER_PAYMENT
from localdev.simulators.businesscentral.pricing import dec
from localdev.simulators.businesscentral.refunds import CustomerRefunds
from localdev.simulators.businesscentral.sales_orders import SEQUENCE_STEP
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.store import Record, Store, Table
from localdev.simulators.businesscentral.validation import validate_body

CUSTOMER_PAYMENTS_TEMPLATE = "KASONTV"
"""The Cash Receipt journal template (Dutch demo data); customerPaymentJournals are its batches."""
GENERAL_TEMPLATE = "ALGEMEEN"
CUSTOMER_ID_UNKNOWN = 'The "customerId" does not match to a Customer.'
CUSTOMER_NUMBER_UNKNOWN = 'The "customerNumber" does not match to a Customer.'
CUSTOMERS_DIFFER = "The customer values do not match to a specific Customer."
INVOICE_ID_UNKNOWN = 'The "appliesToInvoiceId" should be the ID of an Open, Paid, Corrective, or Canceled Invoice.'
INVOICES_DIFFER = "The Applies To Invoice values do not match to the same Invoice."
JOURNAL_ID_CHANGED = "The Journal Id cannot be changed."
JOURNAL_MISMATCH = "The Journal Id and Journal Display Name do not match."


class CustomerPayments:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.refunds = CustomerRefunds(store)

    def next_line_number(self, journal: Record) -> int:
        """After the journal's last line, payment or refund (they are Gen. Journal Lines of one batch)."""
        return _next_line_number([*self.lines(journal), *self.refunds.lines(journal)])

    def lines(self, journal: Record) -> list[Record]:
        return sorted(self._table(journal).values(), key=lambda line: line["lineNumber"])

    def create(self, journal: Record, body: object) -> Record:
        values = validate_body(CUSTOMER_PAYMENT, body)
        if str(values.get("journalId", journal["id"])).lower() != journal["id"]:
            raise dialog(JOURNAL_MISMATCH)
        number = int(values.pop("lineNumber", self.next_line_number(journal)))
        self._check_free(journal, number, None)
        line: Record = {
            "id": str(uuid.uuid4()),
            "journalId": journal["id"],
            "journalDisplayName": journal["code"],
            "lineNumber": number,
            "customerId": EMPTY_GUID,
            "customerNumber": "",
            "contactId": "",
            "postingDate": datetime.now(UTC).date().isoformat(),
            "documentNumber": values.get("documentNumber") or self.store.payment_numbers.next(),
            "externalDocumentNumber": "",
            "amount": 0.0,
            "appliesToInvoiceId": EMPTY_GUID,
            "appliesToInvoiceNumber": "",
            "description": "",
            "comment": "",
        }
        self._apply(line, values)
        return self._table(journal).add(line)

    def update(self, journal: Record, line: Record, body: object) -> Record:
        values = validate_body(CUSTOMER_PAYMENT, body)
        if str(values.get("journalId", journal["id"])).lower() != journal["id"]:
            raise dialog(JOURNAL_ID_CHANGED)
        draft = dict(line)
        if "lineNumber" in values:
            draft["lineNumber"] = int(values.pop("lineNumber"))
            self._check_free(journal, draft["lineNumber"], line["id"])
        self._apply(draft, values)
        line.update(draft)
        self._table(journal).stamp(line)
        return line

    def delete(self, journal: Record, line: Record) -> None:
        self._table(journal).remove(line["id"])

    def post(self, journal: Record) -> None:
        """Gen. Jnl.-Post: check every line first, then post them all as customer ledger entries and empty the
        journal (all or nothing, as one transaction)."""
        payments, refunds = self.lines(journal), self.refunds.lines(journal)
        if not payments and not refunds:
            raise dialog(NOTHING_TO_POST)
        for line in payments:
            _check_postable(journal, line)
        self._check_applies(payments)
        for refund in refunds:
            self.refunds.check_postable(journal, refund)
        for line in sorted([*payments, *refunds], key=lambda each: each["lineNumber"]):
            if line in refunds:
                self.refunds.post_line(line)
                self.refunds.delete(line)
            else:
                self._post_line(line)
                self._table(journal).remove(line["id"])

    def _post_line(self, line: Record) -> None:
        amount = dec(line["amount"])
        invoice = posted_invoice(self.store, line["appliesToInvoiceId"]) or posted_invoice(
            self.store, number=line["appliesToInvoiceNumber"]
        )
        applied = apply_to_invoice(self.store, invoice, -amount) if invoice is not None else Decimal(0)
        add_ledger_entry(
            self.store, line["customerId"], line, document_type="Payment", amount=amount, remaining=amount + applied
        )

    def _apply(self, line: Record, values: dict[str, Any]) -> None:
        """Write `values` into the draft `line` the way the page's OnValidate triggers do."""
        customer_before = line["customerId"]
        if "customerId" in values or "customerNumber" in values:
            self._set_customer(line, values)
        invoice_given = "appliesToInvoiceId" in values or "appliesToInvoiceNumber" in values
        if invoice_given:
            self._set_invoice(line, values)
        plain = {k: v for k, v in values.items() if k not in _RESOLVED}
        line.update(plain)
        if line["customerId"] != customer_before and "description" not in values:
            customer = self.store.customers.get(line["customerId"])
            line["description"] = customer["displayName"] if customer else ""

    def _set_customer(self, line: Record, values: dict[str, Any]) -> None:
        customer = None
        if "customerId" in values and values["customerId"] != EMPTY_GUID:
            customer = self.store.customers.get(values["customerId"])
            if customer is None:
                raise dialog(CUSTOMER_ID_UNKNOWN)
        if values.get("customerNumber"):
            if customer is not None and customer["number"] != values["customerNumber"]:
                raise dialog(CUSTOMERS_DIFFER)
            customer = self.store.customers.find("number", values["customerNumber"])
            if customer is None:
                raise dialog(CUSTOMER_NUMBER_UNKNOWN)
        line["customerId"] = customer["id"] if customer else EMPTY_GUID
        line["customerNumber"] = customer["number"] if customer else ""

    def _set_invoice(self, line: Record, values: dict[str, Any]) -> None:
        """Only posted invoices are found: an unposted one (Draft, In Review) is refused by id like an unknown one
        and not found by number (page 30055 looks in Sales Invoice Header)."""
        invoice = None
        if values.get("appliesToInvoiceId", EMPTY_GUID) != EMPTY_GUID:
            invoice = posted_invoice(self.store, values["appliesToInvoiceId"])
            if invoice is None:
                raise dialog(INVOICE_ID_UNKNOWN)
        number = str(values.get("appliesToInvoiceNumber", "")).upper()
        if number and invoice is not None and invoice["number"] != number:
            raise dialog(INVOICES_DIFFER)
        if number and invoice is None:
            invoice = posted_invoice(self.store, number=number)
        line["appliesToInvoiceId"] = invoice["id"] if invoice else EMPTY_GUID
        line["appliesToInvoiceNumber"] = invoice["number"] if invoice else number
        if invoice is not None and line["customerId"] == EMPTY_GUID:
            line["customerId"] = invoice["billToCustomerId"]
            line["customerNumber"] = invoice["billToCustomerNumber"]

    def _check_applies(self, payments: list[Record]) -> None:
        """Gen. Jnl.-Post Line looks for the invoice a line applies to among the open ledger entries of the line's
        own customer (the page refused nothing at insert): another customer's invoice, or one an earlier line of the
        journal closed, fails the whole post."""
        left: dict[str, Decimal] = {}
        for line in payments:
            number = line["appliesToInvoiceNumber"]
            if not number:
                continue
            if number not in left:
                left[number] = open_invoice_amount(self.store, number, line["customerId"])
            if left[number] <= 0:
                raise no_open_invoice_entry(number, line["customerNumber"])
            left[number] -= min(-dec(line["amount"]), left[number])

    def _check_free(self, journal: Record, number: int, own_id: str | None) -> None:
        if any(
            x["lineNumber"] == number and x["id"] != own_id
            for x in [*self.lines(journal), *self.refunds.lines(journal)]
        ):
            raise dialog(
                "The Gen. Journal Line already exists. Identification fields and values: Journal Template Name="
                f"'{CUSTOMER_PAYMENTS_TEMPLATE}',Journal Batch Name='{journal['code']}',Line No.='{number}'"
            )

    def _table(self, journal: Record) -> Table:
        return self.store.payment_lines_of(journal["id"])


_RESOLVED = frozenset({"customerId", "customerNumber", "appliesToInvoiceId", "appliesToInvoiceNumber", "journalId"})


def _next_line_number(lines: list[Record]) -> int:
    return max((line["lineNumber"] for line in lines), default=0) + SEQUENCE_STEP


def _check_postable(journal: Record, line: Record) -> None:
    """Gen. Jnl.-Check Line as BC words a TestField; the sign rule's wording is assumed."""
    where = (
        f"in Gen. Journal Line: Journal Template Name={CUSTOMER_PAYMENTS_TEMPLATE}, Journal Batch Name="
        f"{journal['code']}, Line No.={line['lineNumber']}"
    )
    if line["customerId"] == EMPTY_GUID:
        raise dialog(f"Account No. must have a value {where}. It cannot be zero or empty.")
    if not line["amount"]:
        raise dialog(f"Amount must have a value {where}. It cannot be zero or empty.")
    if line["amount"] > 0:
        raise dialog(f"Amount must be negative {where}.")


KOPPEL_JOURNAL_ID = "6b0f1c2e-5a4d-4e8b-9c3f-00000000a001"
GENERAL_JOURNAL_ID = "6b0f1c2e-5a4d-4e8b-9c3f-00000000a002"
BANK_ACCOUNT_NUMBER = "1300"
"""The demo data's bank G/L account, the KOPPEL batch's "Bal. Account No." (the lines Koppel adds name none)."""


def seed_journals(store: Store) -> None:
    """The customer payment journal KOPPEL (template KASONTV, balanced against the bank account when the demo data
    has one) and a general journal STANDAARD, with fixed ids."""
    journal: Record = {
        "code": "KOPPEL",
        "displayName": "Betalingen uit Koppel",
        "balancingAccountId": EMPTY_GUID,
        "balancingAccountNumber": "",
    }
    bank = store.accounts.find("number", BANK_ACCOUNT_NUMBER)
    balanced = {"balancingAccountId": bank["id"], "balancingAccountNumber": bank["number"]} if bank else {}
    store.customer_payment_journals.add(
        {**journal, **balanced, "id": KOPPEL_JOURNAL_ID, "templateDisplayName": CUSTOMER_PAYMENTS_TEMPLATE}
    )
    store.journals.add(
        {
            **journal,
            "id": GENERAL_JOURNAL_ID,
            "code": "STANDAARD",
            "displayName": "Standaard",
            "templateDisplayName": GENERAL_TEMPLATE,
        }
    )
