"""The portal catalog run and the portal's price API through the local host, the BC simulator and Azurite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from integrations.storage.account import StorageAccount
from integrations.storage.portal_catalog import PORTAL_CUSTOMERS_TABLE, PORTAL_ITEMS_TABLE
from localdev.simulators.businesscentral.seed_catalog import SPECIAL_PRICE_CUSTOMER
from localdev.stack import LocalStack
from tests.integration.support import sim_faults

RUN = "portal-catalog"


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """The portal runs campaign CP1001 (chocolate at 75 %); BC gives up a request after 4 attempts."""
    settings = {"KOPPEL_PORTAL_CAMPAIGNS": "CP1001", "KOPPEL_BC_MAX_ATTEMPTS": "4"}
    with LocalStack(extra_settings=settings) as running:
        yield running


@pytest.fixture(scope="module")
def first_run(stack: LocalStack) -> dict[str, Any]:
    return _run(stack)


def _run(stack: LocalStack) -> dict[str, Any]:
    response = httpx.post(f"{stack.host_url}/api/ops/sync/{RUN}/run", timeout=120)
    assert response.status_code == 200, response.text
    summary: dict[str, Any] = response.json()
    return summary


def _ask(stack: LocalStack, customer: str, *lines: dict[str, Any], **more: Any) -> httpx.Response:
    body = {"lines": list(lines), **more}
    return httpx.post(f"{stack.host_url}/api/portal/customers/{customer}/prices", json=body, timeout=30)


def _answer(stack: LocalStack, customer: str, *lines: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The answer per item number."""
    response = _ask(stack, customer, *lines)
    assert response.status_code == 200, response.text
    return {item["itemNumber"]: item for item in response.json()["items"]}


def _customer(stack: LocalStack, name: str) -> str:
    [found] = stack.bc_probe().all("customers", **{"$filter": f"displayName eq '{name}'"})
    return str(found["number"])


def _item(stack: LocalStack, number: str) -> dict[str, Any]:
    [found] = stack.bc_probe().all("items", **{"$filter": f"number eq '{number}'"})
    return found


def _seeded(stack: LocalStack, number: str, factor: float) -> Decimal:
    """A price list line's price as the seed made it: the item card's price times the list's factor, in cents."""
    return Decimal(str(round(_item(stack, number)["unitPrice"] * factor, 2)))


def _row_versions(stack: LocalStack, table: str) -> dict[str, str]:
    """Each row's ETag: it changes exactly when the row is written."""
    rows = StorageAccount(stack.azurite.connection_string).table(table).list_entities(select=["RowKey"])
    return {row["RowKey"]: str(row.metadata["etag"]) for row in rows}


