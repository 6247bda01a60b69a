"""API v2.0 entity types of the catalog: items and what describes, stocks and replenishes them.

Field names follow the APIV2 pages in microsoft/BCApps (src/Apps/W1/APIV2/app/src/pages/): items 30008,
itemVariants 30052, itemCategories 30025, unitsOfMeasure 30030, locations 30076, purchaseOrders 30066,
purchaseOrderLines 30067, itemLedgerEntries 30069. Real BC lets most of them be written; Koppel only reads them,
so the simulator serves them read-only (itemLedgerEntries are read-only in BC too).
"""

from __future__ import annotations

from localdev.simulators.businesscentral.enum_names import odata_enum_names
from localdev.simulators.businesscentral.schema import LINE_TYPES, EntityType, Kind, address_props, ro

ITEM_TYPES = ("Inventory", "Service", "Non-Inventory")
DOCUMENT_STATUSES = ("Draft", "In Review", "Open")
ENTRY_TYPES = odata_enum_names(
    "Purchase", "Sale", "Positive Adjmt.", "Negative Adjmt.", "Transfer", "Consumption", "Output"
)

ITEM = EntityType(
    "item",
    "items",
    (
        ro("id", Kind.GUID),
        ro("number"),
        ro("displayName"),
        ro("displayName2"),
        ro("type", Kind.ENUM, ITEM_TYPES),
        ro("itemCategoryId", Kind.GUID),
        ro("itemCategoryCode"),
        ro("blocked", Kind.BOOL),
        ro("gtin"),
        ro("inventory", Kind.DECIMAL),
        ro("unitPrice", Kind.DECIMAL),
        ro("priceIncludesTax", Kind.BOOL),
        ro("unitCost", Kind.DECIMAL),
        ro("taxGroupId", Kind.GUID),
        ro("taxGroupCode"),
        ro("baseUnitOfMeasureId", Kind.GUID),
        ro("baseUnitOfMeasureCode"),
        ro("generalProductPostingGroupId", Kind.GUID),
        ro("generalProductPostingGroupCode"),
        ro("inventoryPostingGroupId", Kind.GUID),
        ro("inventoryPostingGroupCode"),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    frozenset({"itemVariants"}),
    internal=("vatProductPostingGroup",),
)
"""taxGroupCode is the item's Tax Group Code (US sales tax), blank in this Dutch company; its VAT Prod. Posting
Group (HOOG, LAAG, NUL) is not on the APIV2 page (APIV2Items.Page.al, BCApps) and served by page 31 only."""

ITEM_VARIANT = EntityType(
    "itemVariant",
    "itemVariants",
    (
        ro("id", Kind.GUID),
        ro("itemId", Kind.GUID),
        ro("itemNumber"),
        ro("code"),
        ro("description"),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    key_order=("itemNumber", "code"),
)

ITEM_CATEGORY = EntityType(
    "itemCategory",
    "itemCategories",
    (ro("id", Kind.GUID), ro("code"), ro("displayName"), ro("lastModifiedDateTime", Kind.DATETIME)),
    key_order=("code",),
    internal=("parentCategory",),
)
"""The page has no parent: the hierarchy (table field "Parent Category") is not in API v2.0."""

UNIT_OF_MEASURE = EntityType(
    "unitOfMeasure",
    "unitsOfMeasure",
    (
        ro("id", Kind.GUID),
        ro("code"),
        ro("displayName"),
        ro("internationalStandardCode"),
        ro("symbol"),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    key_order=("code",),
)

LOCATION = EntityType(
    "location",
    "locations",
    (
        ro("id", Kind.GUID),
        ro("code"),
        ro("displayName"),
        ro("contact"),
        ro("addressLine1"),
        ro("addressLine2"),
        ro("city"),
        ro("state"),
        ro("country"),
        ro("postalCode"),
        ro("phoneNumber"),
        ro("email"),
        ro("website"),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    key_order=("code",),
)

PURCHASE_ORDER = EntityType(
    "purchaseOrder",
    "purchaseOrders",
    (
        ro("id", Kind.GUID),
        ro("number"),
        ro("orderDate", Kind.DATE),
        ro("postingDate", Kind.DATE),
        ro("vendorId", Kind.GUID),
        ro("vendorNumber"),
        ro("vendorName"),
        ro("payToName"),
        ro("payToVendorId", Kind.GUID),
        ro("payToVendorNumber"),
        ro("shipToName"),
        ro("shipToContact"),
        *address_props("buyFrom", editable=False),
        *address_props("payTo", editable=False),
        *address_props("shipTo", editable=False),
        ro("shortcutDimension1Code"),
        ro("shortcutDimension2Code"),
        ro("currencyId", Kind.GUID),
        ro("currencyCode"),
        ro("pricesIncludeTax", Kind.BOOL),
        ro("paymentTermsId", Kind.GUID),
        ro("shipmentMethodId", Kind.GUID),
        ro("purchaser"),
        ro("requestedReceiptDate", Kind.DATE),
        ro("discountAmount", Kind.DECIMAL),
        ro("discountAppliedBeforeTax", Kind.BOOL),
        ro("totalAmountExcludingTax", Kind.DECIMAL),
        ro("totalTaxAmount", Kind.DECIMAL),
        ro("totalAmountIncludingTax", Kind.DECIMAL),
        ro("fullyReceived", Kind.BOOL),
        ro("status", Kind.ENUM, DOCUMENT_STATUSES),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    frozenset({"purchaseOrderLines"}),
)

PURCHASE_ORDER_LINE = EntityType(
    "purchaseOrderLine",
    "purchaseOrderLines",
    (
        ro("id", Kind.GUID),
        ro("documentId", Kind.GUID),
        ro("sequence", Kind.INT),
        ro("itemId", Kind.GUID),
        ro("accountId", Kind.GUID),
        ro("lineType", Kind.ENUM, LINE_TYPES),
        ro("lineObjectNumber"),
        ro("description"),
        ro("unitOfMeasureId", Kind.GUID),
        ro("unitOfMeasureCode"),
        ro("quantity", Kind.DECIMAL),
        ro("directUnitCost", Kind.DECIMAL),
        ro("discountAmount", Kind.DECIMAL),
        ro("discountPercent", Kind.DECIMAL),
        ro("discountAppliedBeforeTax", Kind.BOOL),
        ro("amountExcludingTax", Kind.DECIMAL),
        ro("taxCode"),
        ro("taxPercent", Kind.DECIMAL),
        ro("totalTaxAmount", Kind.DECIMAL),
        ro("amountIncludingTax", Kind.DECIMAL),
        ro("invoiceDiscountAllocation", Kind.DECIMAL),
        ro("netAmount", Kind.DECIMAL),
        ro("netTaxAmount", Kind.DECIMAL),
        ro("netAmountIncludingTax", Kind.DECIMAL),
        ro("expectedReceiptDate", Kind.DATE),
        ro("receivedQuantity", Kind.DECIMAL),
        ro("invoicedQuantity", Kind.DECIMAL),
        ro("invoiceQuantity", Kind.DECIMAL),
        ro("receiveQuantity", Kind.DECIMAL),
        ro("itemVariantId", Kind.GUID),
        ro("locationId", Kind.GUID),
    ),
    key_order=("sequence",),
)

ITEM_LEDGER_ENTRY = EntityType(
    "itemLedgerEntry",
    "itemLedgerEntries",
    (
        ro("id", Kind.GUID),
        ro("entryNumber", Kind.INT),
        ro("itemNumber"),
        ro("postingDate", Kind.DATE),
        ro("entryType", Kind.ENUM, ENTRY_TYPES),
        ro("sourceNumber"),
        ro("sourceType", Kind.ENUM),
        ro("documentNumber"),
        ro("documentType", Kind.ENUM),
        ro("description"),
        ro("quantity", Kind.DECIMAL),
        ro("salesAmountActual", Kind.DECIMAL),
        ro("costAmountActual", Kind.DECIMAL),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    key_order=("entryNumber",),
    internal=("locationCode", "variantCode", "unitOfMeasureCode", "remainingQuantity", "open"),
)
"""API v2.0 shows no location, variant or remaining quantity: stock per location needs a published query."""

CATALOG_ENTITY_TYPES: tuple[EntityType, ...] = (
    ITEM,
    ITEM_VARIANT,
    ITEM_CATEGORY,
    UNIT_OF_MEASURE,
    LOCATION,
    PURCHASE_ORDER,
    PURCHASE_ORDER_LINE,
    ITEM_LEDGER_ENTRY,
)
