"""VAT in the simulated Dutch company: no tax group on items, the VAT Prod. Posting Group on page 31, the rates on
page 472, and document lines taxed by the posting groups.

Vendor sources: API v2.0 items serve `taxGroupCode` = the item's Tax Group Code (US sales tax) and no VAT Prod.
Posting Group (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2Items.Page.al); page 31 "Item List" has the
control "VAT Prod. Posting Group" (Base App Inventory/Item/ItemList.Page.al), page 472 "VAT Posting Setup" the
controls "VAT Bus. Posting Group", "VAT Prod. Posting Group", "VAT %", "VAT Calculation Type", Blocked
(Finance/VAT/Setup/VATPostingSetup.Page.al; both StefanMaron/MSDyn365BC.Code.History). A sales line's taxCode is
its VAT Prod. Posting Group when written (APIV2SalesOrderLines.Page.al, taxCode OnValidate) and served as the VAT
Posting Setup's VAT Identifier (SalesInvoiceAggregator SetTaxGroupIdAndCode); the simulator names them apart.
"""

from __future__ import annotations

from localdev.simulators.businesscentral.published import ITEMS, VAT_SETUP
from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from tests.simulators.conftest import BC
from tests.simulators.test_bc_catalog import published, values


def test_api_items_have_no_tax_group_in_a_vat_country(bc: BC):
    items = bc.get("items", {"$select": "number,taxGroupCode,taxGroupId"}).json()["value"]

    assert {(item["taxGroupCode"], item["taxGroupId"]) for item in items} == {
        ("", "00000000-0000-0000-0000-000000000000")
    }
    assert "vatProductPostingGroup" not in bc.get("items", {"$top": "1"}).json()["value"][0]


def test_page_31_serves_each_items_vat_product_posting_group(bc: BC):
    rows = values(published(bc, ITEMS, {"$filter": "No eq 'KOF-1001' or No eq 'APP-1002' or No eq 'BON-1001'"}))

    assert {row["No"]: row["VAT_Prod_Posting_Group"] for row in rows} == {
        "KOF-1001": "LAAG",
        "APP-1002": "HOOG",
        "BON-1001": "NUL",
    }
    assert all(row["@odata.etag"] for row in rows)


def test_page_472_gives_the_rate_of_each_pair_of_posting_groups(bc: BC):
    domestic = values(published(bc, VAT_SETUP, {"$filter": "VAT_Bus_Posting_Group eq 'BINNENLAND'"}))
    eu = values(published(bc, VAT_SETUP, {"$filter": "VAT_Bus_Posting_Group eq 'EU'"}))

    assert {row["VAT_Prod_Posting_Group"]: row["VAT_Percent"] for row in domestic} == {"HOOG": 21, "LAAG": 9, "NUL": 0}
    assert {row["VAT_Prod_Posting_Group"]: row["VAT_Identifier"] for row in domestic} == {
        "HOOG": "VAT21",
        "LAAG": "VAT9",
        "NUL": "VAT0",
    }
    assert {row["VAT_Calculation_Type"] for row in domestic} == {"Normal_x0020_VAT"}
    assert {row["VAT_Calculation_Type"] for row in eu} == {"Reverse_x0020_Charge_x0020_VAT"}


def test_a_sales_line_is_taxed_by_its_items_vat_product_posting_group(bc: BC):
    response = bc.post(
        "salesOrders",
        {
            "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
            "salesOrderLines": [
                {"lineType": "Item", "lineObjectNumber": "KOF-1001", "quantity": 1},
                {"lineType": "Item", "lineObjectNumber": "APP-1002", "quantity": 1},
            ],
        },
        {"$expand": "salesOrderLines"},
    )

    assert response.status_code == 201, response.text
    lines = response.json()["salesOrderLines"]
    assert [(line["taxCode"], line["taxPercent"]) for line in lines] == [("VAT9", 9), ("VAT21", 21)]
