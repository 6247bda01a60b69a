namespace Koppel.Integration;

using Microsoft.Sales.Document;

/// <summary>
/// The lines of koppel/returns/v1.0 salesReturnOrders (its part salesReturnOrderLines): Sales Lines of Document
/// Type Return Order, item lines only, each with an optional variant and Return Reason Code - neither is on
/// API v2.0's read-only "APIV2 - Sales Ret. Ord. Lines" (page 30202 in microsoft/BCApps), on which this page is
/// modelled (same source table, table view, key and names). Fields are validated in page order, as a user enters
/// them on the Sales Return Order page: the item (Sales Line "No."; a Sales Blocked item may be returned), its
/// variant and the Return Reason Code by their table relations, then the quantity and an optional description that
/// replaces the item's. lineType is Item unless another type is sent, which is refused. documentId, the return
/// order's SystemId, is a page variable: it cannot be filtered on. Insert only (in the return order's deep insert).
/// </summary>
page 50105 "Koppel Sales Return Ord. Lines"
{
    APIPublisher = 'koppel';
    APIGroup = 'returns';
    APIVersion = 'v1.0';
    EntityCaption = 'Sales Return Order Line';
    EntitySetCaption = 'Sales Return Order Lines';
    EntityName = 'salesReturnOrderLine';
    EntitySetName = 'salesReturnOrderLines';
    PageType = API;
    SourceTable = "Sales Line";
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
                field(documentId; DocumentId)
                {
                    Caption = 'Document Id';
                    Editable = false;
                }
                field(sequence; Rec."Line No.")
                {
                    Caption = 'Sequence';
                }
                field(lineType; Rec.Type)
                {
                    Caption = 'Line Type';

                    trigger OnValidate()
                    begin
                        if Rec.Type <> Rec.Type::Item then
                            Error(ItemLinesOnlyErr);
                    end;
                }
                field(lineObjectNumber; Rec."No.")
                {
                    Caption = 'Line Object No.';
                }
                field(variantCode; Rec."Variant Code")
                {
                    Caption = 'Variant Code';
                }
                field(quantity; Rec.Quantity)
                {
                    Caption = 'Quantity';
                }
                field(returnReasonCode; Rec."Return Reason Code")
                {
                    Caption = 'Return Reason Code';
                }
                field(description; Rec.Description)
                {
                    Caption = 'Description';
                }
            }
        }
    }

    trigger OnAfterGetRecord()
    begin
        DocumentId := ReturnOrderId();
    end;

    trigger OnNewRecord(BelowxRec: Boolean)
    begin
        Rec."Document Type" := Rec."Document Type"::"Return Order";
        Rec.Type := Rec.Type::Item;
        Clear(DocumentId);
    end;

    trigger OnInsertRecord(BelowxRec: Boolean): Boolean
    var
        LastSalesLine: Record "Sales Line";
    begin
        if Rec.Type <> Rec.Type::Item then
            Error(ItemLinesOnlyErr);
        if Rec."Line No." = 0 then begin
            LastSalesLine.SetRange("Document Type", Rec."Document Type");
            LastSalesLine.SetRange("Document No.", Rec."Document No.");
            if LastSalesLine.FindLast() then
                Rec."Line No." := LastSalesLine."Line No." + 10000
            else
                Rec."Line No." := 10000;
        end;
        DocumentId := ReturnOrderId();
        exit(true);
    end;

    local procedure ReturnOrderId(): Guid
    var
        SalesHeader: Record "Sales Header";
        NoReturnOrder: Guid;
    begin
        if SalesHeader.Get(Rec."Document Type", Rec."Document No.") then
            exit(SalesHeader.SystemId);
        exit(NoReturnOrder);
    end;

    var
        DocumentId: Guid;
        ItemLinesOnlyErr: Label 'Only item lines can be added to a return order through this page.';
}
