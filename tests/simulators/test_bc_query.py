"""OData query options, paging and malformed requests against the BC simulator."""

from typing import Any

import httpx
import pytest

from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import BRANCHES, WEBSHOP_CUSTOMER_NUMBER
from tests.simulators.conftest import BC, CLIENT_ID, SECRET


def values(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["value"]
    return found


def test_collection_shape(bc):
    body = bc.get("customers").json()

    assert body["@odata.context"].endswith(f"$metadata#companies({bc.sim.company_id})/customers")
    assert len(body["value"]) == 50 + len(BRANCHES)
    assert "@odata.nextLink" not in body
    assert all(c["@odata.etag"].startswith('W/"') for c in body["value"])
    numbers = [c["number"] for c in body["value"]]
    assert numbers == sorted(numbers)


def test_filter_string_with_a_doubled_quote(bc):
    customer = bc.one("customers", "displayName eq 'Sean O''Brien'")

    assert customer["displayName"] == "Sean O'Brien"


def test_filter_with_and_or_and_parentheses(bc):
    eu = values(bc.get("customers", {"$filter": "(country eq 'BE' or country eq 'DE') and taxLiable eq false"}))
    not_nl = values(bc.get("customers", {"$filter": "not (country eq 'NL')"}))

    assert len(eu) == 6
    assert {c["country"] for c in eu} == {"BE", "DE"}
    assert {c["number"] for c in not_nl} == {c["number"] for c in eu}


@pytest.mark.parametrize(
    ("path", "filter_"),
    [
        ("customers", "blocked eq 'All' or country eq 'BE'"),
        ("itemVariants", "(itemNumber eq 'A' and code eq 'X') or (itemNumber eq 'B' and code eq 'Y')"),
        ("items", "number eq 'A' or (number eq 'B' and blocked eq false)"),
    ],
)
def test_or_across_two_fields_is_refused_on_api_pages_too(bc, path, filter_):
    """MicrosoftDocs/dynamics365smb-devitpro-pb dev-itpro/webservices/odata-known-limitations.md ("Filters") and
    use-filter-expressions-in-odata-uris.md: `or` only between conditions on one field, in BC's words."""
    response = bc.get(path, {"$filter": filter_})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "BadRequest",
        "message": "The 'OR' operator is not supported on distinct fields on an OData filter.",
    }


def test_or_on_one_field_joined_by_and_to_another_is_accepted(bc):
    variant = values(bc.get("itemVariants", {"$top": "1"}))[0]
    filter_ = f"(itemNumber eq '{variant['itemNumber']}' or itemNumber eq 'NONE') and code eq '{variant['code']}'"

    found = values(bc.get("itemVariants", {"$filter": filter_}))

    assert [v["id"] for v in found] == [variant["id"]]


def test_a_page_variable_cannot_be_filtered_on(bc):
    """APIV2Customers.Page.al (microsoft/BCApps src/Apps/W1/APIV2): taxRegistrationNumber and currencyCode are page
    variables, not table fields, so BC has nothing to put the filter on."""
    for filter_ in ("taxRegistrationNumber eq 'NL123456789B01'", "currencyCode eq 'EUR'"):
        response = bc.get("customers", {"$filter": filter_})

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "BadRequest"
    assert all("taxRegistrationNumber" in c for c in values(bc.get("customers", {"$top": "3"})))


@pytest.mark.parametrize(
    ("entity_set", "filter_"),
    [
        ("salesOrders", "currencyCode eq 'EUR'"),
        ("salesInvoices", "currencyCode eq 'EUR'"),
        ("salesInvoices", "remainingAmount gt 0"),
        ("salesCreditMemos", "currencyCode eq 'EUR'"),
    ],
)
def test_the_documents_page_variables_cannot_be_filtered_on(bc, entity_set, filter_):
    """microsoft/BCApps src/Apps/W1/APIV2/app/src/pages: currencyCode is the page variable CurrencyCodeTxt on
    APIV2SalesOrders (l.381), APIV2SalesInvoices (l.413) and APIV2SalesCreditMemos (l.325); salesInvoices'
    remainingAmount the page variable RemainingAmountVar (l.544)."""
    response = bc.get(entity_set, {"$filter": filter_})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadRequest"


def test_enums_are_served_and_filtered_by_their_odata_names(bc):
    """API v2.0 serves enum members XML-encoded (MicrosoftDocs/dynamics365smb-devitpro-pb
    dev-itpro/api-reference/v2.0/api/dynamics_itemledgerentry_get.md: "_x0020_", "Positive_x0020_Adjmt_x002E_")."""
    customers = values(bc.get("customers"))
    unblocked = values(bc.get("customers", {"$filter": "blocked eq '_x0020_'"}))

    assert {c["blocked"] for c in customers} >= {"_x0020_", "All"}
    assert " " not in {c["blocked"] for c in customers}
    assert {c["number"] for c in unblocked} == {c["number"] for c in customers if c["blocked"] == "_x0020_"}


