namespace Koppel.Integration;

using Microsoft.Foundation.Shipping;
using Microsoft.Sales.History;

/// <summary>
/// koppel/shipping/v1.0 salesShipments (KOPPEL_BC_SHIPPING_API): what API v2.0 salesShipments (page 30062) leaves
/// out of a posted sales shipment - the shipping agent, its service, the package tracking number and the agent's
/// tracking link - with lastModifiedDateTime, which moves when "Update Document" (page 1350) changes them after
/// posting. Read-only; the key is the Sales Shipment Header's SystemId, the id API v2.0 salesShipments serves.
/// Modelled on "APIV2 - Sales Shipments" (page 30062) in microsoft/BCApps; trackingUrl is built as Microsoft's
/// Shopify Connector builds it (ShpfyExportShipments.Codeunit.al): GetTrackingInternetAddr, only with a tracking
/// number and an Internet Address. Filter only on table fields (not on trackingUrl).
/// </summary>
page 50102 "Koppel Sales Shipments"
{
    APIPublisher = 'koppel';
    APIGroup = 'shipping';
    APIVersion = 'v1.0';
    EntityCaption = 'Sales Shipment';
    EntitySetCaption = 'Sales Shipments';
    EntityName = 'salesShipment';
    EntitySetName = 'salesShipments';
    PageType = API;
    SourceTable = "Sales Shipment Header";
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
                field(orderNumber; Rec."Order No.")
                {
                    Caption = 'Order No.';
                }
                field(externalDocumentNumber; Rec."External Document No.")
                {
                    Caption = 'External Document No.';
                }
                field(shippingAgentCode; Rec."Shipping Agent Code")
                {
                    Caption = 'Shipping Agent Code';
                }
                field(shippingAgentServiceCode; Rec."Shipping Agent Service Code")
                {
                    Caption = 'Shipping Agent Service Code';
                }
                field(packageTrackingNumber; Rec."Package Tracking No.")
                {
                    Caption = 'Package Tracking No.';
                }
                field(trackingUrl; TrackingUrl)
                {
                    Caption = 'Tracking URL';
                }
                field(lastModifiedDateTime; Rec.SystemModifiedAt)
                {
                    Caption = 'Last Modified Date';
                }
            }
        }
    }

    trigger OnAfterGetRecord()
    var
        ShippingAgent: Record "Shipping Agent";
    begin
        TrackingUrl := '';
        if (Rec."Package Tracking No." = '') or (Rec."Shipping Agent Code" = '') then
            exit;
        if not ShippingAgent.Get(Rec."Shipping Agent Code") then
            exit;
        if ShippingAgent."Internet Address" <> '' then
            TrackingUrl := ShippingAgent.GetTrackingInternetAddr(Rec."Package Tracking No.");
    end;

    var
        TrackingUrl: Text;
}
