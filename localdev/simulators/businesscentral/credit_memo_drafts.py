"""salesCreditMemos made through API v2.0: POST a draft, its salesCreditMemoLines, and Microsoft.NAV.post.

As page 30038 "APIV2 - Sales Credit Memos" and page 30046 "APIV2 - Sales Credit Mem Lines" do it (microsoft/BCApps
src/Apps/W1/APIV2/app/src/pages/APIV2SalesCreditMemos.Page.al, APIV2SalesCreditMemLines.Page.al, codeunit 5508
src/Layers/W1/BaseApp/Integration/Graph/GraphMgtSalCrMemoBuf.Codeunit.al): a credit memo is created as a Draft with a
number from the unposted series, in its bill-to customer's pricesIncludeTax; invoiceId must name a posted invoice and
copies no lines. Lines are validated as sales order lines are (sales_orders.py), except that the page validates
unitPrice before quantity: an item line written with a quantity gets BC's price. Posting goes through
credit_memos.post_draft_credit_memo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from localdev.simulators.businesscentral.credit_memos import (
    check_approved,
    post_draft_credit_memo,
    posted_credit_memo,
)
from localdev.simulators.businesscentral.errors import bad_request, dialog
from localdev.simulators.businesscentral.invoicing import no_open_invoice_entry, open_invoice_amount, posted_invoice
from localdev.simulators.businesscentral.payments_schema import SALES_CREDIT_MEMO, SALES_CREDIT_MEMO_LINE
from localdev.simulators.businesscentral.pricing import recalculate
from localdev.simulators.businesscentral.sales_orders import (
    LOCAL_CURRENCY,
    SalesOrders,
    bill_to_customer,
    blank_document_line,
    commit,
    fill_from_customer,
    next_sequence,
)
from localdev.simulators.businesscentral.schema import EMPTY_GUID
from localdev.simulators.businesscentral.store import Record, Store
from localdev.simulators.businesscentral.validation import validate_body

CUSTOMER_NOT_PROVIDED = 'A "customerNumber" or a "customerId" must be provided.'
CUSTOMER_NOT_FOUND = "The sell-to customer cannot be found."
CUSTOMERS_DIFFER = "The sell-to customer values do not match to a specific Customer."
CURRENCY_UNKNOWN = 'The "currencyCode" does not match to a Currency.'
INVOICE_UNKNOWN = 'The "invoiceId" does not match to an Invoice.'
INVOICES_DIFFER = 'The "invoiceId" and "invoiceNumber" do not match to a specific Invoice.'
POSTED = "The credit memo has been posted and can no longer be modified."
DRAFT_ONLY = "The action can be applied to a draft credit memo only."
NO_LINES = "Please add at least one line item to the credit memo."
NOTHING_TO_POST = "There is nothing to post because the document does not contain a quantity or amount."
"""Document Errors Mgt.'s NothingToPostErr, which Sales-Post raises for a document of comment lines only."""
ITEM_UNKNOWN = "Item does not exist."
ACCOUNT_UNKNOWN = "Account does not exist."
BOTH_ITEM_AND_ACCOUNT = 'Both "itemId" and "accountId" are specified. Specify only one of them.'
OBJECT_NUMBER_FIXED = 'The value for "lineObjectNumber" cannot be modified.'
SEQUENCE_FIXED = 'The value for "sequence" cannot be modified. Delete and insert the line again.'
LOCATION_UNKNOWN = (
    "The field Location Id of table Sales Invoice Line Aggregate contains a value ({{{location_id}}}) that cannot be "
    "found in the related table (Location)."
)
"""The platform's refusal of a locationId its TableRelation (Location.SystemId) does not find, the GUID as AL formats
it (the wording is the simulator's; BC's own check is not seen in the AL source)."""
_DATES = ("creditMemoDate", "postingDate", "dueDate")
_LINE_SET = "salesCreditMemoLine"