def _bc(stack: LocalStack, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    assert stack.bc is not None
    response = httpx.request(method, f"{stack.bc.url}/_sim/{path}", json=body, timeout=30)
    response.raise_for_status()
    changed: dict[str, Any] = response.json()
    return changed


def test_the_first_run_stores_every_item_and_customer_and_is_shown_in_ops(stack: LocalStack, first_run: dict[str, Any]):
    read = len(stack.bc_probe().all("items")) + len(stack.bc_probe().all("customers"))

    assert (first_run["read"], first_run["changed"], first_run["pushed"]) == (read, read, read)
    assert (first_run["failed"], first_run["completed"]) == (0, True)
    runs = httpx.get(f"{stack.host_url}/api/ops/sync/{RUN}", timeout=30).json()["runs"]
    assert runs[0]["started_at"] == first_run["started_at"]


def test_a_customer_with_its_own_price_pays_it_others_the_all_customers_price(
    stack: LocalStack, first_run: dict[str, Any]
):
    """Koffiehuis De Zwaan has KOF-1001 at 80 % (HORECA would give 85 %); a customer without agreements pays the
    all-customers price, the item card's."""
    zwaan = _answer(stack, _customer(stack, SPECIAL_PRICE_CUSTOMER), {"itemNumber": "KOF-1001"})["KOF-1001"]
    anyone = _answer(stack, "C10000", {"itemNumber": "KOF-1001"})["KOF-1001"]

    assert Decimal(zwaan["netUnitPrice"]) == _seeded(stack, "KOF-1001", 0.80)
    assert Decimal(anyone["netUnitPrice"]) == _seeded(stack, "KOF-1001", 1)
    assert (zwaan["unitOfMeasureCode"], zwaan["lineDiscountPercent"]) == ("STUK", "0")


def test_quantity_breaks_for_all_customers_and_a_price_group_below_them(stack: LocalStack, first_run: dict[str, Any]):
    """KOF-1002: all customers from 10 at 95 %, from 50 at 90 %; HORECA 85 % whatever the quantity."""
    anyone = _answer(stack, "C10000", {"itemNumber": "KOF-1002", "quantity": 12})["KOF-1002"]
    horeca = _answer(stack, _customer(stack, "Cafe Mokka"), {"itemNumber": "KOF-1002", "quantity": 12})["KOF-1002"]

    assert [(step["minimumQuantity"], Decimal(step["netUnitPrice"])) for step in anyone["quantityBreaks"]] == [
        ("0", _seeded(stack, "KOF-1002", 1)),
        ("10", _seeded(stack, "KOF-1002", 0.95)),
        ("50", _seeded(stack, "KOF-1002", 0.90)),
    ]
    assert Decimal(anyone["netUnitPrice"]) == _seeded(stack, "KOF-1002", 0.95)
    assert [Decimal(step["netUnitPrice"]) for step in horeca["quantityBreaks"]] == [_seeded(stack, "KOF-1002", 0.85)]


def test_the_portals_campaign_and_a_quantity_discount(stack: LocalStack, first_run: dict[str, Any]):
    """CHO-1001 at 75 % in campaign CP1001; ACC-1001 10 % off from 20 pieces."""
    answered = _answer(stack, "C10000", {"itemNumber": "CHO-1001"}, {"itemNumber": "ACC-1001", "quantity": 20})

    assert Decimal(answered["CHO-1001"]["netUnitPrice"]) == _seeded(stack, "CHO-1001", 0.75)
    tamper = answered["ACC-1001"]
    card = Decimal(str(_item(stack, "ACC-1001")["unitPrice"]))
    assert (Decimal(tamper["unitPrice"]), tamper["lineDiscountPercent"]) == (card, "10")
    assert Decimal(tamper["netUnitPrice"]) == card * Decimal("0.9")


def test_availability_and_unknown_items(stack: LocalStack, first_run: dict[str, Any]):
    response = _ask(stack, "C10000", {"itemNumber": "KOF-1001"}, {"itemNumber": "NOPE-1"}, date="2026-12-01")

    assert response.status_code == 200
    body = response.json()
    assert (body["currencyCode"], body["pricesIncludeVat"], body["date"]) == ("EUR", False, "2026-12-01")
    assert body["notFound"] == ["NOPE-1"]
    [koffie] = body["items"]
    assert koffie["availability"] == {
        "status": "in_stock",
        "quantity": str(int(_item(stack, "KOF-1001")["inventory"])),
        "expectedDate": None,
        "expectedQuantity": None,
    }
    assert koffie["alternatives"] == []


def test_an_unknown_customer_is_404_and_a_bad_inquiry_400_saying_what_is_wrong(
    stack: LocalStack, first_run: dict[str, Any]
):
    unknown = _ask(stack, "C99999", {"itemNumber": "KOF-1001"})
    bad = _ask(stack, "C10000", {"itemNumber": "KOF-1001", "quantity": -1})
    empty = httpx.post(f"{stack.host_url}/api/portal/customers/C10000/prices", content=b"", timeout=30)

    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "not_found")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "malformed")
    assert "lines.0.quantity" in bad.json()["error"]["message"]
    assert empty.status_code == 400


def test_a_second_run_writes_nothing(stack: LocalStack, first_run: dict[str, Any]):
    items, customers = _row_versions(stack, PORTAL_ITEMS_TABLE), _row_versions(stack, PORTAL_CUSTOMERS_TABLE)

    quiet = _run(stack)

    assert (quiet["changed"], quiet["pushed"], quiet["completed"]) == (0, 0, True)
    assert _row_versions(stack, PORTAL_ITEMS_TABLE) == items
    assert _row_versions(stack, PORTAL_CUSTOMERS_TABLE) == customers


