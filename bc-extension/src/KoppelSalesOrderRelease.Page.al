namespace Koppel.Integration;

using Microsoft.Sales.Document;

/// <summary>
/// koppel/sales/v1.0 salesOrders: API v2.0 has no release action, so Koppel releases an order that passed its
/// controls through this page (KOPPEL_BC_RELEASE_API). The key is the Sales Header's SystemId, the same id API v2.0
/// salesOrders serves. Modelled on "APIV2 - Sales Orders" (page 30028, action shipAndInvoice) in microsoft/BCApps.
/// </summary>
page 50100 "Koppel Sales Order Release"
{
    APIPublisher = 'koppel';
    APIGroup = 'sales';
    APIVersion = 'v1.0';
    EntityCaption = 'Sales Order';
    EntitySetCaption = 'Sales Orders';
    EntityName = 'salesOrder';
    EntitySetName = 'salesOrders';
    PageType = API;
    SourceTable = "Sales Header";
    SourceTableView = where("Document Type" = const(Order));
    ODataKeyFields = SystemId;
    DelayedInsert = true;
    Editable = false;
    InsertAllowed = false;
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
                }
                field(number; Rec."No.")
                {
                    Caption = 'No.';
                }
                field(externalDocumentNumber; Rec."External Document No.")
                {
                    Caption = 'External Document No.';
                }
                field(status; Rec.Status)
                {
                    Caption = 'Status';
                }
                field(lastModifiedDateTime; Rec.SystemModifiedAt)
                {
                    Caption = 'Last Modified Date';
                }
            }
        }
    }

    /// <summary>
    /// POST .../salesOrders({id})/Microsoft.NAV.release: releases the order as the Release action on the Sales Order
    /// page does (PerformManualRelease: refused while an approval is pending or a prepayment is due).
    /// </summary>
    [ServiceEnabled]
    [Caption('Releases the sales order')]
    [Scope('Cloud')]
    procedure Release(var ActionContext: WebServiceActionContext)
    var
        SalesHeader: Record "Sales Header";
        ReleaseSalesDocument: Codeunit "Release Sales Document";
    begin
        if not SalesHeader.GetBySystemId(Rec.SystemId) then
            Error(CannotFindOrderErr);
        ReleaseSalesDocument.PerformManualRelease(SalesHeader);
        ActionContext.SetObjectType(ObjectType::Page);
        ActionContext.SetObjectId(Page::"Koppel Sales Order Release");
        ActionContext.AddEntityKey(Rec.FieldNo(SystemId), SalesHeader.SystemId);
        ActionContext.SetResultCode(WebServiceActionResultCode::Updated);
    end;

    var
        CannotFindOrderErr: Label 'The sales order does not exist.';
}
