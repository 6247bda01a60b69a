"""What Koppel's catalog sync reads from the BC simulator: API v2.0 catalog entities, the published OData v4 web
services (price list lines, item substitutions, stock per location, customers), delta reads and the large seed."""

import random
import signal
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from localdev.ports import free_port
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import seed_store
from localdev.simulators.businesscentral.store import Store
from tests.simulators.conftest import BC, CLIENT_ID, SECRET
from tests.simulators.test_bc_cli import COMMAND, ROOT, environment

Row = dict[str, Any]
ZERO_GUID = "00000000-0000-0000-0000-000000000000"
PRICE_LINE_FIELDS = {
    "@odata.etag", "Price_List_Code", "Line_No", "PriceListDescription", "Status", "Source_Type", "Source_No",
    "Asset_Type", "Asset_No", "Description", "Variant_Code", "Work_Type_Code", "Unit_of_Measure_Code",
    "Minimum_Quantity", "Amount_Type", "Currency_Code", "Unit_Price", "Cost_Factor", "DirectUnitCost", "Unit_Cost",
    "Starting_Date", "Ending_Date", "Allow_Line_Disc", "Line_Discount_Percent", "PurchLineDiscountPct",
    "Allow_Invoice_Disc",
}  # fmt: skip


def values(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["value"]
    return found


def service_url(bc: BC, service: str, company: str | None = None) -> str:
    name = quote(company or bc.sim.company_name)
    return f"{bc.sim.odata_base}/Company('{name}')/{service}"


def published(bc: BC, service: str, params: dict[str, str] | None = None, **headers: str) -> httpx.Response:
    return bc.http.get(service_url(bc, service), params=params, headers={**bc.headers, **headers})


def read_all(bc: BC, url: str, params: dict[str, str] | None = None, **headers: str) -> tuple[list[Row], int]:
    """Every row behind `url`, following @odata.nextLink; and how many pages that took."""
    rows: list[dict[str, Any]] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        body = bc.http.get(next_url, params=params, headers={**bc.headers, **headers}).raise_for_status().json()
        rows += body["value"]
        next_url, params, pages = body.get("@odata.nextLink"), None, pages + 1
    return rows, pages


@pytest.fixture
def fresh() -> Iterator[BC]:
    """A simulator of its own, for tests that change data."""
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET) as sim:
        client = BC(sim)
        yield client
        client.http.close()


def test_items_carry_the_api_v2_fields_and_refer_to_served_references(bc):
    items = values(bc.get("items"))
    categories = {c["code"]: c for c in values(bc.get("itemCategories"))}
    units = {u["code"]: u for u in values(bc.get("unitsOfMeasure"))}

    assert len(items) == 196
    coffee = next(i for i in items if i["number"] == "KOF-1001")
    assert set(coffee) >= {
        "itemCategoryId", "itemCategoryCode", "taxGroupId", "baseUnitOfMeasureId", "baseUnitOfMeasureCode",
        "generalProductPostingGroupCode", "inventoryPostingGroupCode", "lastModifiedDateTime",
    }  # fmt: skip
    assert coffee["itemCategoryId"] == categories["KOF"]["id"]
    assert coffee["baseUnitOfMeasureId"] == units["STUK"]["id"]
    assert all(i["itemCategoryId"] == categories[i["itemCategoryCode"]]["id"] for i in items)
    assert units["STUK"]["internationalStandardCode"] == "H87"
    assert {"id", "code", "displayName", "lastModifiedDateTime"} == set(categories["KOF"]) - {"@odata.etag"}
    assert bc.get("itemCategories", {"$select": "parentCategory"}).status_code == 400
    variant = values(bc.get("itemVariants", {"$top": "1"}))[0]
    assert variant["lastModifiedDateTime"].endswith("Z")


def test_locations_and_filters_on_code_fields(bc):
    locations = values(bc.get("locations"))

    assert [(loc["code"], loc["displayName"]) for loc in locations] == [
        ("HOOFD", "Hoofdmagazijn"),
        ("WINKEL", "Winkel Amsterdam"),
    ]
    assert bc.one("locations", "code eq 'winkel'")["city"] == "Amsterdam"
    assert all(loc["@odata.etag"].startswith('W/"') and loc["lastModifiedDateTime"] for loc in locations)


