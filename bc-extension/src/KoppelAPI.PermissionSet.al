namespace Koppel.Integration;

using Microsoft.Finance.GeneralLedger.Journal;
using Microsoft.Foundation.Shipping;
using Microsoft.Sales.Customer;
using Microsoft.Sales.Document;
using Microsoft.Sales.History;

/// <summary>
/// What Koppel's BC user (an application user) needs for this extension's pages, on top of the standard permission
/// sets for API v2.0 (see docs/real-services.md). Releasing runs the Release Sales Document codeunit, which checks
/// lines, approvals and prepayments with its own indirect permissions. The shipment page reads posted shipments and
/// the shipping agents' Internet Address for the tracking link; the posted credit memo page reads Sales Cr.Memo
/// Header, as the refund page does.
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
        tabledata "Sales Header" = RM,
        tabledata "Gen. Journal Batch" = R,
        tabledata "Gen. Journal Line" = RIMD,
        tabledata Customer = R,
        tabledata "Sales Cr.Memo Header" = R,
        tabledata "Sales Shipment Header" = R,
        tabledata "Shipping Agent" = R;
}
