namespace Koppel.Integration;

using Microsoft.Finance.GeneralLedger.Journal;
using Microsoft.Foundation.AuditCodes;
using Microsoft.Foundation.Shipping;
using Microsoft.Inventory.Item;
using Microsoft.Sales.Customer;
using Microsoft.Sales.Document;
using Microsoft.Sales.History;

/// <summary>
/// What Koppel's BC user (an application user) needs for this extension's pages, on top of the standard permission
/// sets for API v2.0 (see docs/real-services.md). Releasing runs the Release Sales Document codeunit, which checks
/// lines, approvals and prepayments with its own indirect permissions. The shipment page reads posted shipments and
/// the shipping agents' Internet Address for the tracking link; the posted credit memo page reads Sales Cr.Memo
/// Header, as the refund page does. The return order pages insert Sales Headers and Sales Lines of type Return
/// Order and read the items, variants and Return Reasons they name.
/// </summary>
permissionset 50100 "KOPPEL API"
{
    Assignable = true;
    Caption = 'Koppel API pages';
    Permissions =
        page "Koppel Sales Order Release" = X,
        page "Koppel Customer Refunds" = X,
        page "Koppel Sales Shipments" = X,
        page "Koppel Posted Sales Cr. Memos" = X,
        page "Koppel Sales Return Orders" = X,
        page "Koppel Sales Return Ord. Lines" = X,
        tabledata "Sales Header" = RIM,
        tabledata "Sales Line" = RIM,
        tabledata Item = R,
        tabledata "Item Variant" = R,
        tabledata "Return Reason" = R,
        tabledata "Gen. Journal Batch" = R,
        tabledata "Gen. Journal Line" = RIMD,
        tabledata Customer = R,
        tabledata "Sales Cr.Memo Header" = R,
        tabledata "Sales Shipment Header" = R,
        tabledata "Shipping Agent" = R;
}