def test_filter_on_numbers_booleans_guids_dates_and_functions(bc):
    cheap = values(bc.get("items", {"$filter": "unitPrice lt 5 and blocked eq false"}))
    assert cheap
    assert all(i["unitPrice"] < 5 and not i["blocked"] for i in cheap)

    item = cheap[0]
    assert bc.one("items", f"id eq {item['id']}")["number"] == item["number"]
    variant = values(bc.get("itemVariants", {"$filter": "code eq 'XL'", "$top": "1"}))[0]
    assert bc.one("itemVariants", f"itemId eq {variant['itemId']} and code eq 'XL'")["id"] == variant["id"]

    recent = values(bc.get("items", {"$filter": "lastModifiedDateTime gt 2020-01-01T00:00:00Z", "$top": "3"}))
    assert len(recent) == 3
    starts = values(bc.get("items", {"$filter": "startswith(number,'KOF-') and contains(displayName,'Kenya')"}))
    assert starts
    assert all(i["number"].startswith("KOF-") and "Kenya" in i["displayName"] for i in starts)

    bc.post("salesOrders", {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": "WEB-DATE"})
    assert bc.one("salesOrders", "externalDocumentNumber eq 'WEB-DATE' and orderDate ge 2024-01-01")


@pytest.mark.parametrize(
    "filter_",
    [
        "displayName eq 'unterminated",
        "displayName eq",
        "eq 'x'",
        "(country eq 'NL'",
        "country eq 'NL')",
        "country eq 'NL' and",
        "country eq 'NL' xor blocked eq 'All'",
        "nosuchfield eq 1",
        "displayName eq 42",
        "taxLiable eq 'yes'",
        "id eq 'not-a-guid'",
        "lastModifiedDateTime gt 2024-13-45T00:00:00Z",
        "country ~ 'NL'",
        "",
    ],
)
def test_malformed_filter_is_400_not_a_crash(bc, filter_):
    response = bc.get("customers", {"$filter": filter_})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadRequest"


def test_top_skip_select_orderby_count(bc):
    everything = values(bc.get("items", {"$orderby": "unitPrice desc,number"}))
    prices = [i["unitPrice"] for i in everything]
    assert prices == sorted(prices, reverse=True)

    window = bc.get("items", {"$orderby": "unitPrice desc,number", "$skip": "5", "$top": "3", "$count": "true"})
    assert [i["number"] for i in window.json()["value"]] == [i["number"] for i in everything[5:8]]
    assert window.json()["@odata.count"] == len(everything)

    selected = values(bc.get("items", {"$select": "number,unitPrice", "$top": "2"}))
    assert [set(i) for i in selected] == [{"@odata.etag", "number", "unitPrice"}] * 2

    for bad in (
        {"$top": "-1"},
        {"$skip": "x"},
        {"$select": "number,nope"},
        {"$orderby": "number sideways"},
        {"$expand": "nothing"},
        {"$count": "maybe"},
        {"$search": "koffie"},
    ):
        assert bc.get("items", bad).status_code == 400, bad


def test_expand_lines_on_get_and_variants_on_items(bc):
    created = bc.post(
        "salesOrders",
        {
            "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
            "externalDocumentNumber": "WEB-EXPAND",
            "salesOrderLines": [{"lineType": "Comment", "description": "hallo"}],
        },
    )
    assert "salesOrderLines" not in created.json()

    order = bc.one("salesOrders", "externalDocumentNumber eq 'WEB-EXPAND'")
    assert "salesOrderLines" not in order
    expanded = bc.get(f"salesOrders({order['id']})", {"$expand": "salesOrderLines", "$select": "number"}).json()
    assert expanded["number"] == order["number"]
    assert [line["description"] for line in expanded["salesOrderLines"]] == ["hallo"]
    listed = values(
        bc.get("salesOrders", {"$filter": "externalDocumentNumber eq 'WEB-EXPAND'", "$expand": "salesOrderLines"})
    )
    assert len(listed[0]["salesOrderLines"]) == 1
    nested = values(bc.get(f"salesOrders({order['id']})/salesOrderLines"))
    assert nested[0]["documentId"] == order["id"]

    variant = values(bc.get("itemVariants", {"$top": "1"}))[0]
    item = bc.get(f"items({variant['itemId']})", {"$expand": "itemVariants"}).json()
    assert variant["id"] in [v["id"] for v in item["itemVariants"]]
    assert values(bc.get(f"items({variant['itemId']})/itemVariants")) == item["itemVariants"]


def test_paging_follows_next_links_until_every_entity_is_read():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, page_size=7) as sim:
        bc = BC(sim)
        url: str | None = bc.url("items")
        filter_ = "unitPrice gt 20 and displayName ne 'a b+c&d=%'"
        params: dict[str, str] | None = {"$filter": filter_, "$orderby": "number"}
        seen: list[str] = []
        pages = 0
        while url:
            body = bc.get(url, params).json()
            assert len(body["value"]) <= 7
            seen += [i["number"] for i in body["value"]]
            if "@odata.nextLink" in body:
                assert httpx.URL(body["@odata.nextLink"]).params["$filter"] == filter_
            url, params, pages = body.get("@odata.nextLink"), None, pages + 1

        expected = sorted(i["number"] for i in sim.store.items.values() if i["unitPrice"] > 20)
        assert pages == -(-len(expected) // 7)
        assert seen == expected

        small = bc.get("items", Prefer="odata.maxpagesize=3").json()
        assert len(small["value"]) == 3
        assert "$skiptoken=" in small["@odata.nextLink"]
        assert bc.get("items", {"$skiptoken": "garbage!"}).status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "salesOrders(not-a-guid)", 400),
        ("GET", "salesOrders(00000000-0000-0000-0000-000000000001)", 404),
        ("GET", "widgets", 404),
        ("GET", "salesOrders(00000000-0000-0000-0000-000000000001)/widgets", 404),
        ("DELETE", "items", 405),
        ("POST", "items", 405),
        ("PATCH", "accounts", 405),
        ("PUT", "customers", 405),
    ],
)
def test_malformed_paths_and_methods_are_4xx_json(bc, method, path, status):
    response = bc.http.request(method, bc.url(path), headers=bc.headers, json={})

    assert response.status_code == status
    assert response.json()["error"]["code"]


