"""BC's published price list lines and customer groups, read by the PriceLists adapter from the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import httpx
import pytest

from domain.catalog.price_calculation import best_price
from domain.catalog.prices import PriceRequest, PriceSourceType
from integrations.businesscentral.price_lists import BusinessCentralPriceLists
from integrations.settings import Settings
from localdev.bc_probe import BcProbe
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed_catalog import SPECIAL_PRICE_CUSTOMER
from tests.integration.simulated_bc import bc_client, bc_settings


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="price-list-test") as simulator:
        yield simulator


def _settings(bc: BusinessCentralSimulator) -> Settings:
    return bc_settings(bc, bc_price_list_service="KoppelPriceListLines")


def _price_lists(bc: BusinessCentralSimulator) -> BusinessCentralPriceLists:
    config = _settings(bc)
    client = bc_client(bc)
    price_lines = config.bc_web_service_url(config.bc_price_list_service)
    customers = config.bc_web_service_url(config.bc_customer_service)
    assert price_lines is not None
    assert customers is not None
    return BusinessCentralPriceLists(client, price_lines, customers)


def _requests(bc: BusinessCentralSimulator) -> int:
    return int(httpx.get(f"{bc.url}/_sim/stats").json()["requests"])


def _customer(bc: BusinessCentralSimulator, name: str) -> dict[str, str]:
    [found] = BcProbe(bc, bc.client_id, bc.client_secret).all("customers", **{"$filter": f"displayName eq '{name}'"})
    return found


def _item_price(bc: BusinessCentralSimulator, number: str) -> Decimal:
    [item] = BcProbe(bc, bc.client_id, bc.client_secret).all("items", **{"$filter": f"number eq '{number}'"})
    return Decimal(str(item["unitPrice"]))


def test_a_customer_with_its_own_price_agreement_gets_the_lowest_of_its_lines(bc: BusinessCentralSimulator):
    customer = _customer(bc, SPECIAL_PRICE_CUSTOMER)

    pricing = _price_lists(bc).customer_pricing(customer["number"], ["KOF-1001"])

    assert pricing.customer_price_group == "HORECA"
    assert {line.source_type for line in pricing.lines} >= {
        PriceSourceType.ALL_CUSTOMERS,
        PriceSourceType.CUSTOMER_PRICE_GROUP,
        PriceSourceType.CUSTOMER,
    }
    assert all(line.asset_number == "KOF-1001" for line in pricing.lines)
    resolved = best_price(
        pricing.lines,
        PriceRequest(
            customer_number=customer["number"],
            customer_price_group=pricing.customer_price_group,
            item_number="KOF-1001",
            quantity=Decimal(1),
            order_date=date.today(),
            item_unit_price=_item_price(bc, "KOF-1001"),
        ),
    )
    assert resolved.price_line is not None
    assert resolved.price_line.source_type is PriceSourceType.CUSTOMER
    assert resolved.unit_price == round(_item_price(bc, "KOF-1001") * Decimal("0.80"), 2)


def test_a_customer_without_groups_gets_the_all_customers_lines_only(bc: BusinessCentralSimulator):
    pricing = _price_lists(bc).customer_pricing("C10000", ["KOF-1002", "THE-1001"])

    assert (pricing.customer_price_group, pricing.customer_discount_group) == ("", "")
    breaks = sorted(line.minimum_quantity for line in pricing.lines if line.asset_number == "KOF-1002")
    assert breaks[-2:] == [Decimal(10), Decimal(50)]
    assert {line.asset_number for line in pricing.lines} == {"KOF-1002", "THE-1001"}


def test_known_items_and_customers_are_read_once_then_cached(bc: BusinessCentralSimulator):
    prices = _price_lists(bc)
    before = _requests(bc)
    first = prices.customer_pricing("C10000", ["KOF-1003", "KOF-1004"])
    after_first = _requests(bc)
    again = prices.customer_pricing("C10000", ["KOF-1004", "KOF-1003"])

    assert after_first - before >= 2
    assert _requests(bc) == after_first
    assert set(again.lines) == set(first.lines)


def test_a_quote_in_a_customer_number_is_escaped(bc: BusinessCentralSimulator):
    pricing = _price_lists(bc).customer_pricing("C1' or No ne '", ["KOF-1001"])
    assert (pricing.customer_price_group, pricing.customer_discount_group) == ("", "")
