"""Koppel's return orders (integrations/businesscentral/return_orders.py) against the BC simulator over HTTP, through
Koppel's page salesReturnOrders (koppel/returns/v1.0): made with their lines in one request, found again by the
web order's number and the return request, refused when BC refuses a line, and found after an answer that was
lost."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import AmbiguousWriteError, BusinessCentralRejected
from domain.refunds.return_ports import NewReturnOrder, ReturnLine, ReturnOrders
from integrations.businesscentral.return_orders import BusinessCentralReturnOrders
from localdev.demo import DEMO_SETTINGS
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from tests.integration.simulated_bc import bc_client, bc_settings


def returns_url(sim: BusinessCentralSimulator) -> str:
    """The company URL of the page, as Koppel's settings build it from KOPPEL_BC_RETURNS_API (the demo's)."""
    url = bc_settings(sim, bc_returns_api=DEMO_SETTINGS["KOPPEL_BC_RETURNS_API"]).bc_returns_url
    assert url is not None
    return url


@pytest.fixture(scope="module")
def sim() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator() as running:
        yield running


@pytest.fixture
def orders(sim: BusinessCentralSimulator) -> ReturnOrders:
    """The adapter, as the port (mypy checks that it is one)."""
    return BusinessCentralReturnOrders(bc_client(sim), returns_url(sim))


def item_with_variant(sim: BusinessCentralSimulator) -> tuple[str, str]:
    variant = sim.store.item_variants.values()[0]
    return str(variant["itemNumber"]), str(variant["code"])


def other_item(sim: BusinessCentralSimulator, than: str) -> str:
    return next(str(item["number"]) for item in sim.store.items.values() if item["number"] != than)


def new_return(sim: BusinessCentralSimulator, request: str, reason: str = "DEFECT") -> NewReturnOrder:
    item, variant = item_with_variant(sim)
    return NewReturnOrder(
        customer_number=WEBSHOP_CUSTOMER_NUMBER,
        external_document_number="web-1001",
        your_reference=request,
        lines=(
            ReturnLine(item_number=item, variant_code=variant, quantity=Decimal(2), return_reason=reason),
            ReturnLine(item_number=other_item(sim, item), quantity=Decimal("1.5")),
        ),
    )


def read_back(sim: BusinessCentralSimulator, order_id: str) -> dict[str, Any]:
    client = bc_client(sim)
    found: dict[str, Any] = client.get_url(
        f"{returns_url(sim)}/salesReturnOrders({order_id})", {"$expand": "salesReturnOrderLines"}
    )
    return found


def test_a_return_order_is_made_with_both_lines_and_found_again(
    sim: BusinessCentralSimulator, orders: ReturnOrders
) -> None:
    wanted = new_return(sim, "ret-1001")

    made = orders.create(wanted)
    found = orders.find("web-1001", "ret-1001")
    stored = read_back(sim, made.id)

    assert made.number.startswith("S-RO")
    assert made.status == "Open"
    assert found == made
    assert stored["externalDocumentNumber"] == "WEB-1001"
    assert stored["yourReference"] == "ret-1001"
    assert [
        (line["lineObjectNumber"], line["variantCode"], line["quantity"], line["returnReasonCode"])
        for line in stored["salesReturnOrderLines"]
    ] == [
        (wanted.lines[0].item_number, wanted.lines[0].variant_code, 2.0, "DEFECT"),
        (wanted.lines[1].item_number, "", 1.5, ""),
    ]


def test_a_return_request_bc_has_no_order_for_is_not_found(sim: BusinessCentralSimulator, orders: ReturnOrders) -> None:
    orders.create(new_return(sim, "ret-1004"))

    assert orders.find("web-1001", "ret-never-made") is None
    assert orders.find("web-1002", "ret-1004") is None


def test_an_unknown_return_reason_is_refused_and_nothing_is_made(
    sim: BusinessCentralSimulator, orders: ReturnOrders
) -> None:
    with pytest.raises(BusinessCentralRejected) as refused:
        orders.create(new_return(sim, "RET-1002", reason="BROKEN"))

    assert refused.value.status == 400
    assert "Return Reason" in refused.value.message
    assert orders.find("web-1001", "RET-1002") is None


def test_after_a_lost_answer_the_return_order_bc_made_is_found(
    sim: BusinessCentralSimulator, orders: ReturnOrders
) -> None:
    lose = {"fault": "lost_response", "method": "POST", "path_contains": "salesReturnOrders"}
    httpx.post(f"{sim.url}/_sim/faults", json={"next": [lose]}).raise_for_status()

    with pytest.raises(AmbiguousWriteError):
        orders.create(new_return(sim, "RET-1003"))
    found = orders.find("web-1001", "RET-1003")

    assert found is not None
    assert len(read_back(sim, found.id)["salesReturnOrderLines"]) == 2
    assert [o["id"] for o in sim.store.return_orders.values() if o["yourReference"] == "RET-1003"] == [found.id]
