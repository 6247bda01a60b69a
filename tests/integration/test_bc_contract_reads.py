"""What the BusinessCentral adapter reads, against a simulator as strict as BC's own contract (issue 10 items 1, 4, 6).

Sources: `or` only within one field (MicrosoftDocs/dynamics365smb-devitpro-pb dev-itpro/webservices/
odata-known-limitations.md); enum members served XML-encoded (dev-itpro/api-reference/v2.0/api/
dynamics_itemledgerentry_get.md); customers.taxRegistrationNumber a page variable (microsoft/BCApps
src/Apps/W1/APIV2/app/src/pages/APIV2Customers.Page.al); "VAT Registration No." on page 21 "Customer Card"
(src/Layers/W1/BaseApp/Sales/Customer/CustomerCard.Page.al), not on page 22 "Customer List".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from integrations.businesscentral.api import BusinessCentralApi
from integrations.businesscentral.client import BusinessCentralClient
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from tests.integration.simulated_bc import bc_client, bc_settings


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="contract-test") as simulator:
        yield simulator


def _api(bc: BusinessCentralSimulator, **options: object) -> BusinessCentralApi:
    return BusinessCentralApi(bc_client(bc), **options)  # type: ignore[arg-type]


def test_two_uncached_variant_skus_of_two_items_are_found_with_one_field_filters(bc: BusinessCentralSimulator):
    """An order with two variant SKUs used to send `(itemId eq A and code eq 'X') or (...)`, which BC refuses."""
    variants = sorted(bc.store.item_variants.values(), key=lambda v: (v["itemNumber"], v["code"]))
    first = variants[0]
    second = next(v for v in variants if v["itemNumber"] != first["itemNumber"])
    skus = [f"{v['itemNumber']}-{v['code']}" for v in (first, second)]

    found = _api(bc).resolve_skus(skus)

    assert {sku: (r.item_number, r.variant_code, r.variant_id) for sku, r in found.items()} == {
        skus[0]: (first["itemNumber"], first["code"], first["id"]),
        skus[1]: (second["itemNumber"], second["code"], second["id"]),
    }


class _CountingVariants:
    """The adapter's client, counting the item variants BC answers with."""

    def __init__(self, client: BusinessCentralClient) -> None:
        self._client = client
        self.variant_rows: list[dict[str, Any]] = []

    def get_all(self, path: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        rows = self._client.get_all(path, params)
        if path == "itemVariants":
            self.variant_rows += rows
        return rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_variant_skus_read_only_the_variants_with_the_codes_asked(bc: BusinessCentralSimulator):
    """`(itemNumber eq A or ...) and (code eq X or ...)`: each `or` within one field, as BC demands."""
    variants = sorted(bc.store.item_variants.values(), key=lambda v: (v["itemNumber"], v["code"]))
    first = variants[0]
    assert sum(v["itemNumber"] == first["itemNumber"] for v in variants) > 1
    client = _CountingVariants(_api(bc)._client)

    found = BusinessCentralApi(client).resolve_skus([f"{first['itemNumber']}-{first['code']}"])  # type: ignore[arg-type]

    assert list(found) == [f"{first['itemNumber']}-{first['code']}"]
    assert [(row["itemNumber"], row["code"]) for row in client.variant_rows] == [(first["itemNumber"], first["code"])]


def test_a_variant_code_an_item_does_not_have_is_not_found(bc: BusinessCentralSimulator):
    variants = sorted(bc.store.item_variants.values(), key=lambda v: (v["itemNumber"], v["code"]))
    first = variants[0]
    own_codes = {v["code"] for v in variants if v["itemId"] == first["itemId"]}
    foreign = next(v["code"] for v in variants if v["code"] not in own_codes)

    found = _api(bc).resolve_skus([f"{first['itemNumber']}-{first['code']}", f"{first['itemNumber']}-{foreign}"])

    assert list(found) == [f"{first['itemNumber']}-{first['code']}"]


def _add_variant(bc: BusinessCentralSimulator, item: dict[str, Any], code: str) -> str:
    variant_id = str(uuid.uuid4())
    bc.store.item_variants.add({"id": variant_id, "itemId": item["id"], "itemNumber": item["number"], "code": code})
    return variant_id


def test_a_variant_code_containing_a_dash_resolves_to_its_item_and_variant():
    """BC variant codes (Code[10]) may hold "-": `TEX-1001-R-01` is item TEX-1001's variant R-01, though the last
    "-" alone would read it as item TEX-1001-R's variant 01 (no such item)."""
    with BusinessCentralSimulator(client_id="dash-codes") as bc:
        item = next(i for i in bc.store.items.values() if "-" in i["number"])
        variant_id = _add_variant(bc, item, "R-01")
        sku = f"{item['number']}-R-01"

        found = _api(bc).resolve_skus([sku])

    assert {sku: (r.item_number, r.variant_code, r.variant_id) for sku, r in found.items()} == {
        sku: (item["number"], "R-01", variant_id)
    }


def test_a_sku_two_items_could_mean_is_read_at_its_last_dash():
    """Item A's variant `B-C` and item `A-B`'s variant C are both sold as `A-B-C`: the reading at the last "-", as
    before codes with "-" were read, is the one taken."""
    with BusinessCentralSimulator(client_id="dash-codes") as bc:
        short = next(iter(bc.store.items.values()))
        long = bc.store.items.add({**short, "id": str(uuid.uuid4()), "number": f"{short['number']}-X"})
        _add_variant(bc, short, "X-1")
        meant = _add_variant(bc, long, "1")

        found = _api(bc).resolve_skus([f"{short['number']}-X-1"])

    assert [(r.item_number, r.variant_code, r.variant_id) for r in found.values()] == [(long["number"], "1", meant)]


def test_an_order_in_review_reads_as_in_review_and_is_not_changed(bc: BusinessCentralSimulator):
    """salesOrders.status is enum "Sales Order Entity Buffer Status" (Draft, "In Review", Open: microsoft/BCApps
    src/Layers/W1/BaseApp/Integration/Entity/SalesOrderEntityBufferStatus.Enum.al), served as `In_x0020_Review`."""
    api = _api(bc)
    created = api.create_sales_order({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": "ENUM-1"})
    stored = bc.store.sales_orders.get(created.id)
    assert stored is not None
    stored["status"] = "In Review"  # sent for approval in BC

    [found] = api.find_sales_orders("ENUM-1")
    read = api.sales_order(created.id)

    assert (found.status, found.released) == ("In Review", True)
    assert read is not None
    assert (read.status, read.released) == ("In Review", True)


def test_an_unblocked_customer_is_cached(bc: BusinessCentralSimulator):
    """customers.blocked " " is served `_x0020_`; an unblocked customer is asked for once per cache lifetime."""
    api = _api(bc)
    number = next(c["number"] for c in bc.store.customers.values() if c["blocked"] == " ")
    asked = bc.simulation.stats.by_entity["customers"]

    first = api.customer_by_number(number)
    again = api.customer_by_number(number)

    assert first is not None
    assert first.blocked == ""
    assert again == first
    assert bc.simulation.stats.by_entity["customers"] == asked + 1


def test_a_blocked_customer_is_read_as_blocked_and_asked_again(bc: BusinessCentralSimulator):
    api = _api(bc)
    number = next(c["number"] for c in bc.store.customers.values() if c["blocked"] == "All")
    asked = bc.simulation.stats.by_entity["customers"]

    customer = api.customer_by_number(number)
    api.customer_by_number(number)

    assert customer is not None
    assert customer.blocked == "All"
    assert customer.blocked_for_orders
    assert bc.simulation.stats.by_entity["customers"] == asked + 2


def _cards_url(bc: BusinessCentralSimulator) -> str:
    url = bc_settings(bc, bc_customer_card_service="KoppelCustomerCards").bc_web_service_url("KoppelCustomerCards")
    assert url is not None
    return url


def _company_with_vat(bc: BusinessCentralSimulator) -> dict[str, Any]:
    return next(
        c
        for c in sorted(bc.store.customers.values(), key=lambda c: c["number"])
        if c["type"] == "Company" and c["taxRegistrationNumber"]
    )


def test_a_customer_is_found_by_vat_number_through_the_customer_card(bc: BusinessCentralSimulator):
    """API v2.0 customers.taxRegistrationNumber is a page variable (APIV2Customers.Page.al): the simulator, like BC,
    cannot filter on it. Page 21 "Customer Card" has the table field "VAT Registration No."."""
    company = _company_with_vat(bc)
    vat = company["taxRegistrationNumber"]
    spelled = f"{vat[:2].lower()} {vat[2:6]}.{vat[6:]}"

    found = _api(bc, customer_cards_url=_cards_url(bc)).customer_by_vat_number(spelled)

    assert found is not None
    assert (found.id, found.number) == (company["id"], company["number"])


def test_a_vat_number_nobody_has_finds_nobody(bc: BusinessCentralSimulator):
    assert _api(bc, customer_cards_url=_cards_url(bc)).customer_by_vat_number("NL000000000B99") is None


def test_without_the_customer_card_page_customers_are_not_looked_up_by_vat_number(bc: BusinessCentralSimulator):
    asked = bc.simulation.stats.requests

    assert _api(bc).customer_by_vat_number(_company_with_vat(bc)["taxRegistrationNumber"]) is None
    assert bc.simulation.stats.requests == asked


def test_a_vat_number_two_customers_share_chooses_neither(bc: BusinessCentralSimulator):
    people = [c for c in sorted(bc.store.customers.values(), key=lambda c: c["number"]) if c["type"] == "Person"][:2]
    for customer in people:
        customer["taxRegistrationNumber"] = "BE0999999999"
    try:
        assert _api(bc, customer_cards_url=_cards_url(bc)).customer_by_vat_number("BE 0999.999.999") is None
    finally:
        for customer in people:
            customer["taxRegistrationNumber"] = ""


class _IgnoringFilter:
    """A BC that ignores the `$filter` (as BC may with a filter it cannot apply) and answers with the first rows."""

    def __init__(self) -> None:
        self.customer_reads = 0

    def get_all_url(self, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        return [{"No": "C10000", "VAT_Registration_No": ""}, {"No": "C10001", "VAT_Registration_No": "NL1B01"}]

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        self.customer_reads += 1
        return {"value": [{"id": "x", "number": "C10000", "blocked": "_x0020_"}]}


def test_a_row_whose_vat_number_is_not_the_one_asked_is_never_taken():
    client = _IgnoringFilter()

    found = BusinessCentralApi(client, customer_cards_url="https://bc/Customer").customer_by_vat_number("NL2B01")  # type: ignore[arg-type]

    assert (found, client.customer_reads) == (None, 0)


class _RecordingCards:
    """Page 21 answering nobody, keeping the filters it was asked with."""

    def __init__(self) -> None:
        self.filters: list[str] = []

    def get_all_url(self, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        self.filters.append((params or {}).get("$filter", ""))
        return []


def test_a_vat_spelling_longer_than_bc_keeps_is_left_out_of_the_filter():
    """Customer "VAT Registration No." is Text[20] (BaseApp Sales/Customer/Customer.Table.al, field 86): a longer
    spelling cannot be on a customer, and a filter value longer than the field is one BC may refuse."""
    cards = _RecordingCards()
    api = BusinessCentralApi(cards, customer_cards_url="https://bc/Customer")  # type: ignore[arg-type]

    api.customer_by_vat_number("NL 8537 . 26 . 432 . B01")

    assert cards.filters == ["VAT_Registration_No eq 'NL853726432B01'"]


def test_a_vat_number_longer_than_bc_keeps_is_not_looked_up():
    cards = _RecordingCards()
    api = BusinessCentralApi(cards, customer_cards_url="https://bc/Customer")  # type: ignore[arg-type]

    found = api.customer_by_vat_number("NL853726432B01-EXTRA-99")

    assert (found, cards.filters) == (None, [])
