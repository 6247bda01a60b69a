"""Koppel's return order page (bc-extension/src/KoppelSalesReturnOrders.Page.al, koppel/returns/v1.0) and its lines
part (KoppelSalesReturnOrdLines.Page.al), as entity types; and the Return Reasons (table 6635) the simulator knows.

Not standard BC: API v2.0 salesReturnOrders (page 30251 in microsoft/BCApps) is read-only. The field names follow it
and its lines page 30202, with customerNumber as salesOrders names the Sell-to Customer No."""

from __future__ import annotations

from localdev.simulators.businesscentral.schema import EntityType, Kind, Prop, page_variable, ro, rw

HEADER_STATUSES = ("Open", "Released", "Pending Approval", "Pending Prepayment")
"""Sales Header Status."""
SALES_LINE_TYPES = (" ", "G/L Account", "Item", "Resource", "Fixed Asset", "Charge (Item)", "Allocation Account")
"""Sales Line Type (the page serves Rec.Type itself); the page takes Item lines only."""

KOPPEL_SALES_RETURN_ORDER_LINE = EntityType(
    "salesReturnOrderLine",
    "salesReturnOrderLines",
    (
        ro("id", Kind.GUID),
        page_variable(ro("documentId", Kind.GUID)),
        rw("sequence", Kind.INT),
        rw("lineType", Kind.ENUM, choices=SALES_LINE_TYPES),
        rw("lineObjectNumber", Kind.STRING, 20),
        Prop("variantCode", Kind.STRING, True, 10, code=True),
        rw("quantity", Kind.DECIMAL),
        Prop("returnReasonCode", Kind.STRING, True, 10, code=True),
        rw("description", Kind.STRING, 100),
    ),
    key_order=("sequence",),
    namespace="koppel.returns",
)
"""Page 50105 over table 37 "Sales Line" (Document Type Return Order); documentId is the page variable with the
return order's SystemId."""

KOPPEL_SALES_RETURN_ORDER = EntityType(
    "salesReturnOrder",
    "salesReturnOrders",
    (
        ro("id", Kind.GUID),
        ro("number"),
        rw("customerNumber", Kind.STRING, 20),
        rw("externalDocumentNumber", Kind.STRING, 35),
        rw("yourReference", Kind.STRING, 35),
        rw("documentDate", Kind.DATE),
        ro("status", Kind.ENUM, HEADER_STATUSES),
        ro("lastModifiedDateTime", Kind.DATETIME),
    ),
    frozenset({KOPPEL_SALES_RETURN_ORDER_LINE.set_name}),
    namespace="koppel.returns",
)
"""Page 50104 over table 36 "Sales Header" (Document Type Return Order), key SystemId; insert (with its lines in one
deep insert) and read only."""


def demo_return_reasons() -> dict[str, str]:
    """Table 6635 "Return Reason": Code -> Description."""
    return {"DEFECT": "Defect", "WRONG": "Wrong item delivered", "NOTNEEDED": "No longer needed"}