def test_bad_bodies_are_400(bc):
    url = bc.url("salesOrders")
    for content in (b"{not json", b"", b"[1, 2]", b"\xff\xfe", b'"text"'):
        response = bc.http.post(url, content=content, headers={**bc.headers, "Content-Type": "application/json"})
        assert response.status_code == 400, content
        assert response.json()["error"]["code"] == "BadRequest"


def test_unknown_company_tenant_and_paths(bc):
    other_company = bc.get(f"{bc.sim.api_base}/companies(00000000-0000-0000-0000-000000000001)/items")
    other_tenant = bc.get(bc.url("items").replace("/koppel-demo/", "/someone-else/"))
    nowhere = bc.http.get(f"{bc.sim.url}/nothing/here")

    assert other_company.status_code == 404
    assert other_tenant.status_code == 404
    assert nowhere.status_code == 404
    assert nowhere.json()["error"]["code"] == "BadRequest_NotFound"


def test_an_order_in_review_is_served_with_its_encoded_status(bc):
    """Enum "Sales Order Entity Buffer Status" (microsoft/BCApps src/Layers/W1/BaseApp/Integration/Entity/
    SalesOrderEntityBufferStatus.Enum.al) member "In Review", served by its OData name."""
    created = bc.post(
        "salesOrders", {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": "WEB-REVIEW"}
    )
    order = created.json()
    bc.sim.store.sales_orders.get(order["id"])["status"] = "In Review"

    read = bc.get(f"salesOrders({order['id']})").json()
    listed = bc.one("salesOrders", "status eq 'In_x0020_Review' and externalDocumentNumber eq 'WEB-REVIEW'")

    assert (order["status"], read["status"], listed["id"]) == ("Draft", "In_x0020_Review", order["id"])


def test_the_customer_card_page_is_filtered_on_the_vat_registration_number(bc):
    """Page 21 "Customer Card" (microsoft/BCApps src/Layers/W1/BaseApp/Sales/Customer/CustomerCard.Page.al) has the
    table field "VAT Registration No."; page 22 "Customer List" (CustomerList.Page.al) does not."""
    company = next(c for c in values(bc.get("customers")) if c["taxRegistrationNumber"])
    base = f"{bc.sim.odata_base}/Company('{bc.sim.company_name}')"
    filter_ = f"VAT_Registration_No eq '{company['taxRegistrationNumber']}'"

    cards = values(bc.get(f"{base}/KoppelCustomerCards", {"$filter": filter_}))
    on_the_list = bc.get(f"{base}/KoppelCustomers", {"$filter": filter_})

    assert [(c["No"], c["Blocked"]) for c in cards] == [(company["number"], company["blocked"])]
    assert on_the_list.status_code == 400
