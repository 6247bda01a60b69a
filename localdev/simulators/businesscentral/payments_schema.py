"""API v2.0 entity types of invoicing and payments.

Field names follow the APIV2 pages in microsoft/BCApps (src/Apps/W1/APIV2/app/src/pages/) and the v2.0 API reference:
salesInvoices 30012, salesInvoiceLines 30043, salesCreditMemos 30038, customerPaymentJournals 30013, customerPayments
30055, journals 30016, subscriptions (the platform's webhook entity). Posted documents are read-only here; the
simulator serves a subset of the header fields (see PAYMENTS.md).
"""

from __future__ import annotations

from localdev.simulators.businesscentral.schema import SALES_ORDER_LINE, EntityType, Kind, Prop, page_variable, ro, rw

POSTED_STATUSES = ("Draft", "In Review", "Open", "Paid", "Canceled", "Corrective")


def _posted_header(date_field: str) -> tuple[Prop, ...]:
    return (
        ro("id", Kind.GUID),
        ro("number"),
        ro("externalDocumentNumber"),
        ro(date_field, Kind.DATE),
        ro("postingDate", Kind.DATE),
        ro("dueDate", Kind.DATE),
        ro("customerId", Kind.GUID),
        ro("customerNumber"),
        ro("customerName"),
        ro("billToCustomerId", Kind.GUID),
        ro("billToCustomerNumber"),
        ro("billToName"),
        page_variable(ro("currencyCode")),
        ro("pricesIncludeTax", Kind.BOOL),
        ro("discountAmount", Kind.DECIMAL),
        ro("totalAmountExcludingTax", Kind.DECIMAL),
        ro("totalTaxAmount", Kind.DECIMAL),
        ro("totalAmountIncludingTax", Kind.DECIMAL),
        ro("status", Kind.ENUM, POSTED_STATUSES),
        ro("lastModifiedDateTime", Kind.DATETIME),
    )


SALES_INVOICE = EntityType(
    "salesInvoice",
    "salesInvoices",
    (
        *_posted_header("invoiceDate"),
        ro("orderId", Kind.GUID),
        ro("orderNumber"),
        page_variable(ro("remainingAmount", Kind.DECIMAL)),
    ),
    frozenset({"salesInvoiceLines"}),
)
"""APIV2 page 30012 (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2SalesInvoices.Page.al): currencyCode is
the page variable CurrencyCodeTxt, remainingAmount the page variable RemainingAmountVar: neither can be filtered on.
The same CurrencyCodeTxt on salesCreditMemos (APIV2SalesCreditMemos.Page.al)."""

SALES_INVOICE_LINE = EntityType(
    "salesInvoiceLine",
    "salesInvoiceLines",
    (
        ro("id", Kind.GUID),
        ro("documentId", Kind.GUID),
        ro("sequence", Kind.INT),
        ro("itemId", Kind.GUID),
        ro("accountId", Kind.GUID),
        ro("lineType", Kind.ENUM),
        ro("lineObjectNumber"),
        ro("description"),
        ro("unitOfMeasureCode"),
        ro("quantity", Kind.DECIMAL),
        ro("unitPrice", Kind.DECIMAL),
        ro("discountAmount", Kind.DECIMAL),
        ro("discountPercent", Kind.DECIMAL),
        ro("amountExcludingTax", Kind.DECIMAL),
        ro("taxCode"),
        ro("taxPercent", Kind.DECIMAL),
        ro("totalTaxAmount", Kind.DECIMAL),
        ro("amountIncludingTax", Kind.DECIMAL),
        ro("netAmount", Kind.DECIMAL),
        ro("netTaxAmount", Kind.DECIMAL),
        ro("netAmountIncludingTax", Kind.DECIMAL),
        ro("shipmentDate", Kind.DATE),
        ro("itemVariantId", Kind.GUID),
        ro("locationId", Kind.GUID),
    ),
    key_order=("sequence",),
)

_CREDIT_MEMO_WRITABLE = {
    "externalDocumentNumber": rw("externalDocumentNumber", Kind.STRING, 35),
    "creditMemoDate": rw("creditMemoDate", Kind.DATE),
    "postingDate": rw("postingDate", Kind.DATE),
    "dueDate": rw("dueDate", Kind.DATE),
    "customerId": rw("customerId", Kind.GUID),
    "customerNumber": rw("customerNumber", Kind.STRING, 20),
    "currencyCode": page_variable(rw("currencyCode", Kind.STRING, 10)),
}

SALES_CREDIT_MEMO = EntityType(
    "salesCreditMemo",
    "salesCreditMemos",
    (
        *(_CREDIT_MEMO_WRITABLE.get(prop.name, prop) for prop in _posted_header("creditMemoDate")),
        rw("invoiceId", Kind.GUID),
        rw("invoiceNumber", Kind.STRING, 20),
        ro("discountAppliedBeforeTax", Kind.BOOL),
    ),
    frozenset({"salesCreditMemoLines"}),
)
"""APIV2 page 30038 (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2SalesCreditMemos.Page.al): a POST takes the
customer, dates, external document number, currency and the invoice applied to; pricesIncludeTax and the totals are
read-only (the simulator serves a subset of the page's fields; billTo*, addresses and discountAmount are not writable
here)."""

