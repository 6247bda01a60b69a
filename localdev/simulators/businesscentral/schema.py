"""The entity types the simulator serves: property names, kinds, editability and length limits."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
"""How BC writes an empty reference."""
EMPTY_DATE = "0001-01-01"
"""How BC serves a date field that holds no date."""


class Kind(Enum):
    """A property's EDM type, as the OData layer names it."""

    GUID = "Edm.Guid"
    STRING = "Edm.String"
    ENUM = "Edm.Enum"
    DECIMAL = "Edm.Decimal"
    INT = "Edm.Int32"
    BOOL = "Edm.Boolean"
    DATE = "Edm.Date"
    DATETIME = "Edm.DateTimeOffset"


CODE_FIELDS = frozenset(
    {
        "number", "externalDocumentNumber", "customerNumber", "billToCustomerNumber", "lineObjectNumber",
        "itemNumber", "code", "currencyCode", "taxCode", "taxGroupCode", "unitOfMeasureCode",
        "baseUnitOfMeasureCode", "salesperson", "salespersonCode", "shortcutDimension1Code", "shortcutDimension2Code",
        "itemCategoryCode", "generalProductPostingGroupCode", "inventoryPostingGroupCode", "vendorNumber",
        "payToVendorNumber", "purchaser", "documentNumber", "sourceNumber", "internationalStandardCode",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Prop:
    name: str
    kind: Kind
    editable: bool
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    code: bool = False
    """A Code field whatever its name (the OData v4 names of published pages are not in CODE_FIELDS)."""
    page_variable: bool = False
    """Bound to a variable of the API page, not to a table field: served, written, never filtered on (BC turns a
    $filter into filters on the source table's fields)."""

    @property
    def is_code(self) -> bool:
        """A BC Code field: stored in upper case, compared without regard to case."""
        return self.code or self.name in CODE_FIELDS


@dataclass(frozen=True)
class EntityType:
    name: str
    set_name: str
    props: tuple[Prop, ...]
    navigation: frozenset[str] = field(default_factory=frozenset)
    key_order: tuple[str, ...] = ("number",)
    """The order of a collection without $orderby: BC's primary key."""
    internal: tuple[str, ...] = ()
    """Fields the table holds but the page does not show: stored, never served, never filtered on."""
    namespace: str = "Microsoft.NAV"

    @property
    def type_name(self) -> str:
        return f"{self.namespace}.{self.name}"

    @property
    def stored_names(self) -> tuple[str, ...]:
        return (*(p.name for p in self.props), *self.internal)

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    @property
    def enums(self) -> frozenset[str]:
        """The enum properties: served by their members' OData names."""
        return frozenset(p.name for p in self.props if p.kind is Kind.ENUM)


def rw(name: str, kind: Kind = Kind.STRING, max_length: int | None = None, choices: tuple[str, ...] = ()) -> Prop:
    return Prop(name, kind, True, max_length, choices)


def ro(name: str, kind: Kind = Kind.STRING, choices: tuple[str, ...] = ()) -> Prop:
    return Prop(name, kind, False, None, choices)


def page_variable(prop: Prop) -> Prop:
    return dataclasses.replace(prop, page_variable=True)


def address_props(prefix: str, editable: bool) -> tuple[Prop, ...]:
    limits = (
        ("AddressLine1", 100),
        ("AddressLine2", 50),
        ("City", 30),
        ("Country", 10),
        ("State", 30),
        ("PostCode", 20),
    )
    return tuple(Prop(f"{prefix}{suffix}", Kind.STRING, editable, length) for suffix, length in limits)


CUSTOMER_BLOCKED = (" ", "Ship", "Invoice", "All")
LINE_TYPES = ("Comment", "Account", "Item", "Resource", "Fixed Asset", "Charge")

COMPANY = EntityType(
    "company",
    "companies",
    (
        ro("id", Kind.GUID),
        ro("systemVersion"),
        ro("name"),
        ro("displayName"),
        ro("businessProfileId"),
        ro("systemCreatedAt", Kind.DATETIME),
        ro("systemModifiedAt", Kind.DATETIME),
    ),
    key_order=("name",),
)

CUSTOMER = EntityType(
    "customer",
    "customers",
    (
        ro("id", Kind.GUID),
        ro("number"),
        rw("displayName", Kind.STRING, 100),
        rw("type", Kind.ENUM, choices=("Person", "Company")),
        rw("addressLine1", Kind.STRING, 100),
        rw("addressLine2", Kind.STRING, 50),
        rw("city", Kind.STRING, 30),
        rw("state", Kind.STRING, 30),
        rw("country", Kind.STRING, 10),
        rw("postalCode", Kind.STRING, 20),
        rw("phoneNumber", Kind.STRING, 30),
        rw("email", Kind.STRING, 80),
        rw("website", Kind.STRING, 80),
        rw("salespersonCode", Kind.STRING, 20),
        ro("balanceDue", Kind.DECIMAL),
        rw("creditLimit", Kind.DECIMAL),
        rw("taxLiable", Kind.BOOL),
        page_variable(rw("taxRegistrationNumber", Kind.STRING, 20)),
        page_variable(rw("currencyCode", Kind.STRING, 10)),
        rw("paymentTermsId", Kind.GUID),
        rw("shipmentMethodId", Kind.GUID),
        rw("paymentMethodId", Kind.GUID),
        rw("blocked", Kind.ENUM, choices=CUSTOMER_BLOCKED),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    internal=("customerPriceGroup", "billToCustomerNumber", "pricesIncludeTax", "locationCode"),
)
"""APIV2 page 30009 (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2Customers.Page.al): taxRegistrationNumber
is the page variable TaxRegistrationNumber (filled from "VAT Registration No." in OnAfterGetRecord), currencyCode the
page variable CurrencyCodeTxt. pricesIncludeTax is the card's "Prices Including VAT" (not on the page; absent:
false), which a credit memo takes from its bill-to customer."""

ACCOUNT = EntityType(
    "account",
    "accounts",
    (
        ro("id", Kind.GUID),
        ro("number"),
        ro("displayName"),
        ro("category", Kind.ENUM),
        ro("subCategory"),
        ro("blocked", Kind.BOOL),
        ro("accountType", Kind.ENUM),
        ro("directPosting", Kind.BOOL),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    internal=("vatProductPostingGroup",),
)
"""The G/L account card's VAT Prod. Posting Group is not on APIV2 accounts (APIV2Accounts.Page.al, BCApps): a sales
line on the account takes it (Sales Line "No." OnValidate)."""

SALES_ORDER = EntityType(
    "salesOrder",
    "salesOrders",
    (
        ro("id", Kind.GUID),
        ro("number"),
        rw("externalDocumentNumber", Kind.STRING, 35),
        rw("orderDate", Kind.DATE),
        rw("postingDate", Kind.DATE),
        rw("customerId", Kind.GUID),
        rw("customerNumber", Kind.STRING, 20),
        ro("customerName"),
        rw("billToCustomerId", Kind.GUID),
        rw("billToCustomerNumber", Kind.STRING, 20),
        ro("billToName"),
        rw("shipToName", Kind.STRING, 100),
        rw("shipToContact", Kind.STRING, 100),
        *address_props("sellTo", editable=True),
        *address_props("billTo", editable=False),
        *address_props("shipTo", editable=True),
        rw("shortcutDimension1Code", Kind.STRING, 20),
        rw("shortcutDimension2Code", Kind.STRING, 20),
        rw("currencyId", Kind.GUID),
        page_variable(rw("currencyCode", Kind.STRING, 10)),
        rw("pricesIncludeTax", Kind.BOOL),
        rw("paymentTermsId", Kind.GUID),
        rw("shipmentMethodId", Kind.GUID),
        rw("salesperson", Kind.STRING, 20),
        rw("partialShipping", Kind.BOOL),
        rw("requestedDeliveryDate", Kind.DATE),
        rw("discountAmount", Kind.DECIMAL),
        ro("discountAppliedBeforeTax", Kind.BOOL),
        ro("totalAmountExcludingTax", Kind.DECIMAL),
        ro("totalTaxAmount", Kind.DECIMAL),
        ro("totalAmountIncludingTax", Kind.DECIMAL),
        rw("fullyShipped", Kind.BOOL),
        ro("status", Kind.ENUM, ("Draft", "In Review", "Open")),
        ro("lastModifiedDateTime", Kind.DATETIME),
        rw("phoneNumber", Kind.STRING, 30),
        rw("email", Kind.STRING, 80),
    ),
    frozenset({"salesOrderLines"}),
    internal=("shippingAgentCode", "shippingAgentServiceCode", "packageTrackingNumber"),
)
"""APIV2 page 30028 (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2SalesOrders.Page.al): currencyCode is
the page variable CurrencyCodeTxt. The Sales Header's shipping agent, its service and the package tracking number are
not on the page (set in BC's Shipping tab, /_sim/salesOrders/{id}/shipping here); posting copies them to the
shipment."""

SALES_ORDER_LINE = EntityType(
    "salesOrderLine",
    "salesOrderLines",
    (
        ro("id", Kind.GUID),
        rw("documentId", Kind.GUID),
        rw("sequence", Kind.INT),
        rw("itemId", Kind.GUID),
        rw("accountId", Kind.GUID),
        rw("lineType", Kind.ENUM, choices=LINE_TYPES),
        rw("lineObjectNumber", Kind.STRING, 20),
        rw("description", Kind.STRING, 100),
        rw("description2", Kind.STRING, 50),
        rw("unitOfMeasureId", Kind.GUID),
        rw("unitOfMeasureCode", Kind.STRING, 10),
        rw("quantity", Kind.DECIMAL),
        rw("unitPrice", Kind.DECIMAL),
        rw("discountAmount", Kind.DECIMAL),
        rw("discountPercent", Kind.DECIMAL),
        ro("discountAppliedBeforeTax", Kind.BOOL),
        ro("amountExcludingTax", Kind.DECIMAL),
        rw("taxCode", Kind.STRING, 20),
        ro("taxPercent", Kind.DECIMAL),
        ro("totalTaxAmount", Kind.DECIMAL),
        ro("amountIncludingTax", Kind.DECIMAL),
        ro("invoiceDiscountAllocation", Kind.DECIMAL),
        ro("netAmount", Kind.DECIMAL),
        ro("netTaxAmount", Kind.DECIMAL),
        ro("netAmountIncludingTax", Kind.DECIMAL),
        rw("shipmentDate", Kind.DATE),
        ro("shippedQuantity", Kind.DECIMAL),
        ro("invoicedQuantity", Kind.DECIMAL),
        rw("invoiceQuantity", Kind.DECIMAL),
        rw("shipQuantity", Kind.DECIMAL),
        rw("itemVariantId", Kind.GUID),
        rw("locationId", Kind.GUID),
    ),
    key_order=("sequence",),
    internal=("vatProductPostingGroup",),
)
"""taxCode is served as the VAT Identifier and written as the VAT Prod. Posting Group, which the line keeps
(vatProductPostingGroup, not on the page)."""

SALES_ENTITY_TYPES: tuple[EntityType, ...] = (COMPANY, CUSTOMER, ACCOUNT, SALES_ORDER, SALES_ORDER_LINE)
