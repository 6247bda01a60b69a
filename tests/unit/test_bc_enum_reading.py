"""Enum members as API v2.0 serves them (XML-encoded names) are read as BC means them, once, in the adapter.

Shapes: MicrosoftDocs/dynamics365smb-devitpro-pb dev-itpro/api-reference/v2.0/api/dynamics_itemledgerentry_get.md
(`"entryType": "Positive_x0020_Adjmt_x002E_"`, `"sourceType": "_x0020_"`); enum members from microsoft/BCApps
src/Layers/W1/BaseApp/Integration/Entity/ (InvoiceEntityAggregateStatus, SalesCrMemoEntityBufferStatus,
InvoiceLineAggLineType).
"""

from __future__ import annotations

import pytest

from integrations.businesscentral import odata
from integrations.businesscentral.credit_memos import credit_memo
from integrations.businesscentral.invoices import invoice

GUID = "5d115c9c-44e3-ea11-bb43-000d3a2feca1"


@pytest.mark.parametrize(
    ("served", "meant"),
    [
        ("In_x0020_Review", "In Review"),
        ("_x0020_", ""),
        ("Positive_x0020_Adjmt_x002E_", "Positive Adjmt."),
        ("Fixed_x0020_Asset", "Fixed Asset"),
        ("Open", "Open"),
        (" ", ""),
        (None, ""),
    ],
)
def test_enum_value_decodes_the_served_name(served: object, meant: str) -> None:
    assert odata.enum_value(served) == meant


def _row(status: str) -> dict[str, object]:
    return {"id": GUID, "number": "103001", "status": status, "totalAmountIncludingTax": 121, "remainingAmount": 121}


@pytest.mark.parametrize(("served", "meant"), [("In_x0020_Review", "In Review"), ("_x0020_", ""), ("Open", "Open")])
def test_an_invoice_status_is_read_as_bc_means_it(served: str, meant: str) -> None:
    read = invoice(_row(served))

    assert read.status == meant
    assert not read.posted or meant == "Open"


def test_a_credit_memo_in_review_is_not_open() -> None:
    read = credit_memo(_row("In_x0020_Review"))

    assert read.status == "In Review"
