"""BC's price list lines (table 7001 "Price List Line"), what a sales line hands BC's price calculation, and the
price it proposes; the calculation itself is domain/catalog/price_calculation.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from domain.models import Frozen


class PriceType(StrEnum):
    ANY = "Any"
    SALE = "Sale"
    PURCHASE = "Purchase"


class PriceStatus(StrEnum):
    DRAFT = "Draft"
    ACTIVE = "Active"
    INACTIVE = "Inactive"


class PriceAmountType(StrEnum):
    """What a line defines (BC's caption: "Defines"); an Any line gives both a price and a discount."""

    ANY = "Any"
    PRICE = "Price"
    DISCOUNT = "Discount"


class PriceSourceType(StrEnum):
    """Whom a line is assigned to (BC's "Assign-to Type")."""

    ALL_CUSTOMERS = "All Customers"
    CUSTOMER = "Customer"
    CUSTOMER_PRICE_GROUP = "Customer Price Group"
    CUSTOMER_DISC_GROUP = "Customer Disc. Group"
    ALL_VENDORS = "All Vendors"
    VENDOR = "Vendor"
    ALL_JOBS = "All Jobs"
    JOB = "Job"
    JOB_TASK = "Job Task"
    CAMPAIGN = "Campaign"
    CONTACT = "Contact"


class PriceAssetType(StrEnum):
    """What a line prices (BC's "Product Type")."""

    ITEM = "Item"
    ITEM_DISCOUNT_GROUP = "Item Discount Group"
    RESOURCE = "Resource"
    RESOURCE_GROUP = "Resource Group"
    SERVICE_COST = "Service Cost"
    GL_ACCOUNT = "G/L Account"


class PriceListLine(Frozen):
    """One row of BC's Price List Line table; codes are as BC stores them (upper case), "" for blank."""

    price_list_code: str
    line_number: int
    price_type: PriceType
    status: PriceStatus
    source_type: PriceSourceType
    source_number: str = ""
    """Blank for All Customers."""
    asset_type: PriceAssetType = PriceAssetType.ITEM
    asset_number: str
    """The item number, or the item discount group code."""
    variant_code: str = ""
    """Blank: every variant of the item."""
    unit_of_measure_code: str = ""
    """Blank: the price is per base unit of measure and the minimum quantity counts base units."""
    currency_code: str = ""
    """Blank: local currency (LCY)."""
    starting_date: date | None = None
    ending_date: date | None = None
    """Inclusive; None is open."""
    minimum_quantity: Decimal = Field(default=Decimal(0), ge=0)
    amount_type: PriceAmountType
    unit_price: Decimal = Field(default=Decimal(0), ge=0)
    line_discount_percent: Decimal = Field(default=Decimal(0), ge=0, le=100)
    allow_line_discount: bool
    price_includes_vat: bool


class PriceRequest(Frozen):
    """One item on a sales document, with what BC's sales line hands its price calculation."""

    customer_number: str
    """The bill-to customer: BC matches Customer lines on the document's Bill-to Customer No."""
    customer_price_group: str = ""
    customer_discount_group: str = ""
    active_campaigns: frozenset[str] = frozenset()
    """The document's campaign, or else the campaigns activated for the customer (or its contact's company)."""
    item_number: str = Field(min_length=1)
    item_discount_group: str = ""
    """From the item card; lines for it can give a discount, never a price."""
    variant_code: str = ""
    unit_of_measure_code: str = ""
    """Blank: lines for any unit of measure apply, as in BC."""
    qty_per_unit_of_measure: Decimal = Field(default=Decimal(1), gt=0)
    """Base units in one unit of `unit_of_measure_code` (a box of 6 pieces: 6)."""
    quantity: Decimal = Field(ge=0)
    """In `unit_of_measure_code`."""
    order_date: date
    """BC's date for the calculation: the order date, on invoices and credit memos the posting date."""
    currency_code: str = ""
    """The document's currency; blank is local currency (LCY)."""
    currency_factor: Decimal = Field(default=Decimal(1), gt=0)
    """BC's Currency Factor of the document: units of the document's currency per 1 unit of LCY (LCY EUR, document
    in USD at 1 EUR = 1.10 USD: 1.10). An LCY price times the factor is the document price; ignored in LCY."""
    item_unit_price: Decimal = Field(ge=0)
    """The item card's Unit Price, in LCY per base unit of measure."""
    item_price_includes_vat: bool = False
    """The item card's Price Includes VAT."""
    prices_include_vat: bool = False
    """The document's Prices Including VAT: the result is in the same terms."""
    vat_percent: Decimal = Field(default=Decimal(0), ge=0)
    unit_amount_rounding_precision: Decimal = Field(default=Decimal("0.00001"), gt=0)
    """The document currency's Unit-Amount Rounding Precision (for LCY, General Ledger Setup's); 0.00001 is BC's
    initial value for both."""

    def for_variant(self, variant_code: str) -> PriceRequest:
        return self._with({"variant_code": variant_code})

    def with_campaigns(self, active_campaigns: frozenset[str]) -> PriceRequest:
        return self._with({"active_campaigns": active_campaigns})

    def at_quantity(self, quantity: Decimal) -> PriceRequest:
        return self._with({"quantity": quantity})

    def _with(self, changes: dict[str, object]) -> PriceRequest:
        """A copy with `changes`, validated: a field the request does not have, or a wrong value, is refused."""
        return PriceRequest.model_validate(self.model_dump() | changes)

    def source_numbers(self) -> dict[PriceSourceType, frozenset[str]]:
        """The sources BC's sales line looks for, besides All Customers; a blank number is no source."""
        numbers = {
            PriceSourceType.CUSTOMER: {self.customer_number},
            PriceSourceType.CUSTOMER_PRICE_GROUP: {self.customer_price_group},
            PriceSourceType.CUSTOMER_DISC_GROUP: {self.customer_discount_group},
            PriceSourceType.CAMPAIGN: set(self.active_campaigns),
        }
        return {source_type: frozenset(filter(None, found)) for source_type, found in numbers.items()}


class CustomerPricing(Frozen):
    """What BC prices a customer's order with besides the item cards: the customer's price and discount groups and
    the price list lines for the order's items."""

    customer_price_group: str = ""
    customer_discount_group: str = ""
    lines: tuple[PriceListLine, ...] = ()


class ResolvedPrice(Frozen):
    """The price BC proposes, in the document's currency, unit of measure and VAT terms, and the lines it comes from.

    `price_line` None: the item card's unit price. `discount_line` None: no discount, or one the price line refused."""

    unit_price: Decimal
    line_discount_percent: Decimal
    net_unit_price: Decimal
    """Koppel's figure, not a BC field: the unit price less the line discount, rounded like the unit price."""
    price_line: PriceListLine | None
    discount_line: PriceListLine | None


class QuantityBreak(Frozen):
    minimum_quantity: Decimal
    """In the request's unit of measure; the price holds from this quantity up to the next break."""
    price: ResolvedPrice