def test_a_changed_price_writes_exactly_that_items_row(stack: LocalStack, first_run: dict[str, Any]):
    before = _row_versions(stack, PORTAL_ITEMS_TABLE)
    line = _bc(stack, "PATCH", "priceListLines/S00001/80000", {"Unit_Price": 14.25})
    assert line["Asset_No"] == "THE-1001"

    run = _run(stack)

    assert (run["changed"], run["pushed"]) == (1, 1)
    after = _row_versions(stack, PORTAL_ITEMS_TABLE)
    assert {number for number in after if after[number] != before[number]} == {"THE-1001"}
    assert _answer(stack, "C10000", {"itemNumber": "THE-1001"})["THE-1001"]["netUnitPrice"] == "14.25"


def test_a_sold_out_item_offers_its_interchangeable_substitute(stack: LocalStack, first_run: dict[str, Any]):
    """KOF-1001 and KOF-1005 stand in for each other in BC."""
    _bc(
        stack, "POST", "items/KOF-1001/stock", {"location": "HOOFD", "quantity": -_item(stack, "KOF-1001")["inventory"]}
    )
    assert _run(stack)["changed"] == 1

    koffie = _answer(stack, "C10000", {"itemNumber": "KOF-1001"})["KOF-1001"]

    assert koffie["availability"]["status"] == "out_of_stock"
    assert [(offer["itemNumber"], offer["interchangeable"]) for offer in koffie["alternatives"]] == [("KOF-1005", True)]
    assert koffie["alternatives"][0]["availability"] == {
        "status": "in_stock",
        "quantity": str(int(_item(stack, "KOF-1005")["inventory"])),
        "expectedDate": None,
        "expectedQuantity": None,
    }


def test_a_sold_out_item_on_order_from_a_supplier_shows_when_and_how_many_come(
    stack: LocalStack, first_run: dict[str, Any]
):
    """KOF-1003 sold out; a purchase order brings 24 in five days: the portal (quantity with date) says so."""
    _bc(
        stack, "POST", "items/KOF-1003/stock", {"location": "HOOFD", "quantity": -_item(stack, "KOF-1003")["inventory"]}
    )
    expected = datetime.now(UTC).date() + timedelta(days=5)
    line = {"lineObjectNumber": "KOF-1003", "quantity": 24, "location": "HOOFD", "expectedReceiptDate": str(expected)}
    _bc(stack, "POST", "purchaseOrders", {"orderDate": str(expected - timedelta(days=6)), "lines": [line]})
    _run(stack)

    koffie = _answer(stack, "C10000", {"itemNumber": "KOF-1003"})["KOF-1003"]

    assert koffie["availability"] == {
        "status": "on_backorder",
        "quantity": "0",
        "expectedDate": str(expected),
        "expectedQuantity": str(24 - _open_sales_quantity(stack, "KOF-1003")),
    }


def _open_sales_quantity(stack: LocalStack, number: str) -> int:
    """What BC's sales orders still have to ship of an item (0 in the demo seed for most items)."""
    orders = stack.bc_probe().all("salesOrders", **{"$expand": "salesOrderLines"})
    return int(
        sum(
            line["quantity"] - line["shippedQuantity"]
            for order in orders
            for line in order["salesOrderLines"]
            if line["lineObjectNumber"] == number
        )
    )


def test_bc_down_mid_run_leaves_the_run_incomplete_and_the_next_run_completes_it(
    stack: LocalStack, first_run: dict[str, Any]
):
    """Customers are read, then BC stops answering for items: nothing of the new price is stored until the next
    run."""
    _bc(stack, "PATCH", "priceListLines/S00001/30000", {"Unit_Price": 60.0})
    sim_faults(stack, next=[{"fault": "503", "count": 4, "path_contains": "/items"}])

    stopped = _run(stack)
    stale = _answer(stack, "C10000", {"itemNumber": "KOF-1003"})["KOF-1003"]["netUnitPrice"]
    resumed = _run(stack)

    assert (stopped["completed"], stopped["read"], stopped["changed"]) == (
        False,
        len(stack.bc_probe().all("customers")),
        0,
    )
    assert stopped["problems"][0].startswith("stopped early: BC did not accept GET")
    assert Decimal(stale) == _seeded(stack, "KOF-1003", 1)
    assert (resumed["completed"], resumed["changed"], resumed["pushed"]) == (True, 1, 1)
    assert _answer(stack, "C10000", {"itemNumber": "KOF-1003"})["KOF-1003"]["netUnitPrice"] == "60.00"
    runs = httpx.get(f"{stack.host_url}/api/ops/sync/{RUN}", timeout=30).json()["runs"]
    assert [run["completed"] for run in runs[:2]] == [True, False]