def test_open_purchase_orders_tell_what_is_still_to_be_received_and_when(bc):
    today = date.today()
    orders = values(bc.get("purchaseOrders", {"$expand": "purchaseOrderLines"}))
    locations = {loc["id"] for loc in values(bc.get("locations"))}
    variants = {v["id"] for v in values(bc.get("itemVariants"))}

    assert [o["status"] for o in orders] == ["Open", "Open", "Draft"]
    lines = [line for order in orders for line in order["purchaseOrderLines"]]
    assert all(line["locationId"] in locations for line in lines)
    assert any(0 < line["receivedQuantity"] < line["quantity"] for line in lines)
    assert any(date.fromisoformat(line["expectedReceiptDate"]) < today for line in lines)
    assert any(line["itemVariantId"] in variants for line in lines)
    low = {line["lineObjectNumber"]: line for line in lines if line["itemVariantId"] == ZERO_GUID}
    for number in low:
        assert bc.one("items", f"number eq '{number}'")["inventory"] < 20
    first = orders[0]
    assert first["totalAmountExcludingTax"] == pytest.approx(sum(x["netAmount"] for x in first["purchaseOrderLines"]))
    nested = values(bc.get(f"purchaseOrders({first['id']})/purchaseOrderLines"))
    assert [x["id"] for x in nested] == [x["id"] for x in first["purchaseOrderLines"]]


def test_document_lines_without_their_document_need_a_document_filter(bc):
    order = values(bc.get("purchaseOrders", {"$top": "1"}))[0]

    refused = bc.get("purchaseOrderLines")
    by_document = values(bc.get("purchaseOrderLines", {"$filter": f"documentId eq {order['id']}"}))
    one = bc.get(f"purchaseOrderLines({by_document[0]['id']})")
    sales = bc.get("salesOrderLines", {"$filter": "quantity gt 0"})
    id_in_a_literal = bc.get("purchaseOrderLines", {"$filter": "description eq 'id'"})

    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "code": "Application_DialogException",
        "message": "You must specify an Id or a Document Id to get the lines.",
    }
    assert by_document
    assert {line["documentId"] for line in by_document} == {order["id"]}
    assert one.json()["id"] == by_document[0]["id"]
    assert sales.status_code == 400
    assert id_in_a_literal.status_code == 400


def test_seeded_sales_order_lines_report_what_is_left_to_ship(bc):
    orders = values(bc.get("salesOrders", {"$filter": "externalDocumentNumber eq ''", "$expand": "salesOrderLines"}))
    lines = [line for order in orders for line in order["salesOrderLines"]]
    locations = {loc["id"]: loc["code"] for loc in values(bc.get("locations"))}

    assert len(orders) == 3
    partly = [line for line in lines if 0 < line["shippedQuantity"] < line["quantity"]]
    assert len(partly) == 1
    assert partly[0]["quantity"] - partly[0]["shippedQuantity"] == 8
    assert partly[0]["shipQuantity"] == 8
    assert {locations[line["locationId"]] for line in lines} == {"HOOFD", "WINKEL"}
    assert any(line["itemVariantId"] != ZERO_GUID for line in lines)
    by_document = values(bc.get("salesOrderLines", {"$filter": f"documentId eq {orders[0]['id']}"}))
    assert [x["id"] for x in by_document] == [x["id"] for x in orders[0]["salesOrderLines"]]


def test_stock_per_location_adds_up_to_the_items_inventory(bc):
    items = values(bc.get("items", {"$filter": "type eq 'Inventory'"}))
    stock = values(published(bc, "KoppelItemLocationStock"))

    per_item: dict[str, float] = defaultdict(float)
    for row in stock:
        per_item[row["Item_No"]] += row["Remaining_Quantity"]
    assert all(per_item[i["number"]] == pytest.approx(i["inventory"]) for i in items)
    assert {row["Location_Code"] for row in stock} == {"HOOFD", "WINKEL"}
    assert all("@odata.etag" not in row for row in stock)
    assert set(stock[0]) == {
        "Location_Code", "Item_No", "Variant_Code", "Unit_of_Measure_Code", "Serial_No_", "Lot_No_", "Package_No_",
        "Remaining_Quantity",
    }  # fmt: skip
    assert any(row["Remaining_Quantity"] < 0 for row in stock)
    twice = Counter((row["Location_Code"], row["Item_No"], row["Variant_Code"]) for row in stock)
    boxed = [key for key, count in twice.items() if count > 1]
    assert len(boxed) == 1
    assert {r["Unit_of_Measure_Code"] for r in stock if (r["Location_Code"], r["Item_No"], "") == boxed[0]} == {
        "STUK",
        "DOOS",
    }
    variant_rows = [row for row in stock if row["Item_No"].startswith("TEX-") and row["Variant_Code"]]
    assert variant_rows
    shop = values(published(bc, "KoppelItemLocationStock", {"$filter": "Location_Code eq 'WINKEL'"}))
    assert shop
    assert {row["Location_Code"] for row in shop} == {"WINKEL"}


def test_item_ledger_entries_show_no_location_so_stock_per_location_needs_the_query(bc):
    entries = values(bc.get("itemLedgerEntries", {"$top": "5"}))

    assert entries
    assert "locationCode" not in entries[0]
    assert entries[0]["entryType"] == "Positive_x0020_Adjmt_x002E_"
    assert bc.get("itemLedgerEntries", {"$select": "locationCode"}).status_code == 400
    assert bc.get("itemLedgerEntries", {"$filter": "remainingQuantity gt 0"}).status_code == 400


