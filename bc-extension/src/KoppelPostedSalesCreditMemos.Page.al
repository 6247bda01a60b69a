namespace Koppel.Integration;

using Microsoft.Sales.History;

/// <summary>
/// koppel/payments/v1.0 postedSalesCreditMemos (KOPPEL_BC_REFUND_API): the posted sales credit memos only. API v2.0
/// salesCreditMemos (page 30038) lists unposted credit memos too and serves a released unposted one with status Open,
/// as a posted one not yet paid back; it has no posted field. Koppel pays a credit memo back at the payment provider
/// only once this page lists it. Read-only, over table 114 "Sales Cr.Memo Header", key SystemId; a posted credit
/// memo keeps its draft's id in "Draft Cr. Memo SystemId", and API v2.0 serves that id when it is set, else the
/// SystemId ("Graph Mgt - Sal. Cr. Memo Buf.".GetSalesCrMemoHeaderId). Modelled on "APIV2 - Sales Shipments"
/// (page 30062) in microsoft/BCApps. Every field is a table field: all can be filtered on.
/// </summary>
page 50103 "Koppel Posted Sales Cr. Memos"
{
    APIPublisher = 'koppel';
    APIGroup = 'payments';
    APIVersion = 'v1.0';
    EntityCaption = 'Posted Sales Credit Memo';
    EntitySetCaption = 'Posted Sales Credit Memos';
    EntityName = 'postedSalesCreditMemo';
    EntitySetName = 'postedSalesCreditMemos';
    PageType = API;
    SourceTable = "Sales Cr.Memo Header";
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
                field(draftCreditMemoId; Rec."Draft Cr. Memo SystemId")
                {
                    Caption = 'Draft Credit Memo Id';
                }
                field(number; Rec."No.")
                {
                    Caption = 'No.';
                }
                field(externalDocumentNumber; Rec."External Document No.")
                {
                    Caption = 'External Document No.';
                }
                field(postingDate; Rec."Posting Date")
                {
                    Caption = 'Posting Date';
                }
                field(lastModifiedDateTime; Rec.SystemModifiedAt)
                {
                    Caption = 'Last Modified Date';
                }
            }
        }
    }
}
