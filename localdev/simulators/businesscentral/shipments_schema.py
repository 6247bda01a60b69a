"""Posted sales shipments as API v2.0 serves them, Koppel's own page over the same table, and the shipping agents.

API v2.0 (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/): salesShipments is page 30062 "APIV2 - Sales Shipments"
over table 110 "Sales Shipment Header", salesShipmentLines page 30063 over table 111 "Sales Shipment Line"; both are
read-only (Editable / InsertAllowed / ModifyAllowed / DeleteAllowed false). Neither serves the shipping agent, its
service or the package tracking number: the table holds them (`internal` here), Koppel's page
(bc-extension/src/KoppelSalesShipments.Page.al, koppel/shipping/v1.0) serves them.
"""

from __future__ import annotations

import dataclasses

from localdev.simulators.businesscentral.schema import EntityType, Kind, Prop, address_props, page_variable, ro

SALES_LINE_TYPES = (" ", "G/L Account", "Item", "Resource", "Fixed Asset", "Charge (Item)", "Allocation Account")
"""Enum 37 "Sales Line Type", the Type of a Sales Shipment Line (BaseApp Sales/Document/SalesLineType.Enum.al),
served by member name: " " as `_x0020_`, "G/L Account" as `G_x002F_L_x0020_Account` (not salesOrderLines' "Invoice
Line Agg. Line Type")."""
TRACKING_FIELDS = ("shippingAgentCode", "shippingAgentServiceCode", "packageTrackingNumber")
"""Sales Shipment Header fields 105, 5794, 106: copied from the order at posting, changed after posting only through
page 1350 "Posted Sales Shipment - Update"."""


def _code(name: str) -> Prop:
    return dataclasses.replace(ro(name), code=True)


SALES_SHIPMENT = EntityType(
    "salesShipment",
    "salesShipments",
    (
        ro("id", Kind.GUID),
        ro("number"),
        ro("externalDocumentNumber"),
        ro("invoiceDate", Kind.DATE),
        ro("postingDate", Kind.DATE),
        ro("dueDate", Kind.DATE),
        ro("customerPurchaseOrderReference"),
        ro("customerId", Kind.GUID),
        ro("customerNumber"),
        ro("customerName"),
        ro("billToCustomerId", Kind.GUID),
        ro("billToName"),
        ro("billToCustomerNumber"),
        ro("shipToName"),
        ro("shipToContact"),
        *address_props("sellTo", editable=False),
        *address_props("billTo", editable=False),
        *address_props("shipTo", editable=False),
        page_variable(ro("currencyCode")),
        _code("orderNumber"),
        _code("paymentTermsCode"),
        _code("shipmentMethodCode"),
        ro("salesperson"),
        ro("pricesIncludeTax", Kind.BOOL),
        ro("lastModifiedDateTime", Kind.DATETIME),
        ro("phoneNumber"),
        ro("email"),
    ),
    frozenset({"salesShipmentLines"}),
    internal=TRACKING_FIELDS,
)
"""APIV2 page 30062: currencyCode is the page variable CurrencyCodeTxt (cannot be filtered on); the other fields are
table fields. Parts pdfDocument, attachments, documentAttachments and dimensionSetLines are not served here."""

SALES_SHIPMENT_LINE = EntityType(
    "salesShipmentLine",
    "salesShipmentLines",
    (
        ro("id", Kind.GUID),
        ro("documentId", Kind.GUID),
        _code("documentNo"),
        ro("sequence", Kind.INT),
        ro("lineType", Kind.ENUM, SALES_LINE_TYPES),
        ro("lineObjectNumber"),
        ro("description"),
        ro("description2"),
        ro("unitOfMeasureCode"),
        ro("unitPrice", Kind.DECIMAL),
        ro("quantity", Kind.DECIMAL),
        ro("discountPercent", Kind.DECIMAL),
        ro("taxPercent", Kind.DECIMAL),
        ro("shipmentDate", Kind.DATE),
    ),
    key_order=("documentNo", "sequence"),
    internal=("correction",),
)
"""APIV2 page 30063: `sequence` is the Line No., which is the order line's Line No. (InitFromSalesLine transfers the
fields of the Sales Line); Correction (set by Undo Shipment) is not served."""

KOPPEL_SALES_SHIPMENT = EntityType(
    "salesShipment",
    "salesShipments",
    (
        ro("id", Kind.GUID),
        ro("number"),
        _code("orderNumber"),
        ro("externalDocumentNumber"),
        _code("shippingAgentCode"),
        _code("shippingAgentServiceCode"),
        ro("packageTrackingNumber"),
        page_variable(ro("trackingUrl")),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    namespace="koppel.shipping",
)
"""Not standard BC: Koppel's page 50102 "Koppel Sales Shipments" (koppel/shipping/v1.0) over table 110; trackingUrl is
the page variable the page fills with the Shipping Agent's GetTrackingInternetAddr."""

SHIPMENT_ENTITY_TYPES: tuple[EntityType, ...] = (SALES_SHIPMENT, SALES_SHIPMENT_LINE)