def test_price_list_lines_are_served_as_page_7005_names_them(bc):
    lines = values(published(bc, "KoppelPriceListLines"))

    assert all(set(line) == PRICE_LINE_FIELDS for line in lines)
    assert all(line["@odata.etag"].startswith('W/"') for line in lines)
    keys = [(line["Price_List_Code"], line["Line_No"]) for line in lines]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    source_types = {line["Source_Type"] for line in lines}
    assert source_types == {"All_x0020_Customers", "Customer", "Customer_x0020_Price_x0020_Group", "Campaign"}
    assert {line["Status"] for line in lines} == {"Active", "Draft", "Inactive"}
    assert {line["Amount_Type"] for line in lines} == {"Price", "Discount"}
    assert {line["Currency_Code"] for line in lines} == {"", "USD"}
    assert {line["Minimum_Quantity"] for line in lines} >= {0, 10, 50}
    assert {line["Source_No"] for line in lines if line["Source_Type"] == "Customer_x0020_Price_x0020_Group"} == {
        "HORECA",
        "RETAIL",
    }
    assert any(line["Variant_Code"] == "XL" for line in lines)
    assert any(line["Unit_of_Measure_Code"] == "DOOS" for line in lines)
    discount = next(line for line in lines if line["Amount_Type"] == "Discount")
    assert (discount["Unit_Price"], discount["Line_Discount_Percent"]) == (0, discount["PurchLineDiscountPct"])
    assert discount["Line_Discount_Percent"] > 0
    campaign = [line for line in lines if line["Source_Type"] == "Campaign"]
    today = date.today().isoformat()
    assert all(line["Starting_Date"] <= today <= line["Ending_Date"] for line in campaign)
    assert any(line["Ending_Date"] == "0001-01-01" for line in lines)


def test_price_list_lines_for_every_kind_of_assign_to(bc):
    customer = published(bc, "KoppelCustomers", {"$filter": "Name eq 'Koffiehuis De Zwaan'"}).json()["value"][0]
    special = values(published(bc, "KoppelPriceListLines", {"$filter": f"Source_No eq '{customer['No']}'"}))
    horeca = values(published(bc, "KoppelCustomers", {"$filter": "Customer_Price_Group eq 'HORECA'"}))
    retail = values(published(bc, "KoppelCustomers", {"$filter": "Customer_Price_Group eq 'RETAIL'"}))

    assert customer["Customer_Price_Group"] == "HORECA"
    assert customer["Blocked"] == "_x0020_"
    assert [(line["Source_Type"], line["Asset_No"]) for line in special] == [("Customer", "KOF-1001")]
    assert len(horeca) == 8
    assert len(retail) == 4
    all_customers = values(bc.get("customers"))
    assert {c["No"] for c in values(published(bc, "KoppelCustomers"))} == {c["number"] for c in all_customers}


def test_price_list_lines_filter_on_asset_status_and_dates(bc):
    kof = values(published(bc, "KoppelPriceListLines", {"$filter": "Asset_No eq 'kof-1001'"}))
    active = values(published(bc, "KoppelPriceListLines", {"$filter": "Status eq 'Active'"}))
    either = values(published(bc, "KoppelPriceListLines", {"$filter": "Status eq 'Draft' or Status eq 'Inactive'"}))
    open_ended = values(
        published(
            bc, "KoppelPriceListLines", {"$filter": f"Ending_Date eq 0001-01-01 or Ending_Date ge {date.today()}"}
        )
    )
    breaks = values(
        published(bc, "KoppelPriceListLines", {"$filter": "Asset_No eq 'KOF-1002' and Minimum_Quantity gt 0"})
    )

    assert kof
    assert {line["Asset_No"] for line in kof} == {"KOF-1001"}
    assert all(line["Status"] == "Active" for line in active)
    assert {line["Status"] for line in either} == {"Draft", "Inactive"}
    assert len(active) + len(either) == len(values(published(bc, "KoppelPriceListLines")))
    assert all(line["Ending_Date"] == "0001-01-01" or line["Ending_Date"] >= str(date.today()) for line in open_ended)
    assert sorted(line["Minimum_Quantity"] for line in breaks) == [10, 50]
    assert breaks[0]["Unit_Price"] > breaks[1]["Unit_Price"]


