"""What BC knows of each item's stock, as Koppel reads it from the simulator over HTTP: on hand per location and
variant, sales order lines still to ship and purchase order lines still to receive, in base units.

Every test works on items the demo company holds no stock of and has no order lines for, so each value below is
exactly what the test put there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.catalog.availability import ExpectedReceipt, ItemKey, SalesDemand
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.stock import BusinessCentralStock
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.settings import BC_DEFAULT_SCOPE
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.published import ITEM_LOCATION_STOCK, ITEM_UNITS
from localdev.simulators.businesscentral.seed import SHIPPING_ACCOUNT_NUMBER, WEBSHOP_CUSTOMER_NUMBER

TODAY = date.today()
MAIN, SHOP = "HOOFD", "WINKEL"


@dataclass
class Company:
    """The simulator, Koppel's client for it, and the items this test may use."""

    sim: BusinessCentralSimulator
    client: BusinessCentralClient
    stock: BusinessCentralStock
    locations: dict[str, str]
    """Location id by code."""
    plain: list[str]
    """Inventory items without variants, stock or order lines."""
    with_variants: list[str]
    """Items with sizes M and XL, without stock or order lines."""
    boxed: list[str]
    """Plain items also sold by the box (DOOS) of 6."""

    def post_stock(self, number: str, location: str, quantity: float, variant: str = "") -> None:
        body = {"location": location, "quantity": quantity, "variant": variant}
        httpx.post(f"{self.sim.url}/_sim/items/{number}/stock", json=body).raise_for_status()

    def sales_order(self, *lines: dict[str, Any]) -> dict[str, Any]:
        body = {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "orderDate": TODAY.isoformat(), "salesOrderLines": lines}
        return self.client.post("salesOrders", body)

    def ship(self, order: dict[str, Any], quantities: list[float]) -> None:
        """Set each line's Qty. to Ship, then post the shipment."""
        lines = self.client.get(f"salesOrders({order['id']})/salesOrderLines")["value"]
        for line, quantity in zip(lines, quantities, strict=True):
            path = f"salesOrders({order['id']})/salesOrderLines({line['id']})"
            self.client.patch(path, {"shipQuantity": quantity}, line["@odata.etag"])
        httpx.post(f"{self.sim.url}/_sim/salesOrders/{order['id']}/ship").raise_for_status()

    def purchase_order(self, *lines: dict[str, Any], status: str = "Open") -> dict[str, Any]:
        body = {"orderDate": TODAY.isoformat(), "status": status, "lines": lines}
        response = httpx.post(f"{self.sim.url}/_sim/purchaseOrders", json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    @staticmethod
    def purchase_line(number: str, quantity: float, location: str, expected: date, **extra: Any) -> dict[str, Any]:
        line = {"lineObjectNumber": number, "quantity": quantity, "location": location}
        return {**line, "expectedReceiptDate": expected.isoformat(), **extra}

    def sales_line(self, number: str, quantity: float, location: str, days: int, **extra: Any) -> dict[str, Any]:
        when = (TODAY + timedelta(days=days)).isoformat()
        line = {"lineType": "Item", "lineObjectNumber": number, "quantity": quantity, "shipmentDate": when}
        return {**line, "locationId": self.locations[location], **extra}


def _company(sim: BusinessCentralSimulator) -> Company:
    http = httpx.Client(timeout=30)
    token = ClientCredentialsToken(http, sim.token_url, sim.client_id, sim.client_secret, BC_DEFAULT_SCOPE)
    client = BusinessCentralClient(
        http, f"{sim.api_base}/companies({sim.company_id})", token, RequestThrottle(5, 6000), max_attempts=6
    )
    company = f"{sim.odata_base}/Company('{sim.company_name}')"
    stock = BusinessCentralStock(client, f"{company}/{ITEM_LOCATION_STOCK}", f"{company}/{ITEM_UNITS}")
    empty = client.get_all("items", {"$filter": "type eq 'Inventory' and inventory eq 0 and blocked eq false"})
    variants: dict[str, set[str]] = {}
    for variant in client.get_all("itemVariants"):
        variants.setdefault(variant["itemNumber"], set()).add(variant["code"])
    ordered = {
        line["lineObjectNumber"]
        for documents, lines in (("salesOrders", "salesOrderLines"), ("purchaseOrders", "purchaseOrderLines"))
        for order in client.get_all(documents, {"$expand": lines})
        for line in order[lines]
    }
    free = [item["number"] for item in empty if item["number"] not in ordered]
    boxes = {row["Item_No"] for row in client.get_all_url(f"{company}/{ITEM_UNITS}") if row["Code"] == "DOOS"}
    return Company(
        sim=sim,
        client=client,
        stock=stock,
        locations={row["code"]: row["id"] for row in client.get_all("locations")},
        plain=[number for number in free if number not in variants and number not in boxes],
        with_variants=[number for number in free if {"M", "XL"} <= variants.get(number, set())],
        boxed=[number for number in free if number in boxes and number not in variants],
    )


@pytest.fixture
def bc() -> Iterator[Company]:
    """A simulator of its own per test: the documents a test enters are the only ones on its items."""
    with BusinessCentralSimulator(client_id="stock-test") as sim:
        yield _company(sim)


def test_on_hand_per_location_and_variant(bc: Company):
    number, variant_item = bc.plain[0], bc.with_variants[0]
    bc.post_stock(number, MAIN, 7)
    bc.post_stock(number, SHOP, 3)
    bc.post_stock(number, SHOP, -5)
    bc.post_stock(variant_item, MAIN, 4, variant="XL")
    bc.post_stock(variant_item, SHOP, 2, variant="XL")
    bc.post_stock(variant_item, SHOP, 1, variant="M")

    facts = bc.stock.facts()

    plain = facts[ItemKey(item_number=number)]
    assert plain.on_hand == {MAIN: Decimal(7), SHOP: Decimal(-2)}
    assert (plain.demand, plain.receipts) == ((), ())
    assert facts[ItemKey(item_number=variant_item, variant_code="XL")].on_hand == {MAIN: Decimal(4), SHOP: Decimal(2)}
    assert facts[ItemKey(item_number=variant_item, variant_code="M")].on_hand == {SHOP: Decimal(1)}
    assert ItemKey(item_number=variant_item) not in facts
    assert ItemKey(item_number=variant_item, variant_code="S") not in facts


def test_a_partly_shipped_sales_line_leaves_the_rest_as_demand_and_ships_from_stock(bc: Company):
    number = bc.plain[0]
    bc.post_stock(number, MAIN, 20)
    order = bc.sales_order(bc.sales_line(number, 12, MAIN, 5))
    bc.ship(order, [4])

    facts = bc.stock.facts()[ItemKey(item_number=number)]

    assert facts.demand == (SalesDemand(location_code=MAIN, quantity=Decimal(8), shipment_date=TODAY + timedelta(5)),)
    assert facts.on_hand == {MAIN: Decimal(16)}
    assert facts.receipts == ()


def test_demand_counts_every_outstanding_line_whatever_the_orders_status_and_no_shipped_one(bc: Company):
    number, shipped = bc.plain[0], bc.plain[1]
    draft = bc.sales_order(bc.sales_line(number, 2, MAIN, 1))
    released = bc.sales_order(bc.sales_line(number, 3, SHOP, 2))
    tenant, environment = bc.sim.config.tenant, bc.sim.config.environment
    release = f"{bc.sim.url}/v2.0/{tenant}/{environment}/api/koppel/sales/v1.0/companies({bc.sim.company_id})"
    bc.client.post_url(f"{release}/salesOrders({released['id']})/Microsoft.NAV.release", {})
    bc.post_stock(shipped, MAIN, 5)
    done = bc.sales_order(bc.sales_line(shipped, 5, MAIN, 1))
    bc.ship(done, [5])

    facts = bc.stock.facts()

    statuses = {row["id"]: row["status"] for row in bc.client.get_all("salesOrders")}
    assert (statuses[draft["id"]], statuses[released["id"]]) == ("Draft", "Open")
    assert facts[ItemKey(item_number=number)].demand == (
        SalesDemand(location_code=MAIN, quantity=Decimal(2), shipment_date=TODAY + timedelta(1)),
        SalesDemand(location_code=SHOP, quantity=Decimal(3), shipment_date=TODAY + timedelta(2)),
    )
    assert ItemKey(item_number=shipped) not in facts


def test_a_partly_received_purchase_line_is_expected_on_its_date(bc: Company):
    number, draft_number = bc.plain[0], bc.plain[1]
    expected = TODAY + timedelta(days=9)
    bc.purchase_order(bc.purchase_line(number, 60, SHOP, expected, received=20))
    bc.purchase_order(bc.purchase_line(draft_number, 5, MAIN, TODAY), status="Draft")

    facts = bc.stock.facts()

    received = facts[ItemKey(item_number=number)]
    assert received.receipts == (ExpectedReceipt(location_code=SHOP, quantity=Decimal(40), expected_date=expected),)
    assert received.on_hand == {SHOP: Decimal(20)}
    assert received.demand == ()
    assert facts[ItemKey(item_number=draft_number)].receipts == (
        ExpectedReceipt(location_code=MAIN, quantity=Decimal(5), expected_date=TODAY),
    )
    assert facts[ItemKey(item_number=draft_number)].on_hand == {}


def test_variant_lines_count_for_their_variant_only(bc: Company):
    number = bc.with_variants[0]
    variants = {row["code"]: row["id"] for row in bc.client.get_all("itemVariants") if row["itemNumber"] == number}
    bc.sales_order(
        bc.sales_line(number, 2, SHOP, 3, itemVariantId=variants["M"]),
        bc.sales_line(number, 1, MAIN, 4, itemVariantId=variants["XL"]),
    )
    bc.purchase_order(bc.purchase_line(number, 5, MAIN, TODAY, variant="XL"))

    facts = bc.stock.facts()

    medium = facts[ItemKey(item_number=number, variant_code="M")]
    large = facts[ItemKey(item_number=number, variant_code="XL")]
    assert medium.demand == (SalesDemand(location_code=SHOP, quantity=Decimal(2), shipment_date=TODAY + timedelta(3)),)
    assert medium.receipts == ()
    assert large.demand == (SalesDemand(location_code=MAIN, quantity=Decimal(1), shipment_date=TODAY + timedelta(4)),)
    assert large.receipts == (ExpectedReceipt(location_code=MAIN, quantity=Decimal(5), expected_date=TODAY),)
    assert (medium.on_hand, large.on_hand) == ({}, {})
    assert ItemKey(item_number=number) not in facts


def test_lines_in_another_unit_of_measure_count_in_base_units(bc: Company):
    number = bc.boxed[0]
    bc.post_stock(number, MAIN, 10)
    order = bc.sales_order(bc.sales_line(number, 2, MAIN, 6, unitOfMeasureCode="DOOS"))
    bc.ship(order, [1])
    bc.purchase_order(bc.purchase_line(number, 3, MAIN, TODAY + timedelta(2), unitOfMeasureCode="DOOS", received=1))

    facts = bc.stock.facts()[ItemKey(item_number=number)]

    assert facts.demand == (SalesDemand(location_code=MAIN, quantity=Decimal(6), shipment_date=TODAY + timedelta(6)),)
    assert facts.receipts == (
        ExpectedReceipt(location_code=MAIN, quantity=Decimal(12), expected_date=TODAY + timedelta(2)),
    )
    assert facts.on_hand == {MAIN: Decimal(10)}


def test_non_item_lines_are_left_out(bc: Company):
    number = bc.plain[0]
    bc.sales_order(
        {"lineType": "Comment", "description": "Customer reference: PO-77"},
        bc.sales_line(number, 1, MAIN, 2),
        {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 6.95},
    )
    bc.purchase_order(
        {"lineType": "Comment", "description": "Levering via achterdeur"},
        {"lineType": "Account", "lineObjectNumber": "7000", "quantity": 2, "directUnitCost": 35.0},
    )

    facts = bc.stock.facts()

    assert facts[ItemKey(item_number=number)].demand == (
        SalesDemand(location_code=MAIN, quantity=Decimal(1), shipment_date=TODAY + timedelta(2)),
    )
    assert not {key for key in facts if key.item_number in (SHIPPING_ACCOUNT_NUMBER, "7000", "")}


def test_a_line_without_a_date_takes_its_orders_date(bc: Company):
    number = bc.plain[0]
    bc.sales_order(bc.sales_line(number, 3, SHOP, 0, shipmentDate="0001-01-01"))

    demand = bc.stock.facts()[ItemKey(item_number=number)].demand

    assert demand == (SalesDemand(location_code=SHOP, quantity=Decimal(3), shipment_date=TODAY),)


def test_every_set_is_read_across_pages():
    with BusinessCentralSimulator(client_id="stock-paging", page_size=2) as sim:
        bc = _company(sim)
        number, variant_item = bc.plain[0], bc.with_variants[0]
        for days in (1, 2, 3):
            bc.sales_order(bc.sales_line(number, days, MAIN, days))
        for quantity in (10, 20, 30):
            bc.purchase_order(bc.purchase_line(number, quantity, SHOP, TODAY))
        bc.post_stock(variant_item, SHOP, 9, variant="XL")
        company = f"{sim.odata_base}/Company('{sim.company_name}')"
        rows = {
            "salesOrders": len(bc.client.get_all("salesOrders")),
            "purchaseOrders": len(bc.client.get_all("purchaseOrders")),
            "itemVariants": len(bc.client.get_all("itemVariants")),
            ITEM_LOCATION_STOCK: len(bc.client.get_all_url(f"{company}/{ITEM_LOCATION_STOCK}")),
            ITEM_UNITS: len(
                bc.client.get_all_url(f"{company}/{ITEM_UNITS}", {"$filter": "Qty_per_Unit_of_Measure ne 1"})
            ),
        }
        httpx.post(f"{sim.url}/_sim/stats/reset").raise_for_status()

        facts = bc.stock.facts()

        assert facts[ItemKey(item_number=number)].demand == tuple(
            SalesDemand(location_code=MAIN, quantity=Decimal(days), shipment_date=TODAY + timedelta(days))
            for days in (1, 2, 3)
        )
        assert facts[ItemKey(item_number=number)].receipts == tuple(
            ExpectedReceipt(location_code=SHOP, quantity=Decimal(quantity), expected_date=TODAY)
            for quantity in (10, 20, 30)
        )
        assert facts[ItemKey(item_number=variant_item, variant_code="XL")].on_hand == {SHOP: Decimal(9)}
        requests = httpx.get(f"{sim.url}/_sim/stats").json()["by_entity"]
        assert {name: requests[name] for name in rows} == {name: -(-count // 2) for name, count in rows.items()}
        assert rows["salesOrders"] > 2
        assert rows["purchaseOrders"] > 2