_ORDER_ONLY = frozenset({"shippedQuantity", "invoicedQuantity", "invoiceQuantity", "shipQuantity"})

SALES_CREDIT_MEMO_LINE = EntityType(
    "salesCreditMemoLine",
    "salesCreditMemoLines",
    tuple(prop for prop in SALES_ORDER_LINE.props if prop.name not in _ORDER_ONLY),
    key_order=("sequence",),
    internal=SALES_ORDER_LINE.internal,
)
"""APIV2 page 30046 (APIV2SalesCreditMemLines.Page.al): the fields of salesOrderLines without the shipping ones."""

_JOURNAL_PROPS = (
    ro("id", Kind.GUID),
    ro("code"),
    ro("displayName"),
    ro("lastModifiedDateTime", Kind.DATETIME),
    ro("balancingAccountId", Kind.GUID),
    ro("balancingAccountNumber"),
)

CUSTOMER_PAYMENT_JOURNAL = EntityType(
    "customerPaymentJournal",
    "customerPaymentJournals",
    _JOURNAL_PROPS,
    frozenset({"customerPayments"}),
    key_order=("code",),
    internal=("templateDisplayName",),
)

JOURNAL = EntityType(
    "journal",
    "journals",
    (*_JOURNAL_PROPS[:3], ro("templateDisplayName"), *_JOURNAL_PROPS[3:]),
    key_order=("code",),
)

CUSTOMER_PAYMENT = EntityType(
    "customerPayment",
    "customerPayments",
    (
        ro("id", Kind.GUID),
        rw("journalId", Kind.GUID),
        ro("journalDisplayName"),
        rw("lineNumber", Kind.INT),
        rw("customerId", Kind.GUID),
        rw("customerNumber", Kind.STRING, 20),
        rw("contactId", Kind.STRING, 250),
        rw("postingDate", Kind.DATE),
        rw("documentNumber", Kind.STRING, 20),
        rw("externalDocumentNumber", Kind.STRING, 35),
        rw("amount", Kind.DECIMAL),
        rw("appliesToInvoiceId", Kind.GUID),
        rw("appliesToInvoiceNumber", Kind.STRING, 20),
        rw("description", Kind.STRING, 100),
        rw("comment", Kind.STRING, 250),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    key_order=("lineNumber",),
)

CUSTOMER_REFUND = EntityType(
    "customerRefund",
    "customerRefunds",
    (
        ro("id", Kind.GUID),
        rw("journalId", Kind.GUID),
        ro("journalDisplayName"),
        ro("lineNumber", Kind.INT),
        rw("customerId", Kind.GUID),
        rw("customerNumber", Kind.STRING, 20),
        rw("postingDate", Kind.DATE),
        rw("documentNumber", Kind.STRING, 20),
        rw("externalDocumentNumber", Kind.STRING, 35),
        rw("amount", Kind.DECIMAL),
        rw("appliesToCreditMemoId", Kind.GUID),
        ro("appliesToCreditMemoNumber"),
        rw("description", Kind.STRING, 100),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    key_order=("lineNumber",),
)
"""Not standard BC: Koppel's own API page (koppel/payments/v1.0) over Gen. Journal Lines of Document Type Refund in a
customer payment journal; see PAYMENTS.md."""

KOPPEL_POSTED_SALES_CREDIT_MEMO = EntityType(
    "postedSalesCreditMemo",
    "postedSalesCreditMemos",
    (
        ro("id", Kind.GUID),
        ro("draftCreditMemoId", Kind.GUID),
        ro("number"),
        ro("externalDocumentNumber"),
        ro("postingDate", Kind.DATE),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    namespace="koppel.payments",
)
"""Not standard BC: Koppel's read-only page 50103 (koppel/payments/v1.0) over table 114 "Sales Cr.Memo Header": the
posted credit memos only (salesCreditMemos lists unposted ones too). `id` is the header's own SystemId,
`draftCreditMemoId` the id of the unposted credit memo it was posted from, which salesCreditMemos keeps serving."""

SUBSCRIPTION = EntityType(
    "subscription",
    "subscriptions",
    (
        ro("subscriptionId"),
        rw("notificationUrl"),
        rw("resource"),
        ro("userId", Kind.GUID),
        ro("lastModifiedDateTime", Kind.DATETIME),
        rw("clientState", Kind.STRING, 2048),
        ro("expirationDateTime", Kind.DATETIME),
    ),
    key_order=("subscriptionId",),
)

PAYMENT_ENTITY_TYPES: tuple[EntityType, ...] = (
    SALES_INVOICE,
    SALES_INVOICE_LINE,
    SALES_CREDIT_MEMO,
    SALES_CREDIT_MEMO_LINE,
    CUSTOMER_PAYMENT_JOURNAL,
    JOURNAL,
    CUSTOMER_PAYMENT,
    SUBSCRIPTION,
)
