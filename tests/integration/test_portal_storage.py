"""The portal's catalog tables on Azurite: items of any size, customers, fingerprints, removal."""

from __future__ import annotations

import os
import random
import uuid
from datetime import date
from decimal import Decimal

import pytest

from domain.catalog.availability import DisplayMode, ItemKey, StockFacts, StockPolicy
from domain.catalog.listing import CatalogItem
from domain.catalog.prices import PriceListLine
from domain.portal.catalog import PortalCustomer, PortalItem, portal_item
from integrations.storage import portal_catalog
from integrations.storage.account import StorageAccount
from integrations.storage.portal_catalog import PART_BYTES, PORTAL_ITEMS_TABLE, TablePortalCatalog, _item_partition
from localdev.azurite import Azurite
from tests.unit.price_lines import price_line

TODAY = date(2026, 11, 29)


def _item(number: str, lines: tuple[PriceListLine, ...] = (), on_hand: int = 5) -> PortalItem:
    key = ItemKey(item_number=number)
    return portal_item(
        _card(number, f"Artikel {number}"),
        lines,
        {key: StockFacts(item=key, on_hand={"HOOFD": Decimal(on_hand)})},
        (),
        policy=StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE),
        today=TODAY,
    )


def _card(number: str, name: str) -> CatalogItem:
    return CatalogItem(number=number, name=name, unit_price=Decimal("12.50"), vat_percent=Decimal(0))


def _customer_prices(number: str, customers: int) -> tuple[PriceListLine, ...]:
    """A price agreement with each of many customers, at prices that do not repeat."""
    rng = random.Random(number)
    return tuple(
        price_line(
            n,
            "Customer",
            f"C{n:07d}",
            price=f"{rng.uniform(5, 50):.5f}",
            asset_number=number,
            price_list_code=f"K{n // 100:05d}",
        )
        for n in range(1, customers + 1)
    )


@pytest.fixture
def catalog(azurite: Azurite) -> TablePortalCatalog:
    return TablePortalCatalog(StorageAccount(azurite.connection_string))


def test_items_round_trip_across_partitions_and_only_the_stored_ones_are_found(catalog: TablePortalCatalog):
    prefix = uuid.uuid4().hex[:6]
    items = [_item(f"{prefix}-{n:04d}", (price_line(1, "All Customers", price="11.00"),)) for n in range(230)]
    odd = _item(f"{prefix}/1#?")

    assert catalog.store_items([*items, odd]) == {}

    wanted = [items[0].number, items[229].number, odd.number, f"{prefix}-none"]
    assert catalog.items(wanted) == {item.number: item for item in (items[0], items[229], odd)}
    fingerprints = catalog.item_fingerprints()
    assert fingerprints[items[17].number] == items[17].fingerprint()
    catalog.remove_items([items[0].number, f"{prefix}-none"])
    assert catalog.items([items[0].number]) == {}


def test_an_item_with_thousands_of_price_lines_spans_several_properties_and_shrinks_cleanly(
    catalog: TablePortalCatalog, azurite: Azurite
):
    number = f"BIG-{uuid.uuid4().hex[:6]}"
    big = _item(number, _customer_prices(number, 20_000))

    assert catalog.store_items([big]) == {}
    table = StorageAccount(azurite.connection_string).table(PORTAL_ITEMS_TABLE)
    [row] = table.query_entities("item eq @number", parameters={"number": number})
    assert row["parts"] > 1
    assert all(len(row[f"document{part}"]) <= PART_BYTES for part in range(row["parts"]))
    assert catalog.items([number]) == {number: big}

    small = _item(number, _customer_prices(number, 3))
    catalog.store_items([small])
    [row] = table.query_entities("item eq @number", parameters={"number": number})
    assert (row["parts"], "document1" in row) == (1, False)
    assert catalog.items([number]) == {number: small}


def test_large_items_of_one_partition_are_split_over_transactions_within_their_4_mib(catalog: TablePortalCatalog):
    """Seven items of about 0.5 MB compressed in one partition: together more than one transaction may carry."""
    prefix = uuid.uuid4().hex[:6]
    numbers = [number for number in (f"{prefix}-{n}" for n in range(200)) if _item_partition(number) == "items-a"][:7]
    heavy = [_item(number).model_copy(update={"item": _card(number, os.urandom(500_000).hex())}) for number in numbers]

    assert catalog.store_items(heavy) == {}
    assert catalog.items(numbers) == {item.number: item for item in heavy}


def test_an_item_too_large_for_a_row_is_refused_and_its_old_row_removed(
    catalog: TablePortalCatalog, monkeypatch: pytest.MonkeyPatch
):
    number = f"HUGE-{uuid.uuid4().hex[:6]}"
    catalog.store_items([_item(number)])
    monkeypatch.setattr(portal_catalog, "MAX_PARTS", 1)

    refused = catalog.store_items([_item(number, _customer_prices(number, 20_000)), _item(f"{number}-ok")])

    assert list(refused) == [number]
    assert "more than a portal row holds" in refused[number]
    assert list(catalog.items([number, f"{number}-ok"])) == [f"{number}-ok"]


def test_customers_round_trip_and_are_removed(catalog: TablePortalCatalog):
    prefix = uuid.uuid4().hex[:6]
    customers = [
        PortalCustomer(number=f"{prefix}-{n}", customer_price_group="HORECA", currency_code="USD" if n else "")
        for n in range(150)
    ]
    odd = PortalCustomer(number=f"{prefix}/7", customer_discount_group="GROOT")

    catalog.store_customers([*customers, odd])

    assert catalog.customer(customers[3].number) == customers[3]
    assert catalog.customer(odd.number) == odd
    assert catalog.customer_fingerprints()[customers[0].number] == customers[0].fingerprint()
    catalog.remove_customers([odd.number])
    assert catalog.customer(odd.number) is None