@pytest.mark.parametrize(
    ("filter_", "message"),
    [
        ("Asset_No eq 'KOF-1001' or Status eq 'Active'", "'OR' operator is not supported on distinct fields"),
        ("SystemModifiedAt gt 2024-01-01T00:00:00Z", "named 'SystemModifiedAt' on type 'NAV.KoppelPriceListLines'"),
        ("Price_Includes_VAT eq false", "Could not find a property named 'Price_Includes_VAT'"),
        ("Unit_Price eq 'cheap'", "incompatible types"),
    ],
)
def test_price_list_line_filters_bc_refuses_are_400(bc, filter_, message):
    response = published(bc, "KoppelPriceListLines", {"$filter": filter_})

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_published_services_page_with_top_skip_and_next_links(bc):
    everything = values(published(bc, "KoppelPriceListLines"))
    window = published(bc, "KoppelPriceListLines", {"$skip": "3", "$top": "4", "$count": "true"}).json()
    selected = values(published(bc, "KoppelPriceListLines", {"$select": "Asset_No,Unit_Price", "$top": "2"}))
    rows, pages = read_all(
        bc, service_url(bc, "KoppelPriceListLines"), {"$filter": "Status eq 'Active'"}, Prefer="odata.maxpagesize=5"
    )

    assert [r["Line_No"] for r in window["value"]] == [r["Line_No"] for r in everything[3:7]]
    assert window["@odata.count"] == len(everything)
    assert [set(r) for r in selected] == [{"@odata.etag", "Asset_No", "Unit_Price"}] * 2
    active = [r for r in everything if r["Status"] == "Active"]
    assert rows == active
    assert pages == -(-len(active) // 5)
    first = published(bc, "KoppelPriceListLines", Prefer="odata.maxpagesize=5").json()
    assert "$skiptoken=" in first["@odata.nextLink"]
    assert first["@odata.context"].endswith("$metadata#Company('CRONUS%20Nederland%20Demo')/KoppelPriceListLines")


def test_item_substitutions_both_ways_when_interchangeable(bc):
    rows = values(published(bc, "KoppelItemSubstitutions"))
    pairs = {(r["No"], r["Variant_Code"], r["Substitute_No"], r["Substitute_Variant_Code"]): r for r in rows}

    assert set(rows[0]) == {
        "@odata.etag", "Type", "No", "Variant_Code", "Substitute_Type", "Substitute_No", "Substitute_Variant_Code",
        "Description", "Interchangeable", "Condition",
    }  # fmt: skip
    assert pairs[("KOF-1001", "", "KOF-1005", "")]["Interchangeable"] is True
    assert pairs[("KOF-1005", "", "KOF-1001", "")]["Interchangeable"] is True
    assert pairs[("APP-1001", "", "APP-1003", "")]["Interchangeable"] is False
    assert ("APP-1003", "", "APP-1001", "") not in pairs
    variant = pairs[("TEX-1001", "XL", "TEX-1003", "XL")]
    assert variant["Description"].endswith("Extra Large")
    only = values(published(bc, "KoppelItemSubstitutions", {"$filter": "No eq 'KOF-1001'"}))
    assert [r["Substitute_No"] for r in only] == ["KOF-1005"]


def test_item_units_of_measure_are_served_as_page_5404_names_them(bc):
    items = values(bc.get("items"))
    rows = values(published(bc, "KoppelItemUnitsOfMeasure"))
    boxes = values(published(bc, "KoppelItemUnitsOfMeasure", {"$filter": "Qty_per_Unit_of_Measure ne 1"}))

    assert set(rows[0]) == {
        "@odata.etag", "Item_No", "Code", "Qty_per_Unit_of_Measure", "Height", "Width", "Length", "Cubage", "Weight",
        "Coupled_to_Dataverse",
    }  # fmt: skip
    base = {(row["Item_No"], row["Code"]) for row in rows if row["Qty_per_Unit_of_Measure"] == 1}
    assert base == {(item["number"], item["baseUnitOfMeasureCode"]) for item in items}
    kof = sorted(item["number"] for item in items if item["number"].startswith("KOF-"))
    assert [(row["Item_No"], row["Code"], row["Qty_per_Unit_of_Measure"]) for row in boxes] == [
        (number, "DOOS", 6) for number in kof
    ]
    assert len(rows) == len(items) + len(kof)
    keys = [(row["Item_No"], row["Code"]) for row in rows]
    assert keys == sorted(keys)


def test_published_services_need_the_token_and_know_only_their_services_and_company(bc):
    unknown = published(bc, "KoppelNothing")
    other_company = bc.http.get(service_url(bc, "KoppelPriceListLines", "Someone Else BV"), headers=bc.headers)
    no_token = httpx.get(service_url(bc, "KoppelPriceListLines"))
    other_tenant = bc.http.get(
        service_url(bc, "KoppelPriceListLines").replace("/koppel-demo/", "/x/"), headers=bc.headers
    )
    garbage = bc.http.get(f"{bc.sim.odata_base}/Nonsense", headers=bc.headers)

    assert unknown.status_code == 404
    assert unknown.json()["error"] == {
        "code": "BadRequest_NotFound",
        "message": "Resource not found for the segment 'KoppelNothing'.",
    }
    assert other_company.status_code == 404
    assert no_token.status_code == 401
    assert no_token.headers["WWW-Authenticate"].startswith("Bearer ")
    assert other_tenant.status_code == 404
    assert garbage.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "items"),
        ("PATCH", "items(00000000-0000-0000-0000-000000000001)"),
        ("POST", "itemLedgerEntries"),
        ("POST", "purchaseOrders"),
        ("POST", "itemCategories"),
    ],
)
def test_writes_to_catalog_entities_are_refused(bc, method, path):
    if "(" in path:
        item = values(bc.get("items", {"$top": "1"}))[0]
        path = f"items({item['id']})"
    response = bc.http.request(method, bc.url(path), headers={**bc.headers, "If-Match": "*"}, json={"unitPrice": 1})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "BadRequest_MethodNotAllowed"


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_writes_to_published_services_are_refused(bc, method):
    response = bc.http.request(method, service_url(bc, "KoppelPriceListLines"), headers=bc.headers, json={})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "BadRequest_MethodNotAllowed"