class SalesCreditMemoDrafts:
    """Creates draft credit memos and changes their lines; every method validates fully before it writes."""

    def __init__(self, store: Store, orders: SalesOrders) -> None:
        self.store = store
        self.orders = orders
        """Validates lines as sales order lines are validated."""

    def create(self, body: object) -> Record:
        values = validate_body(SALES_CREDIT_MEMO, body)
        customer = self._sell_to(values)
        if customer["blocked"] == "All":
            raise dialog(
                f"You cannot create this type of document when Customer {customer['number']} is blocked with type All"
            )
        bill_to = bill_to_customer(self.store, customer)
        today = datetime.now(UTC).date().isoformat()
        memo: Record = {
            "id": self.orders.new_id(),
            "number": self.store.draft_credit_memo_numbers.next(),
            "externalDocumentNumber": values.get("externalDocumentNumber", ""),
            "pricesIncludeTax": bool(bill_to.get("pricesIncludeTax", False)),
            "discountAmount": 0.0,
            "status": "Draft",
            "invoiceId": EMPTY_GUID,
            "invoiceNumber": "",
            **{name: values.get(name, today) for name in _DATES},
        }
        fill_from_customer(memo, customer, bill_to)
        if "currencyCode" in values:
            memo["currencyCode"] = _currency(values["currencyCode"])
        self._apply_to_invoice(memo, values)
        recalculate(memo, [])
        return self.store.sales_credit_memos.add(memo)

    def lines(self, memo: Record) -> list[Record]:
        return sorted(self.store.credit_memo_lines_of(memo["id"]).values(), key=lambda line: line["sequence"])

    def add_line(self, memo: Record, body: object) -> Record:
        values = self._line_values(memo, None, body)
        existing = self.lines(memo)
        sequence = next_sequence(existing, values, _LINE_SET)
        line = blank_document_line(memo["id"], sequence, self.orders.new_id(), memo["creditMemoDate"])
        self.orders.validate_line(memo, line, values, new=True, unit_price_first=True)
        draft = dict(memo)
        recalculate(draft, [*(dict(x) for x in existing), line])
        added = self.store.credit_memo_lines_of(memo["id"]).add(line)
        self._commit(memo, draft, [added, *(dict(x) for x in existing)])
        return added

    def update_line(self, memo: Record, line: Record, body: object) -> Record:
        values = self._line_values(memo, line, body)
        if values.pop("sequence", line["sequence"]) != line["sequence"]:
            raise dialog(SEQUENCE_FIXED)
        changed = dict(line)
        self.orders.validate_line(memo, changed, values, new=False, unit_price_first=True)
        draft = dict(memo)
        lines = [changed if x["id"] == line["id"] else dict(x) for x in self.lines(memo)]
        recalculate(draft, lines)
        self._commit(memo, draft, lines)
        return line

    def delete_line(self, memo: Record, line: Record) -> None:
        self._check_draft(memo)
        self.store.credit_memo_lines_of(memo["id"]).remove(line["id"])
        draft = dict(memo)
        lines = [dict(x) for x in self.lines(memo)]
        recalculate(draft, lines)
        self._commit(memo, draft, lines)

    def post(self, memo: Record) -> None:
        """Microsoft.NAV.post, on the credit memo's postingDate, checked in the order BC checks: not posted yet
        (GetDraftCreditMemo: a released one posts too), a line of any type (PostCreditMemo: SalesLinesExist), not
        pending approval, something to post (Sales-Post), and for one applied to an invoice, the invoice's ledger
        entry open for the bill-to customer (Gen. Jnl.-Post Line). Item lines bring their units back into stock (a
        Sale item ledger entry with a positive quantity)."""
        if posted_credit_memo(self.store, memo["id"]) is not None:
            raise dialog(DRAFT_ONLY)
        lines = self.lines(memo)
        if not lines:
            raise dialog(NO_LINES)
        check_approved(memo)
        if all(line["lineType"] == "Comment" or not line["quantity"] for line in lines):
            raise dialog(NOTHING_TO_POST)
        number = memo["invoiceNumber"]
        if number and open_invoice_amount(self.store, number, memo["billToCustomerId"]) <= 0:
            raise no_open_invoice_entry(number, memo["billToCustomerNumber"])
        posting_date = date.fromisoformat(memo["postingDate"])
        post_draft_credit_memo(self.store, memo, posting_date)
        for line in lines:
            if line["lineType"] == "Item" and line["quantity"]:
                self.orders.book_shipment(memo, line, -line["quantity"], posting_date)

    def _line_values(self, memo: Record, line: Record | None, body: object) -> dict[str, Any]:
        values = validate_body(SALES_CREDIT_MEMO_LINE, body)
        if str(values.get("documentId", memo["id"])).lower() != memo["id"]:
            raise bad_request("The documentId does not match the sales credit memo in the URL.")
        self._check_draft(memo)
        self._check_references(line, values)
        return values

    def _check_references(self, line: Record | None, values: dict[str, Any]) -> None:
        """The page's own checks of itemId, accountId and lineObjectNumber (resolved by the line's type), before the
        Sales Line validates them; a locationId must name a location (Sales Invoice Line Aggregate's TableRelation)."""
        store = self.store
        if values.get("itemId", EMPTY_GUID) != EMPTY_GUID and values.get("accountId", EMPTY_GUID) != EMPTY_GUID:
            raise dialog(BOTH_ITEM_AND_ACCOUNT)
        number = values.get("lineObjectNumber")
        if line is not None and number is not None and line["lineObjectNumber"] not in ("", number):
            raise dialog(OBJECT_NUMBER_FIXED)
        line_type = values.get("lineType") or (line["lineType"] if line is not None else "Comment")
        if "itemId" in values and store.items.get(values["itemId"]) is None:
            raise dialog(ITEM_UNKNOWN)
        if "accountId" in values and store.accounts.get(values["accountId"]) is None:
            raise dialog(ACCOUNT_UNKNOWN)
        if number and line_type in ("Item", "Comment") and store.items.find("number", number) is None:
            raise dialog(ITEM_UNKNOWN)
        if number and line_type == "Account" and store.accounts.find("number", number) is None:
            raise dialog(ACCOUNT_UNKNOWN)
        location_id = values.get("locationId", EMPTY_GUID)
        if location_id != EMPTY_GUID and store.locations.get(location_id) is None:
            raise dialog(LOCATION_UNKNOWN.format(location_id=location_id.upper()))

    def _check_draft(self, memo: Record) -> None:
        if posted_credit_memo(self.store, memo["id"]) is not None:
            raise dialog(POSTED)

    def _commit(self, memo: Record, draft: Record, lines: list[Record]) -> None:
        commit(memo, draft, lines, self.store.credit_memo_lines_of(memo["id"]), self.store.sales_credit_memos)

    def _sell_to(self, values: dict[str, Any]) -> Record:
        """The customer named by customerId and / or customerNumber, as the page's CheckSellToCustomerSpecified and
        sell-to validation refuse them."""
        if "customerId" not in values and "customerNumber" not in values:
            raise dialog(CUSTOMER_NOT_PROVIDED)
        customers = self.store.customers
        by_id = customers.get(values["customerId"]) if "customerId" in values else None
        by_number = customers.find("number", values["customerNumber"]) if "customerNumber" in values else None
        if ("customerId" in values and by_id is None) or ("customerNumber" in values and by_number is None):
            raise dialog(CUSTOMER_NOT_FOUND)
        if by_id is not None and by_number is not None and by_id is not by_number:
            raise dialog(CUSTOMERS_DIFFER)
        customer = by_id or by_number
        assert customer is not None
        return customer

    def _apply_to_invoice(self, memo: Record, values: dict[str, Any]) -> None:
        """invoiceId must be a posted invoice (any status); invoiceNumber is taken as sent, and both must agree.
        invoiceId is served from the number (SetInvoiceId): blank when the number is no posted invoice's."""
        number = values.get("invoiceNumber")
        if values.get("invoiceId", EMPTY_GUID) != EMPTY_GUID:
            invoice = posted_invoice(self.store, invoice_id=values["invoiceId"])
            if invoice is None:
                raise dialog(INVOICE_UNKNOWN)
            if number is not None and number != invoice["number"]:
                raise dialog(INVOICES_DIFFER)
            memo.update(invoiceId=invoice["id"], invoiceNumber=invoice["number"])
        elif number:
            invoice = posted_invoice(self.store, number=number)
            memo.update(invoiceId=invoice["id"] if invoice is not None else EMPTY_GUID, invoiceNumber=number)


def _currency(code: str) -> str:
    """The local currency is stored blank (TranslateCurrencyCodeToNAVCurrencyCode); the simulator knows no other."""
    if code not in ("", LOCAL_CURRENCY):
        raise dialog(CURRENCY_UNKNOWN)
    return ""
