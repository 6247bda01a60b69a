"""BC's catalog as the catalog run reads it from the simulator: items, price list lines, stock per location."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from domain.catalog.availability import ItemKey
from domain.catalog.prices import PriceStatus
from integrations.businesscentral.catalog import BusinessCentralCatalog
from integrations.businesscentral.stock import BusinessCentralStock
from integrations.businesscentral.vat import BusinessCentralVat
from localdev.bc_probe import BcProbe
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.catalog_reference import DOMESTIC_VAT_GROUP
from localdev.simulators.businesscentral.published import (
    ITEM_LOCATION_STOCK,
    ITEM_UNITS,
    ITEMS,
    PRICE_LIST_LINES,
    VAT_SETUP,
)
from tests.integration.simulated_bc import bc_client

VAT = {"HOOG": Decimal(21), "LAAG": Decimal(9), "NUL": Decimal(0)}
"""The seeded VAT posting setup for domestic customers (BINNENLAND)."""


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="catalog-test") as simulator:
        yield simulator


@pytest.fixture(scope="module")
def catalog(bc: BusinessCentralSimulator) -> BusinessCentralCatalog:
    client = bc_client(bc)
    company = f"{bc.odata_base}/Company('{bc.company_name}')"
    stock = BusinessCentralStock(client, f"{company}/{ITEM_LOCATION_STOCK}", f"{company}/{ITEM_UNITS}")
    vat = BusinessCentralVat(client, f"{company}/{ITEMS}", f"{company}/{VAT_SETUP}", DOMESTIC_VAT_GROUP)
    return BusinessCentralCatalog(client, f"{company}/{PRICE_LIST_LINES}", stock, vat)


def _probe(bc: BusinessCentralSimulator) -> BcProbe:
    return BcProbe(bc, bc.client_id, bc.client_secret)


def test_every_item_with_its_vat_and_blocked_state(bc: BusinessCentralSimulator, catalog: BusinessCentralCatalog):
    """The VAT % comes from the item's VAT Prod. Posting Group (published page 31) and the VAT posting setup (page
    472): API v2.0 items serve taxGroupCode, the US sales tax group, blank in a Dutch company (APIV2Items.Page.al,
    microsoft/BCApps), which once priced every item at 0 %."""
    in_bc = {row["number"]: row for row in _probe(bc).all("items")}
    groups = _probe(bc).vat_groups()

    items = {item.number: item for item in catalog.items()}

    assert items.keys() == in_bc.keys()
    assert {row["taxGroupCode"] for row in in_bc.values()} == {""}
    koffie = items["KOF-1001"]
    assert koffie.unit_price == Decimal(str(in_bc["KOF-1001"]["unitPrice"]))
    assert koffie.vat_percent == Decimal(9)
    assert {number: item.vat_percent for number, item in items.items()} == {
        number: VAT[group] for number, group in groups.items()
    }
    assert {item.number for item in items.values() if item.blocked} == {
        number for number, row in in_bc.items() if row["blocked"]
    }


def test_each_item_carries_its_categorys_name(bc: BusinessCentralSimulator, catalog: BusinessCentralCatalog):
    names = {row["code"]: row["displayName"] for row in _probe(bc).all("itemCategories")}
    in_bc = {row["number"]: row["itemCategoryCode"] for row in _probe(bc).all("items")}

    items = {item.number: item.category for item in catalog.items()}

    assert items == {number: names.get(code, code) for number, code in in_bc.items()}
    assert len(set(items.values()) - {""}) > 3


def test_every_price_list_line_of_the_published_page(catalog: BusinessCentralCatalog):
    lines = [line for by_item in catalog.price_lines().values() for line in by_item]

    assert len(lines) > 40
    assert {line.status for line in lines} == {PriceStatus.ACTIVE, PriceStatus.DRAFT, PriceStatus.INACTIVE}
    assert any(line.currency_code == "USD" for line in lines)


def test_stock_per_location_adds_up_to_the_items_inventory(
    bc: BusinessCentralSimulator, catalog: BusinessCentralCatalog
):
    inventory = {row["number"]: Decimal(str(row["inventory"])) for row in _probe(bc).all("items")}

    stock = catalog.stock()

    totals: dict[str, Decimal] = {}
    for key, facts in stock.items():
        totals[key.item_number] = totals.get(key.item_number, Decimal(0)) + sum(facts.on_hand.values(), Decimal(0))
    assert {number: total for number, total in totals.items() if total} == {
        number: total for number, total in inventory.items() if total
    }
    assert set(stock[ItemKey(item_number="KOF-1001")].on_hand) <= {"HOOFD", "WINKEL"}


def test_items_with_their_variants_in_bcs_order(bc: BusinessCentralSimulator, catalog: BusinessCentralCatalog):
    variants = _probe(bc).all("itemVariants", **{"$filter": "itemNumber eq 'TEX-1001'"})

    [shirt] = [item for item in catalog.items() if item.number == "TEX-1001"]

    assert [(v.code, v.description) for v in shirt.variants] == [(v["code"], v["description"]) for v in variants]


def test_after_a_watermark_only_the_items_bc_stamped_later_and_those_asked_for_are_read(
    bc: BusinessCentralSimulator, catalog: BusinessCentralCatalog
):
    """THE-1002's card is edited after the watermark; KOF-1003 is asked for by number (its prices moved)."""
    stamps = [row["lastModifiedDateTime"] for row in _probe(bc).all("items")]
    watermark = max(datetime.fromisoformat(stamp.replace("Z", "+00:00")) for stamp in stamps)
    httpx.patch(f"{bc.url}/_sim/items/THE-1002", json={"unitPrice": 3.75}, timeout=30).raise_for_status()

    edited = [item.number for item in catalog.items(since=watermark)]
    with_asked = [item.number for item in catalog.items(since=watermark, numbers=["KOF-1003", "THE-1002"])]

    assert edited == ["THE-1002"]
    assert sorted(with_asked) == ["KOF-1003", "THE-1002"]
    assert [item.unit_price for item in catalog.items(since=watermark)] == [Decimal("3.75")]


def test_an_item_without_a_vat_group_has_no_vat_percent(bc: BusinessCentralSimulator, catalog: BusinessCentralCatalog):
    """Never 0 %: the catalog runs leave such an item out and name it (tests/unit/test_catalog_vat.py)."""
    control = f"{bc.url}/_sim/items/THE-1001"
    httpx.patch(control, json={"vatProductPostingGroup": ""}).raise_for_status()
    try:
        since = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
        full = {item.number: item for item in catalog.items()}
        delta = {item.number: item for item in catalog.items(since=since, numbers=["THE-1001", "KOF-1001"])}
    finally:
        httpx.patch(control, json={"vatProductPostingGroup": "LAAG"}).raise_for_status()

    assert full["THE-1001"].vat_percent is None
    assert delta["THE-1001"].vat_percent is None
    assert delta["KOF-1001"].vat_percent == Decimal(9)