def test_faults_limits_and_stats_apply_to_published_services():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, rate_limit=4, rate_window_s=60) as sim:
        bc = BC(sim)
        bc.control(
            "POST", "faults", {"next": [{"fault": "503", "retry_after": 3, "path_contains": "KoppelPriceListLines"}]}
        )

        api = bc.get("items", {"$top": "1"})
        faulted = published(bc, "KoppelPriceListLines", {"$top": "1"})
        stock = published(bc, "KoppelItemLocationStock", {"$top": "1"})
        again = published(bc, "KoppelPriceListLines", {"$top": "1"})
        limited = published(bc, "KoppelItemSubstitutions")

        assert [api.status_code, faulted.status_code, stock.status_code, again.status_code] == [200, 503, 200, 200]
        assert faulted.headers["Retry-After"] == "3"
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "Application_TooManyRequests"
        stats = bc.control("GET", "stats").json()
        assert stats["by_entity"] == {
            "items": 1,
            "KoppelPriceListLines": 2,
            "KoppelItemLocationStock": 1,
            "KoppelItemSubstitutions": 1,
        }
        assert stats["rate_limited"] == 1


def test_an_item_edit_moves_last_modified_and_a_gt_filter_finds_only_that_item(fresh):
    before = values(fresh.get("items", {"$orderby": "lastModifiedDateTime desc", "$top": "1"}))[0]
    since = before["lastModifiedDateTime"]
    assert values(fresh.get("items", {"$filter": f"lastModifiedDateTime gt {since}"})) == []
    target = fresh.one("items", "number eq 'KOF-1003'")

    changed = fresh.control("PATCH", "items/kof-1003", {"unitPrice": 99.5, "blocked": True})

    assert changed.status_code == 200
    delta = values(fresh.get("items", {"$filter": f"lastModifiedDateTime gt {since}"}))
    assert [(i["number"], i["unitPrice"], i["blocked"]) for i in delta] == [("KOF-1003", 99.5, True)]
    assert delta[0]["@odata.etag"] != target["@odata.etag"]
    assert delta[0]["lastModifiedDateTime"] > target["lastModifiedDateTime"]
    assert fresh.control("PATCH", "items/KOF-1003", {"inventory": 5}).status_code == 400
    assert fresh.control("PATCH", "items/KOF-1003", {"unitPrice": "cheap"}).status_code == 400
    assert fresh.control("PATCH", "items/NOPE-1", {"unitPrice": 1}).status_code == 404


def test_posting_stock_changes_inventory_and_entries_but_not_the_item_record(fresh):
    item = fresh.one("items", "number eq 'KOF-1004'")
    since = max(e["lastModifiedDateTime"] for e in values(fresh.get("itemLedgerEntries")))
    shop_filter = {"$filter": "Item_No eq 'KOF-1004' and Location_Code eq 'WINKEL'"}
    shop_before = sum(r["Remaining_Quantity"] for r in values(published(fresh, "KoppelItemLocationStock", shop_filter)))

    posted = fresh.control("POST", "items/KOF-1004/stock", {"location": "WINKEL", "quantity": 7})

    assert posted.status_code == 200, posted.text
    after = fresh.one("items", "number eq 'KOF-1004'")
    assert after["inventory"] == item["inventory"] + 7
    assert (after["@odata.etag"], after["lastModifiedDateTime"]) == (item["@odata.etag"], item["lastModifiedDateTime"])
    new_entries = values(fresh.get("itemLedgerEntries", {"$filter": f"lastModifiedDateTime gt {since}"}))
    assert [(e["itemNumber"], e["quantity"]) for e in new_entries] == [("KOF-1004", 7)]
    shop_after = sum(r["Remaining_Quantity"] for r in values(published(fresh, "KoppelItemLocationStock", shop_filter)))
    assert shop_after == shop_before + 7

    for body in (
        {"location": "NOWHERE", "quantity": 1},
        {"location": "HOOFD", "quantity": 1, "variant": "XL"},
        {"location": "HOOFD", "quantity": "many"},
    ):
        assert fresh.control("POST", "items/KOF-1004/stock", body).status_code == 400, body
    assert fresh.control("POST", "items/SRV-1001/stock", {"location": "HOOFD", "quantity": 1}).status_code == 400


