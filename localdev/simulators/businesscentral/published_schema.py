"""Pages and a query an administrator publishes as OData v4 web services, as BC names their fields.

BC names an OData v4 field after the page control (not the caption): a space or "/" becomes "_", "." and
parentheses are dropped, "%" becomes "Percent" ("Line Discount %" -> Line_Discount_Percent). The source table's
primary key fields are always served, on the page or not. A query serves its column names as they are.
"""

from __future__ import annotations

from localdev.simulators.businesscentral.enum_names import odata_enum_name, odata_enum_names
from localdev.simulators.businesscentral.schema import CUSTOMER_BLOCKED as API_CUSTOMER_BLOCKED
from localdev.simulators.businesscentral.schema import EntityType, Kind, Prop

ODATA_NAMESPACE = "NAV"
PRICE_STATUSES = ("Draft", "Active", "Inactive")
SALES_SOURCE_TYPES = odata_enum_names(
    "All Customers", "Customer", "Customer Price Group", "Customer Disc. Group", "Campaign", "Contact"
)
ASSET_TYPES = odata_enum_names(" ", "Item", "Item Discount Group", "Resource", "Resource Group", "Service Cost")
AMOUNT_TYPES = ("Any", "Price", "Discount")
SUBSTITUTION_TYPES = odata_enum_names("Item", "Nonstock Item")
CUSTOMER_BLOCKED = odata_enum_names(*API_CUSTOMER_BLOCKED)
BLANK_OPTION = odata_enum_name(" ")
VAT_CALCULATION_TYPES = odata_enum_names("Normal VAT", "Reverse Charge VAT", "Full VAT", "Sales Tax")


def _field(name: str, kind: Kind = Kind.STRING, choices: tuple[str, ...] = ()) -> Prop:
    return Prop(name, kind, False, None, choices)


def _code(name: str) -> Prop:
    return Prop(name, Kind.STRING, False, None, (), code=True)


def _page(name: str, props: tuple[Prop, ...], key: tuple[str, ...], internal: tuple[str, ...] = ()) -> EntityType:
    return EntityType(name, name, props, key_order=key, internal=internal, namespace=ODATA_NAMESPACE)


PRICE_LIST_LINE_REVIEW = _page(
    "PriceListLineReview",
    (
        _code("Price_List_Code"),
        _field("Line_No", Kind.INT),
        _field("PriceListDescription"),
        _field("Status", Kind.ENUM, PRICE_STATUSES),
        _field("Source_Type", Kind.ENUM, SALES_SOURCE_TYPES),
        _code("Source_No"),
        _field("Asset_Type", Kind.ENUM, ASSET_TYPES),
        _code("Asset_No"),
        _field("Description"),
        _code("Variant_Code"),
        _code("Work_Type_Code"),
        _code("Unit_of_Measure_Code"),
        _field("Minimum_Quantity", Kind.DECIMAL),
        _field("Amount_Type", Kind.ENUM, AMOUNT_TYPES),
        _code("Currency_Code"),
        _field("Unit_Price", Kind.DECIMAL),
        _field("Cost_Factor", Kind.DECIMAL),
        _field("DirectUnitCost", Kind.DECIMAL),
        _field("Unit_Cost", Kind.DECIMAL),
        _field("Starting_Date", Kind.DATE),
        _field("Ending_Date", Kind.DATE),
        _field("Allow_Line_Disc", Kind.BOOL),
        _field("Line_Discount_Percent", Kind.DECIMAL),
        _field("PurchLineDiscountPct", Kind.DECIMAL),
        _field("Allow_Invoice_Disc", Kind.BOOL),
    ),
    key=("Price_List_Code", "Line_No"),
    internal=("id", "SystemModifiedAt", "Price_Type", "Price_Includes_VAT"),
)
"""Page 7005 "Price List Line Review" (PageType List, SourceTable "Price List Line", table 7001): every line of every
price list, with Status. Not on the page, so not served: Price Type, Price Includes VAT, SystemModifiedAt."""

SYSTEM_MODIFIED_AT = _field("SystemModifiedAt", Kind.DATETIME)
"""What a page extension (code, so not an administrator's choice) adds to make delta reads possible."""

ITEM_SUBSTITUTION_ENTRY = _page(
    "ItemSubstitutionEntry",
    (
        _field("Type", Kind.ENUM, SUBSTITUTION_TYPES),
        _code("No"),
        _code("Variant_Code"),
        _field("Substitute_Type", Kind.ENUM, SUBSTITUTION_TYPES),
        _code("Substitute_No"),
        _code("Substitute_Variant_Code"),
        _field("Description"),
        _field("Interchangeable", Kind.BOOL),
        _field("Condition", Kind.BOOL),
    ),
    key=("Type", "No", "Variant_Code", "Substitute_Type", "Substitute_No", "Substitute_Variant_Code"),
    internal=("id", "SystemModifiedAt"),
)
"""Page 5716 "Item Substitution Entry" (List on table 5715 "Item Substitution"); Type, No and Substitute_Type are
served as primary key fields although the page shows only Variant Code onwards."""

