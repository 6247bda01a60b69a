namespace Koppel.Integration;

using Microsoft.Finance.GeneralLedger.Journal;
using Microsoft.Integration.Graph;
using Microsoft.Sales.Customer;
using Microsoft.Sales.History;

/// <summary>
/// koppel/payments/v1.0 customerRefunds (KOPPEL_BC_REFUND_API): Gen. Journal Lines of Document Type Refund, Account
/// Type Customer, in a customer payment journal, applied to a posted sales credit memo. API v2.0 customerPayments
/// only makes payments applied to invoices. The lines are posted with the journal's standard
/// journals({id})/Microsoft.NAV.post. Modelled on "APIV2 - Customer Payments" (page 30055) in microsoft/BCApps;
/// GET (with $filter on journalId and externalDocumentNumber, both table fields), POST and DELETE; no PATCH.
/// </summary>
page 50101 "Koppel Customer Refunds"
{
    APIPublisher = 'koppel';
    APIGroup = 'payments';
    APIVersion = 'v1.0';
    EntityCaption = 'Customer Refund';
    EntitySetCaption = 'Customer Refunds';
    EntityName = 'customerRefund';
    EntitySetName = 'customerRefunds';
    PageType = API;
    SourceTable = "Gen. Journal Line";
    ODataKeyFields = SystemId;
    DelayedInsert = true;
    ModifyAllowed = false;
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
                field(journalId; Rec."Journal Batch Id")
                {
                    Caption = 'Journal Id';
                }
                field(journalDisplayName; Rec."Journal Batch Name")
                {
                    Caption = 'Journal Display Name';
                    Editable = false;
                }
                field(lineNumber; Rec."Line No.")
                {
                    Caption = 'Line No.';
                    Editable = false;
                }
                field(customerId; Rec."Customer Id")
                {
                    Caption = 'Customer Id';

                    trigger OnValidate()
                    begin
                        if IsNullGuid(Rec."Customer Id") then begin
                            Rec."Account No." := '';
                            exit;
                        end;
                        if not Customer.GetBySystemId(Rec."Customer Id") then
                            Error(CustomerIdUnknownErr);
                        Rec."Account No." := Customer."No.";
                    end;
                }
                field(customerNumber; Rec."Account No.")
                {
                    Caption = 'Customer No.';
                    TableRelation = Customer;

                    trigger OnValidate()
                    begin
                        if Rec."Account No." = '' then begin
                            Clear(Rec."Customer Id");
                            exit;
                        end;
                        if not Customer.Get(Rec."Account No.") then
                            Error(CustomerNumberUnknownErr);
                        Rec."Customer Id" := Customer.SystemId;
                    end;
                }
                field(postingDate; Rec."Posting Date")
                {
                    Caption = 'Posting Date';
                }
                field(documentNumber; Rec."Document No.")
                {
                    Caption = 'Document No.';
                }
                field(externalDocumentNumber; Rec."External Document No.")
                {
                    Caption = 'External Document No.';
                }
                field(amount; Rec.Amount)
                {
                    Caption = 'Amount';
                }
                field(appliesToCreditMemoId; AppliesToCreditMemoId)
                {
                    Caption = 'Applies To Credit Memo Id';

                    trigger OnValidate()
                    begin
                        if IsNullGuid(AppliesToCreditMemoId) then begin
                            AppliesToCreditMemoNumber := '';
                            exit;
                        end;
                        if not GraphMgtSalCrMemoBuf.GetSalesCrMemoHeaderFromId(Format(AppliesToCreditMemoId), SalesCrMemoHeader) then
                            Error(CreditMemoUnknownErr);
                        AppliesToCreditMemoNumber := SalesCrMemoHeader."No.";
                    end;
                }
                field(appliesToCreditMemoNumber; AppliesToCreditMemoNumber)
                {
                    Caption = 'Applies To Credit Memo No.';
                    Editable = false;
                }
                field(description; Rec.Description)
                {
                    Caption = 'Description';
                }
                field(lastModifiedDateTime; Rec.SystemModifiedAt)
                {
                    Caption = 'Last Modified Date';
                    Editable = false;
                }
            }
        }
    }

    trigger OnOpenPage()
    begin
        Rec.SetRange("Document Type", Rec."Document Type"::Refund);
        Rec.SetRange("Account Type", Rec."Account Type"::Customer);
        Rec.SetRange("Applies-to Doc. Type", Rec."Applies-to Doc. Type"::"Credit Memo");
        Rec.SetRange("Journal Template Name", GraphMgtJournal.GetDefaultCustomerPaymentsTemplateName());
    end;

    trigger OnNewRecord(BelowxRec: Boolean)
    begin
        Clear(AppliesToCreditMemoId);
        Clear(AppliesToCreditMemoNumber);
        Rec."Document Type" := Rec."Document Type"::Refund;
        Rec."Account Type" := Rec."Account Type"::Customer;
        Rec."Applies-to Doc. Type" := Rec."Applies-to Doc. Type"::"Credit Memo";
    end;

    trigger OnAfterGetRecord()
    begin
        AppliesToCreditMemoNumber := Rec."Applies-to Doc. No.";
        Clear(AppliesToCreditMemoId);
        if SalesCrMemoHeader.Get(Rec."Applies-to Doc. No.") then
            AppliesToCreditMemoId := GraphMgtSalCrMemoBuf.GetSalesCrMemoHeaderId(SalesCrMemoHeader);
    end;

    trigger OnInsertRecord(BelowxRec: Boolean): Boolean
    var
        TempGenJournalLine: Record "Gen. Journal Line" temporary;
    begin
        if IsNullGuid(Rec."Journal Batch Id") or
           not GenJournalBatch.GetBySystemId(Rec."Journal Batch Id") or
           (GenJournalBatch."Journal Template Name" <> GraphMgtJournal.GetDefaultCustomerPaymentsTemplateName())
        then
            Error(JournalUnknownErr);

        TempGenJournalLine.Copy(Rec);
        Clear(Rec);
        GraphMgtCustomerPayments.SetCustomerPaymentsTemplateAndBatch(Rec, GenJournalBatch.Name);
        LibraryAPIGeneralJournal.InitializeLine(
          Rec, TempGenJournalLine."Line No.", TempGenJournalLine."Document No.", TempGenJournalLine."External Document No.");
        SetRefundValues(TempGenJournalLine);
    end;

    var
        Customer: Record Customer;
        GenJournalBatch: Record "Gen. Journal Batch";
        SalesCrMemoHeader: Record "Sales Cr.Memo Header";
        GraphMgtCustomerPayments: Codeunit "Graph Mgt - Customer Payments";
        GraphMgtJournal: Codeunit "Graph Mgt - Journal";
        GraphMgtSalCrMemoBuf: Codeunit "Graph Mgt - Sal. Cr. Memo Buf.";
        LibraryAPIGeneralJournal: Codeunit "Library API - General Journal";
        AppliesToCreditMemoId: Guid;
        AppliesToCreditMemoNumber: Code[20];
        JournalUnknownErr: Label 'The "journalId" does not match to a customer payment journal.', Comment = 'journalId is a field name and should not be translated.';
        CustomerNumberUnknownErr: Label 'The "customerNumber" does not match to a Customer.', Comment = 'customerNumber is a field name and should not be translated.';
        CustomerIdUnknownErr: Label 'The "customerId" does not match to a Customer.', Comment = 'customerId is a field name and should not be translated.';
        CreditMemoUnknownErr: Label 'The "appliesToCreditMemoId" should be the ID of a posted Sales Credit Memo.', Comment = 'appliesToCreditMemoId is a field name and should not be translated.';
        OtherCustomerErr: Label 'Credit memo %1 is not an open entry of customer %2; a refund can only be applied to a credit memo of the same customer.', Comment = '%1 = credit memo number, %2 = customer number';

    /// <summary>
    /// As "Graph Mgt - Journal Lines".SetPaymentsValues, but a Refund applied to a Credit Memo: the customer is the
    /// credit memo's bill-to customer when none is given; posting then checks that the amount is positive
    /// (Gen. Jnl.-Check Line, CheckDocType).
    /// </summary>
    local procedure SetRefundValues(TempGenJournalLine: Record "Gen. Journal Line" temporary)
    begin
        if (TempGenJournalLine."Account No." = '') and (AppliesToCreditMemoNumber <> '') then
            TempGenJournalLine."Account No." := SalesCrMemoHeader."Bill-to Customer No.";
        if (AppliesToCreditMemoNumber <> '') and (TempGenJournalLine."Account No." <> SalesCrMemoHeader."Bill-to Customer No.") then
            Error(OtherCustomerErr, AppliesToCreditMemoNumber, TempGenJournalLine."Account No.");

        Rec.Validate("Account Type", Rec."Account Type"::Customer);
        Rec.Validate("Account No.", TempGenJournalLine."Account No.");
        if TempGenJournalLine."Posting Date" <> 0D then
            Rec.Validate("Posting Date", TempGenJournalLine."Posting Date");
        Rec.Validate("Document Type", Rec."Document Type"::Refund);
        if TempGenJournalLine."Document No." <> '' then
            Rec.Validate("Document No.", TempGenJournalLine."Document No.");
        Rec.Validate("External Document No.", TempGenJournalLine."External Document No.");
        Rec.Validate(Amount, TempGenJournalLine.Amount);
        Rec.Validate("Applies-to Doc. Type", Rec."Applies-to Doc. Type"::"Credit Memo");
        Rec."Applies-to Doc. No." := AppliesToCreditMemoNumber;
        if TempGenJournalLine.Description <> '' then
            Rec.Validate(Description, TempGenJournalLine.Description);
        if GenJournalBatch."Bal. Account No." <> '' then begin
            Rec.Validate("Bal. Account Type", GenJournalBatch."Bal. Account Type");
            Rec.Validate("Bal. Account No.", GenJournalBatch."Bal. Account No.");
        end;
    end;
}
