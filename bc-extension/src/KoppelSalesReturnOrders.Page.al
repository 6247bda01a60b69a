namespace Koppel.Integration;

using Microsoft.Sales.Document;

/// <summary>
/// koppel/returns/v1.0 salesReturnOrders (KOPPEL_BC_RETURNS_API): a B2B return asked on Koppel's portal becomes a
/// Sales Header of Document Type Return Order, with its item lines in the same request (a deep insert through the
/// part salesReturnOrderLines). API v2.0 salesReturnOrders ("APIV2 - Sales Ret. Orders", page 30251 in
/// microsoft/BCApps) is read-only. Modelled on it: the same source table, table view, key (SystemId) and
/// SubPageLink, and its field names where Koppel uses them (customerNumber as API v2.0 salesOrders names the
/// Sell-to Customer No.). Fields are validated in page order, as a user enters them on the Sales Return Order page:
/// an unknown customer is refused by the field's table relation; the number comes from the Return Order Nos. series
/// when the header is inserted. GET (Koppel filters on externalDocumentNumber and yourReference, table fields) and
/// POST; no PATCH or DELETE: a person handles the return order in BC from then on.
/// </summary>
page 50104 "Koppel Sales Return Orders"
{
    APIPublisher = 'koppel';
    APIGroup = 'returns';
    APIVersion = 'v1.0';
    EntityCaption = 'Sales Return Order';
    EntitySetCaption = 'Sales Return Orders';
    EntityName = 'salesReturnOrder';
    EntitySetName = 'salesReturnOrders';
    PageType = API;
    SourceTable = "Sales Header";
    SourceTableView = where("Document Type" = const("Return Order"));
    ODataKeyFields = SystemId;
    DelayedInsert = true;
    ModifyAllowed = false;
    DeleteAllowed = false;
    Extensible = false;

    layout
    {
        area(content)
        {
            repeater(Group)
            {
                field(id; Rec.SystemId)
                {
                    Caption = 'Id';
                    Editable = false;
                }
                field(number; Rec."No.")
                {
                    Caption = 'No.';
                    Editable = false;
                }
                field(customerNumber; Rec."Sell-to Customer No.")
                {
                    Caption = 'Customer No.';
                }
                field(externalDocumentNumber; Rec."External Document No.")
                {
                    Caption = 'External Document No.';
                }
                field(yourReference; Rec."Your Reference")
                {
                    Caption = 'Your Reference';
                }
                field(documentDate; Rec."Document Date")
                {
                    Caption = 'Document Date';
                }
                field(status; Rec.Status)
                {
                    Caption = 'Status';
                    Editable = false;
                }
                field(lastModifiedDateTime; Rec.SystemModifiedAt)
                {
                    Caption = 'Last Modified Date Time';
                    Editable = false;
                }
                part(salesReturnOrderLines; "Koppel Sales Return Ord. Lines")
                {
                    Caption = 'Lines';
                    EntityName = 'salesReturnOrderLine';
                    EntitySetName = 'salesReturnOrderLines';
                    SubPageLink = "Document No." = field("No."), "Document Type" = const("Return Order");
                }
            }
        }
    }

    trigger OnNewRecord(BelowxRec: Boolean)
    begin
        Rec."Document Type" := Rec."Document Type"::"Return Order";
    end;

    trigger OnInsertRecord(BelowxRec: Boolean): Boolean
    begin
        if Rec."Sell-to Customer No." = '' then
            Error(CustomerNotProvidedErr);
        exit(true);
    end;

    var
        CustomerNotProvidedErr: Label 'A "customerNumber" must be provided.', Comment = 'customerNumber is a field name and should not be translated.';
}