CUSTOMER_LIST = _page(
    "CustomerList",
    (
        _code("No"),
        _field("Name"),
        _code("Location_Code"),
        _code("Post_Code"),
        _code("Country_Region_Code"),
        _field("Phone_No"),
        _field("Contact"),
        _code("Salesperson_Code"),
        _code("Customer_Posting_Group"),
        _code("Gen_Bus_Posting_Group"),
        _code("VAT_Bus_Posting_Group"),
        _code("Customer_Price_Group"),
        _code("Customer_Disc_Group"),
        _code("Payment_Terms_Code"),
        _code("Currency_Code"),
        _code("Language_Code"),
        _field("Credit_Limit_LCY", Kind.DECIMAL),
        _field("Blocked", Kind.ENUM, CUSTOMER_BLOCKED),
        _field("Last_Date_Modified", Kind.DATE),
        _field("Balance_LCY", Kind.DECIMAL),
    ),
    key=("No",),
)
"""Page 22 "Customer List", the part of its controls Koppel needs: API v2.0 customers have no price group."""

CUSTOMER_CARD = _page(
    "CustomerCard",
    (
        _code("No"),
        _field("Name"),
        _field("Blocked", Kind.ENUM, CUSTOMER_BLOCKED),
        _code("Country_Region_Code"),
        _field("E_Mail"),
        _code("Bill_to_Customer_No"),
        _field("VAT_Registration_No"),
        _code("Currency_Code"),
        _code("Customer_Price_Group"),
        _code("Customer_Disc_Group"),
    ),
    key=("No",),
)
"""Page 21 "Customer Card" (PageType Card on table 18), the part of its controls Koppel needs: "VAT Registration No."
(table field 86, Text[20]) is on the card (microsoft/BCApps src/Layers/W1/BaseApp/Sales/Customer/CustomerCard.Page.al,
NL layer alike) and not on page 22 "Customer List" (CustomerList.Page.al), and API v2.0 customers serve it only through
a page variable. A card page published as a web service is read as a collection like a list."""

GROUPED_ITEM_LEDGER_ENTRIES = _page(
    "GroupedItemLedgerEntries",
    (
        _code("Location_Code"),
        _code("Item_No"),
        _code("Variant_Code"),
        _code("Unit_of_Measure_Code"),
        _code("Serial_No_"),
        _code("Lot_No_"),
        _code("Package_No_"),
        _field("Remaining_Quantity", Kind.DECIMAL),
    ),
    key=("Location_Code", "Item_No", "Variant_Code", "Unit_of_Measure_Code", "Lot_No_", "Package_No_", "Serial_No_"),
)
"""Query 5756 "Grouped Item Ledger Entries": Sum(Remaining Quantity) of open item ledger entries per location, item,
variant, unit of measure and item tracking. Remaining quantity is in the base unit whatever the entry's unit, so one
item and location can come in several rows, one per unit of measure or lot; a location with nothing open has none."""

ITEM_UNITS_OF_MEASURE = _page(
    "ItemUnitsOfMeasure",
    (
        _code("Item_No"),
        _code("Code"),
        _field("Qty_per_Unit_of_Measure", Kind.DECIMAL),
        _field("Height", Kind.DECIMAL),
        _field("Width", Kind.DECIMAL),
        _field("Length", Kind.DECIMAL),
        _field("Cubage", Kind.DECIMAL),
        _field("Weight", Kind.DECIMAL),
        _field("Coupled_to_Dataverse", Kind.BOOL),
    ),
    key=("Item_No", "Code"),
    internal=("id", "SystemModifiedAt"),
)
"""Page 5404 "Item Units of Measure" (List on table 5404 "Item Unit of Measure"): how many base units one unit of an
item holds. Item No. is a hidden control (the page is opened from an item), still served; API v2.0 has no item
units of measure, and its document lines carry only the unit's code."""

ITEM_LIST = _page(
    "ItemList",
    (
        _code("No"),
        _field("Description"),
        _code("Base_Unit_of_Measure"),
        _field("Unit_Price", Kind.DECIMAL),
        _code("Gen_Prod_Posting_Group"),
        _code("VAT_Prod_Posting_Group"),
        _field("Blocked", Kind.BOOL),
        _field("Last_Date_Modified", Kind.DATE),
    ),
    key=("No",),
)
"""Page 31 "Item List" (table 27 Item), the part of its controls Koppel needs: API v2.0 items have no VAT Prod.
Posting Group (their taxGroupCode is the US sales tax group, blank in a VAT country). The control is named
"VAT Prod. Posting Group" (hidden by default, still served): Base App Inventory/Item/ItemList.Page.al."""

VAT_POSTING_SETUP = _page(
    "VatPostingSetup",
    (
        _code("VAT_Bus_Posting_Group"),
        _code("VAT_Prod_Posting_Group"),
        _field("Description"),
        _field("Blocked", Kind.BOOL),
        _code("VAT_Identifier"),
        _field("VAT_Percent", Kind.DECIMAL),
        _field("VAT_Calculation_Type", Kind.ENUM, VAT_CALCULATION_TYPES),
    ),
    key=("VAT_Bus_Posting_Group", "VAT_Prod_Posting_Group"),
    internal=("id",),
)
"""Page 472 "VAT Posting Setup" (table 325): the VAT % of each VAT business and product posting group pair, the
part of its controls Koppel needs (Base App Finance/VAT/Setup/VATPostingSetup.Page.al)."""