def test_a_price_line_edit_gives_the_row_a_new_etag(fresh):
    filter_ = {"$filter": "Price_List_Code eq 'S00002'"}
    before = values(published(fresh, "KoppelPriceListLines", filter_))

    changed = fresh.control("PATCH", "priceListLines/S00002/20000", {"Unit_Price": 1.23, "Status": "Inactive"})

    assert changed.status_code == 200, changed.text
    after = values(published(fresh, "KoppelPriceListLines", filter_))
    moved = [(b["Line_No"], a["Unit_Price"], a["Status"]) for b, a in zip(before, after, strict=True) if b != a]
    assert moved == [(20000, 1.23, "Inactive")]
    assert after[1]["@odata.etag"] != before[1]["@odata.etag"]
    assert fresh.control("PATCH", "priceListLines/S00002/20000", {"Status": "Gone"}).status_code == 400
    assert fresh.control("PATCH", "priceListLines/S00002/20000", {"Asset_No": "X"}).status_code == 400
    assert fresh.control("PATCH", "priceListLines/S99999/10000", {"Unit_Price": 1}).status_code == 404


def _order_with_lines(bc: BC, *lines: Row) -> tuple[Row, list[Row]]:
    customer = bc.one("customers", "displayName eq 'Webshop Consumenten'")
    created = bc.post("salesOrders", {"customerId": customer["id"], "salesOrderLines": list(lines)})
    assert created.status_code == 201, created.text
    order = created.json()
    return order, values(bc.get(f"salesOrders({order['id']})/salesOrderLines"))


def _stock_in(bc: BC, location: str, number: str) -> float:
    """The item's stock in `location`, over every unit of measure its entries were posted in."""
    filter_ = f"Item_No eq '{number}' and Location_Code eq '{location}'"
    return float(
        sum(row["Remaining_Quantity"] for row in values(published(bc, "KoppelItemLocationStock", {"$filter": filter_})))
    )


def test_a_sales_line_is_in_a_unit_of_measure_of_its_item(fresh):
    refused = fresh.post(
        "salesOrders",
        {
            "customerNumber": "C10000",
            "salesOrderLines": [{"lineObjectNumber": "KOF-1001", "quantity": 1, "unitOfMeasureCode": "PAK"}],
        },
    )
    _order, [boxed] = _order_with_lines(
        fresh, {"lineObjectNumber": "KOF-1001", "quantity": 2, "unitOfMeasureCode": "doos"}
    )

    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "code": "Application_DialogException",
        "message": "The field Unit of Measure Code of table Sales Line contains a value (PAK) that cannot be found in "
        "the related table (Item Unit of Measure).",
    }
    assert (boxed["unitOfMeasureCode"], boxed["quantity"], boxed["shipQuantity"]) == ("DOOS", 2, 2)


def test_shipping_posts_each_lines_qty_to_ship_and_takes_it_from_stock_in_base_units(fresh):
    main = fresh.one("locations", "code eq 'HOOFD'")
    order, [boxed, shipping] = _order_with_lines(
        fresh,
        {"lineObjectNumber": "KOF-1001", "quantity": 2, "unitOfMeasureCode": "DOOS", "locationId": main["id"]},
        {"lineType": "Account", "lineObjectNumber": "8090", "quantity": 1, "unitPrice": 6.95},
    )
    path = f"salesOrders({order['id']})/salesOrderLines({boxed['id']})"
    since = max(e["lastModifiedDateTime"] for e in values(fresh.get("itemLedgerEntries")))
    main_before = _stock_in(fresh, "HOOFD", "KOF-1001")
    too_many = fresh.patch(path, {"shipQuantity": 3}, "*")
    assert fresh.patch(path, {"shipQuantity": 1}, "*").status_code == 200

    shipped = fresh.control("POST", f"salesOrders/{order['id']}/ship")

    assert too_many.status_code == 400
    assert too_many.json()["error"]["message"] == "You cannot ship more than 2 units."
    assert shipped.json() == {"shipped": order["number"]}
    after = {line["id"]: line for line in values(fresh.get(f"salesOrders({order['id']})/salesOrderLines"))}
    assert (after[boxed["id"]]["shippedQuantity"], after[boxed["id"]]["shipQuantity"]) == (1, 1)
    assert (after[shipping["id"]]["shippedQuantity"], after[shipping["id"]]["shipQuantity"]) == (1, 0)
    entries = values(fresh.get("itemLedgerEntries", {"$filter": f"lastModifiedDateTime gt {since}"}))
    assert [(e["itemNumber"], e["entryType"], e["quantity"], e["documentNumber"]) for e in entries] == [
        ("KOF-1001", "Sale", -6, order["number"])
    ]
    assert _stock_in(fresh, "HOOFD", "KOF-1001") == main_before - 6
    assert fresh.one("salesOrders", f"number eq '{order['number']}'")["fullyShipped"] is False
    fresh.control("POST", f"salesOrders/{order['id']}/ship")
    assert fresh.one("salesOrders", f"number eq '{order['number']}'")["fullyShipped"] is True


