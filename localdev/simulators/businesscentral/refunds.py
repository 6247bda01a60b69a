"""Koppel's own API page `customerRefunds` (not standard BC: API v2.0 has no refund document): Gen. Journal Lines of
Document Type Refund in a customer payment journal, applied to a posted sales credit memo, posted with the journal's
standard post action.

As a partner would write it: the customer is filled from the credit memo when none is given, an unknown journal,
customer or credit memo (an unposted one too: the page looks it up as GetSalesCrMemoHeaderFromId does, by either of
its ids) and a credit memo of another customer are refused at once (messages assumed), and posting
checks that the amount is positive (a refund debits the customer) and the customer is set.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from localdev.simulators.businesscentral.credit_memos import api_id, posted_credit_memo
from localdev.simulators.businesscentral.errors import dialog
from localdev.simulators.businesscentral.invoicing import add_ledger_entry
from localdev.simulators.businesscentral.payments_schema import CUSTOMER_REFUND
from localdev.simulators.businesscentral.pricing import dec
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.store import Record, Store
from localdev.simulators.businesscentral.validation import validate_body

JOURNAL_UNKNOWN = 'The "journalId" does not match to a customer payment journal.'
CUSTOMER_NUMBER_UNKNOWN = 'The "customerNumber" does not match to a Customer.'
CUSTOMER_ID_UNKNOWN = 'The "customerId" does not match to a Customer.'
CREDIT_MEMO_UNKNOWN = 'The "appliesToCreditMemoId" should be the ID of a posted Sales Credit Memo.'
_ZERO = Decimal(0)


class CustomerRefunds:
    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[Record]:
        """Every refund line of every customer payment journal, by journal and line number."""
        return sorted(
            (line for table in self.store.refund_lines.values() for line in table.values()),
            key=lambda line: (line["journalId"], line["lineNumber"]),
        )

    def lines(self, journal: Record) -> list[Record]:
        return sorted(self.store.refund_lines_of(journal["id"]).values(), key=lambda line: line["lineNumber"])

    def get(self, line_id: str) -> Record | None:
        return next((line for line in self.all() if line["id"] == line_id), None)

    def create(self, body: object, next_line_number: int) -> Record:
        values = validate_body(CUSTOMER_REFUND, body)
        journal = self.store.customer_payment_journals.get(str(values.get("journalId", "")).lower())
        if journal is None:
            raise dialog(JOURNAL_UNKNOWN)
        line: Record = {
            "id": str(uuid.uuid4()),
            "journalId": journal["id"],
            "journalDisplayName": journal["code"],
            "lineNumber": next_line_number,
            "customerId": EMPTY_GUID,
            "customerNumber": "",
            "postingDate": values.get("postingDate") or datetime.now(UTC).date().isoformat(),
            "documentNumber": values.get("documentNumber") or self.store.payment_numbers.next(),
            "externalDocumentNumber": str(values.get("externalDocumentNumber", "")).upper(),
            "amount": float(values.get("amount", 0)),
            "appliesToCreditMemoId": EMPTY_GUID,
            "appliesToCreditMemoNumber": "",
            "description": values.get("description", ""),
        }
        self._set_customer(line, values)
        self._set_credit_memo(line, values)
        return self.store.refund_lines_of(journal["id"]).add(line)

    def delete(self, line: Record) -> None:
        self.store.refund_lines_of(line["journalId"]).remove(line["id"])

    def check_postable(self, journal: Record, line: Record) -> None:
        """As Gen. Jnl.-Check Line words a TestField; the sign rule's wording is assumed."""
        where = (
            f"in Gen. Journal Line: Journal Template Name={journal.get('templateDisplayName', '')}, Journal Batch "
            f"Name={journal['code']}, Line No.={line['lineNumber']}"
        )
        if line["customerId"] == EMPTY_GUID:
            raise dialog(f"Account No. must have a value {where}. It cannot be zero or empty.")
        if not line["amount"]:
            raise dialog(f"Amount must have a value {where}. It cannot be zero or empty.")
        if line["amount"] < 0:
            raise dialog(f"Amount must be positive {where}.")

    def post_line(self, line: Record) -> None:
        """A refund customer ledger entry (positive), applied to its credit memo's open entry: what is applied
        closes the credit memo (status Paid, a new ETag) once nothing of it is left open."""
        amount = dec(line["amount"])
        memo = self.store.sales_credit_memos.get(line["appliesToCreditMemoId"])
        applied = _ZERO
        if memo is not None:
            entry = next(
                e
                for e in self.store.customer_ledger
                if e.document_type == "Credit Memo" and e.document_number == memo["number"]
            )
            applied = min(amount, -entry.remaining)
            entry.remaining += applied
            if entry.remaining == 0:
                memo["status"] = "Paid"
            self.store.sales_credit_memos.stamp(memo)
        add_ledger_entry(
            self.store, line["customerId"], line, document_type="Refund", amount=amount, remaining=amount - applied
        )

    def _set_customer(self, line: Record, values: dict[str, object]) -> None:
        customer = None
        if values.get("customerId", EMPTY_GUID) != EMPTY_GUID:
            customer = self.store.customers.get(str(values["customerId"]))
            if customer is None:
                raise dialog(CUSTOMER_ID_UNKNOWN)
        if values.get("customerNumber"):
            customer = self.store.customers.find("number", values["customerNumber"])
            if customer is None:
                raise dialog(CUSTOMER_NUMBER_UNKNOWN)
        if customer is not None:
            line["customerId"], line["customerNumber"] = customer["id"], customer["number"]

    def _set_credit_memo(self, line: Record, values: dict[str, object]) -> None:
        memo_id = str(values.get("appliesToCreditMemoId", EMPTY_GUID))
        if memo_id == EMPTY_GUID:
            return
        header = posted_credit_memo(self.store, memo_id)
        memo = self.store.sales_credit_memos.get(api_id(header)) if header is not None else None
        if memo is None:
            raise dialog(CREDIT_MEMO_UNKNOWN)
        if line["customerId"] == EMPTY_GUID:
            line["customerId"], line["customerNumber"] = memo["billToCustomerId"], memo["billToCustomerNumber"]
        if line["customerId"] != memo["billToCustomerId"]:
            raise dialog(
                f"Credit memo {memo['number']} is not an open entry of customer {line['customerNumber']}; "
                "a refund can only be applied to a credit memo of the same customer."
            )
        line["appliesToCreditMemoId"], line["appliesToCreditMemoNumber"] = memo["id"], memo["number"]
