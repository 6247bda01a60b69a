"""Koppel's shipment poll (integrations/businesscentral/shipments.py) against the BC simulator over HTTP: posted
shipments with their lines from API v2.0, tracking from Koppel's page, found again when tracking is added later,
and a bounded number of BC requests per run."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.shipments.models import Shipment
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.shipments import BusinessCentralShipments
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.settings import BC_DEFAULT_SCOPE
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import SHIPPING_ACCOUNT_NUMBER, WEBSHOP_CUSTOMER_NUMBER
from tests.integration.simulated_bc import bc_settings

PAGE_SIZE = 3


@dataclass
class Company:
    """The simulator, Koppel's shipment poll over it, and the BC requests the poll made."""

    sim: BusinessCentralSimulator
    client: BusinessCentralClient
    requests: list[str] = field(default_factory=list)

    def poll(self, since: datetime | None, *, with_page: bool = True) -> list[Shipment]:
        page = bc_settings(self.sim, bc_shipping_api="koppel/shipping/v1.0").bc_shipping_url if with_page else None
        self.requests.clear()
        return list(BusinessCentralShipments(self.client, page).changed_since(since))

    def order(self, external: str) -> dict[str, Any]:
        """Lines 10000 (item KOF-1002 x 2), 20000 (item KOF-1003 x 1), 30000 (shipping, an account)."""
        lines = [
            {"lineType": "Item", "lineObjectNumber": "KOF-1002", "quantity": 2},
            {"lineType": "Item", "lineObjectNumber": "KOF-1003", "quantity": 1},
            {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 4.95},
        ]
        body = {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": external, "salesOrderLines": lines}
        return self.client.post("salesOrders", body)

    def ship(self, order: dict[str, Any], lines: dict[int, float] | None = None, **tracking: str) -> dict[str, Any]:
        body: dict[str, Any] = dict(tracking)
        if lines is not None:
            body["lines"] = [{"sequence": sequence, "quantity": quantity} for sequence, quantity in lines.items()]
        return self.control(f"salesOrders/{order['id']}/shipments", body)

    def control(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(f"{self.sim.url}/_sim/{path}", json=body)
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer


@pytest.fixture(scope="module")
def company() -> Iterator[Company]:
    with BusinessCentralSimulator(page_size=PAGE_SIZE) as sim:
        requests: list[str] = []

        def count(request: httpx.Request) -> None:
            if "/api/" in request.url.path:
                requests.append(request.url.path)

        http = httpx.Client(timeout=30, event_hooks={"request": [count]})
        token = ClientCredentialsToken(http, sim.token_url, sim.client_id, sim.client_secret, BC_DEFAULT_SCOPE)
        client = BusinessCentralClient(
            http, f"{sim.api_base}/companies({sim.company_id})", token, RequestThrottle(5, 100), max_attempts=3
        )
        yield Company(sim, client, requests)
        http.close()


@pytest.fixture
def since() -> datetime:
    """A watermark after everything earlier tests posted."""
    moment = datetime.now(UTC)
    time.sleep(0.01)
    return moment


def test_a_new_shipment_is_read_with_its_item_lines_and_its_tracking(company: Company, since: datetime) -> None:
    """The shipping charge's G/L Account line ships too in BC (quantity 1), but no shop fulfils it: only items."""
    order = company.order("WEB-1001")
    tracking = {"shippingAgentCode": "POSTNL", "shippingAgentServiceCode": "STANDAARD"}
    company.control(f"salesOrders/{order['id']}/shipping", tracking)
    posted = company.ship(order, {10000: 1, 30000: 1}, packageTrackingNumber="3SKOP001")

    [shipment] = company.poll(since)

    assert (shipment.number, shipment.order_number) == (posted["number"], order["number"])
    assert (shipment.external_document_number, shipment.posting_date.isoformat()) == ("WEB-1001", posted["postingDate"])
    assert [(line.sequence, line.item_number, line.quantity) for line in shipment.lines] == [
        (10000, "KOF-1002", Decimal(1)),
        (20000, "KOF-1003", Decimal(0)),
    ]
    assert shipment.shipped() == {"KOF-1002": Decimal(1)}
    assert (shipment.shipping_agent, shipment.shipping_agent_service) == ("POSTNL", "STANDAARD")
    assert shipment.tracking_number == "3SKOP001"
    assert shipment.tracking_url == "https://jouw.postnl.nl/track-and-trace/3SKOP001"


def test_a_tracking_number_added_after_posting_is_found_by_the_next_poll(company: Company, since: datetime) -> None:
    posted = company.ship(company.order("WEB-1002"))
    [first] = company.poll(since)
    time.sleep(0.01)

    company.control(
        f"salesShipments/{posted['id']}/update", {"shippingAgentCode": "DPD", "packageTrackingNumber": "05"}
    )

    [again] = company.poll(first.changed_at)
    assert (first.number, first.tracking_number, first.tracking_url) == (posted["number"], "", "")
    assert again.number == first.number
    assert (again.shipping_agent, again.tracking_number) == ("DPD", "05")
    assert again.tracking_url == "http://www.dpd.com/nl/nl/ontvangen/track-en-trace/?parcelNumber=05"
    assert again.changed_at > first.changed_at
    assert company.poll(again.changed_at) == []


def test_without_koppels_page_shipments_come_without_tracking(company: Company, since: datetime) -> None:
    company.ship(company.order("WEB-1003"), shippingAgentCode="DHL", packageTrackingNumber="JVGL05")

    [shipment] = company.poll(since, with_page=False)

    assert (shipment.shipping_agent, shipment.tracking_number, shipment.tracking_url) == ("", "", "")
    assert all("/koppel/" not in path for path in company.requests)


def test_an_undone_line_nets_to_nothing_and_does_not_restamp_the_shipment(company: Company, since: datetime) -> None:
    posted = company.ship(company.order("WEB-1004"), {10000: 2, 20000: 1})
    [before] = company.poll(since)

    company.control(f"salesShipments/{posted['id']}/undo", {"sequence": 10000})

    [after] = company.poll(since)
    assert before.shipped() == {"KOF-1002": Decimal(2), "KOF-1003": Decimal(1)}
    assert [(line.sequence, line.quantity) for line in after.lines][:2] == [(10000, Decimal(2)), (15000, Decimal(-2))]
    assert after.shipped() == {"KOF-1003": Decimal(1)}
    assert company.poll(before.changed_at) == []


def test_a_run_reads_each_page_of_changed_shipments_once_on_each_entity_set(company: Company, since: datetime) -> None:
    for number in range(7):
        company.ship(company.order(f"WEB-20{number}"), packageTrackingNumber=f"T{number}", shippingAgentCode="DHL")

    shipments = company.poll(since)
    requests = list(company.requests)
    nothing = company.poll(shipments[-1].changed_at)

    assert [s.tracking_number for s in shipments] == [f"T{number}" for number in range(7)]
    assert len(requests) == 2 * math.ceil(7 / PAGE_SIZE)
    assert (nothing, len(company.requests)) == ([], 1)