def _picked(row: Row, wanted: Row) -> Row:
    return {name: row[name] for name in wanted}


def test_a_purchase_order_entered_by_a_purchaser_with_what_was_received_already(fresh):
    locations = {loc["code"]: loc["id"] for loc in values(fresh.get("locations"))}
    red = fresh.one("itemVariants", "itemNumber eq 'FLS-1002' and code eq 'ROOD'")
    shop_before = _stock_in(fresh, "WINKEL", "KOF-1002")
    lines = [
        {"lineObjectNumber": "kof-1002", "unitOfMeasureCode": "DOOS", "quantity": 5, "received": 2,
         "location": "winkel", "expectedReceiptDate": "2031-03-04"},
        {"lineObjectNumber": "FLS-1002", "variant": "ROOD", "quantity": 12, "location": "HOOFD"},
        {"lineType": "Account", "lineObjectNumber": "7000", "quantity": 1, "directUnitCost": 40.0},
        {"lineType": "Comment", "description": "Levering via achterdeur"},
    ]  # fmt: skip

    created = fresh.control("POST", "purchaseOrders", {"vendorNumber": "V20000", "status": "Draft", "lines": lines})

    assert created.status_code == 201, created.text
    number = created.json()["number"]
    [order] = values(fresh.get("purchaseOrders", {"$filter": f"number eq '{number}'", "$expand": "purchaseOrderLines"}))
    assert (order["status"], order["vendorNumber"], order["orderDate"]) == ("Draft", "V20000", str(date.today()))
    boxed, flask, freight, comment = order["purchaseOrderLines"]
    boxed_wanted = {
        "lineType": "Item", "unitOfMeasureCode": "DOOS", "quantity": 5, "receivedQuantity": 2, "receiveQuantity": 3,
        "expectedReceiptDate": "2031-03-04", "locationId": locations["WINKEL"],
        "unitOfMeasureId": fresh.one("unitsOfMeasure", "code eq 'DOOS'")["id"],
    }  # fmt: skip
    assert _picked(boxed, boxed_wanted) == boxed_wanted
    flask_wanted = {
        "itemVariantId": red["id"],
        "locationId": locations["HOOFD"],
        "expectedReceiptDate": str(date.today()),
    }
    assert _picked(flask, flask_wanted) == flask_wanted
    assert (freight["lineType"], freight["lineObjectNumber"], freight["netAmount"]) == ("Account", "7000", 40)
    assert (comment["lineType"], comment["quantity"]) == ("Comment", 0)
    assert order["totalAmountExcludingTax"] == pytest.approx(sum(x["netAmount"] for x in order["purchaseOrderLines"]))
    assert _stock_in(fresh, "WINKEL", "KOF-1002") == shop_before + 12


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"vendorNumber": "V99999", "lines": []}, "Identification fields and values: No.='V99999'"),
        ({"status": "Released", "lines": []}, "status is one of"),
        ({"lines": [{"lineObjectNumber": "NOPE-1", "quantity": 1}]}, "No.='NOPE-1'"),
        ({"lines": [{"lineObjectNumber": "KOF-1001", "quantity": 1, "unitOfMeasureCode": "PAK"}]},
         "table Purchase Line contains a value (PAK)"),
        ({"lines": [{"lineObjectNumber": "KOF-1001", "quantity": 2, "received": 3}]}, "cannot receive more than 2"),
        ({"lines": [{"lineObjectNumber": "KOF-1001", "quantity": 1, "location": "NOWHERE"}]}, "Code='NOWHERE'"),
        ({"lines": [{"lineObjectNumber": "KOF-1001", "quantity": "many"}]}, "quantity must be a number"),
    ],
)  # fmt: skip
def test_the_purchase_order_control_refuses_what_bc_would(fresh, body, message):
    response = fresh.control("POST", "purchaseOrders", body)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_with_a_page_extension_system_modified_at_gives_delta_reads_of_price_lines():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, price_lines_modified_at=True) as sim:
        bc = BC(sim)
        lines = values(published(bc, "KoppelPriceListLines"))
        since = max(line["SystemModifiedAt"] for line in lines)
        assert values(published(bc, "KoppelPriceListLines", {"$filter": f"SystemModifiedAt gt {since}"})) == []

        bc.control("PATCH", "priceListLines/S00001/20000", {"Unit_Price": 9.99})
        bc.control("PATCH", "priceListLines/S00005/10000", {"Ending_Date": str(date.today() + timedelta(days=1))})

        delta = values(published(bc, "KoppelPriceListLines", {"$filter": f"SystemModifiedAt gt {since}"}))
        assert [(line["Price_List_Code"], line["Line_No"]) for line in delta] == [("S00001", 20000), ("S00005", 10000)]
        assert all(line["SystemModifiedAt"] > since for line in delta)


def test_the_large_catalog_seed_gives_the_asked_counts():
    store = Store()
    seed_store(store, demo_data=False, catalog_items=50_000)

    assert len(store.items.rows) == 50_000
    per_item = Counter(v["itemId"] for v in store.item_variants.values())
    assert 0.09 <= len(per_item) / 50_000 <= 0.11
    assert set(per_item.values()) == set(range(3, 9))
    lists = Counter(line["Price_List_Code"] for line in store.price_list_lines.values())
    assert set(lists) == {"S10001", "S10002", "S10003"}
    assert lists["S10001"] > 50_000
    assert {line["Asset_No"] for line in store.price_list_lines.values() if line["Price_List_Code"] == "S10001"} == {
        i["number"] for i in store.items.values()
    }
    stocked: dict[str, float] = defaultdict(float)
    for (_location, number, _variant, _unit), quantity in store.stock.items():
        stocked[number] += quantity
    assert all(stocked[i["number"]] == i["inventory"] for i in random.Random(1).sample(store.items.values(), 500))
    units = Counter(row["Code"] for row in store.item_units_of_measure.values())
    assert units == {"STUK": 50_000, "DOOS": 2_000}


def test_the_large_catalog_has_open_order_lines_for_a_few_percent_of_its_items():
    store = Store()
    seed_store(store, demo_data=False, catalog_items=50_000)

    sales = [line for table in store.order_lines.values() for line in table.values()]
    purchases = [line for table in store.purchase_lines.values() for line in table.values()]
    for lines, done, share in ((sales, "shippedQuantity", 1 / 30), (purchases, "receivedQuantity", 1 / 40)):
        items = {line["itemId"] for line in lines}
        assert len(items) == len(lines)
        assert share * 0.95 <= len(items) / 50_000 <= share
        assert all(line["lineType"] == "Item" and line["quantity"] > line[done] for line in lines)
        assert 0.2 <= sum(1 for line in lines if line[done]) / len(lines) <= 0.26
        assert Counter(line["unitOfMeasureCode"] for line in lines)["DOOS"] == pytest.approx(len(lines) / 5, rel=0.05)
        assert sum(1 for line in lines if line["itemVariantId"] != ZERO_GUID) / len(lines) == pytest.approx(
            0.1, abs=0.03
        )
    for orders in (store.sales_orders, store.purchase_orders):
        assert {order["status"] for order in orders.values()} == {"Draft", "Open"}
    assert {order["customerName"] for order in store.sales_orders.values()} == {"Catalogus Groothandel B.V."}


def test_the_large_catalog_is_deterministic_and_served_in_pages():
    first, second = Store(), Store()
    seed_store(first, catalog_items=3_000)
    seed_store(second, catalog_items=3_000)

    fields = ("id", "number", "unitPrice", "inventory", "blocked")
    assert [[i[f] for f in fields] for i in first.items.values()] == [
        [i[f] for f in fields] for i in second.items.values()
    ]
    assert [v["id"] for v in first.item_variants.values()] == [v["id"] for v in second.item_variants.values()]
    assert first.stock == second.stock
    with BusinessCentralSimulator(
        client_id=CLIENT_ID, client_secret=SECRET, catalog_items=3_000, page_size=2_000
    ) as sim:
        bc = BC(sim)
        rows, pages = read_all(bc, service_url(bc, "KoppelPriceListLines"))
        assert len(rows) == len(sim.store.price_list_lines.rows)
        assert pages == -(-len(rows) // 2_000)
        items, _ = read_all(bc, bc.url("items"), {"$filter": "startswith(number,'LC-')", "$expand": "itemVariants"})
        assert len(items) == 3_000
        assert sum(len(i["itemVariants"]) for i in items) == len(
            [v for v in sim.store.item_variants.values() if v["itemNumber"].startswith("LC-")]
        )


def test_cli_seeds_a_large_catalog_and_says_how_long_it_took():
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [*COMMAND, "--port", str(port), "--client-id", "koppel-test", "--catalog-items", "500"],
        cwd=ROOT,
        env=environment(BC_SIM_CLIENT_SECRET=SECRET),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("BC simulator listening on")
        seeded = process.stdout.readline()
        assert seeded.startswith("seeded 696 items, ")
        assert seeded.rstrip().endswith(" s")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
