"""The shipment poll against the BC simulator and Azurite: a shipment a warehouse worker posts is recorded on its
web order once, a tracking number added afterwards ("Update Document") as its second version, and a shipment of a
BC order Koppel did not make is passed by."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.models import BcSalesOrder, OrderStatus, WebOrderKey
from domain.records import OrderRecord
from domain.shipments.recorded import ShipmentChange
from domain.shipments.track_shipments import ShipmentTracking, track_shipments
from functions.wiring.adapters import SystemClock
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.shipments import BusinessCentralShipments
from integrations.storage.account import StorageAccount
from integrations.storage.order_store import TableOrderStore
from integrations.storage.shipments import TableShipmentStore
from integrations.storage.sync_runs import TableSyncRuns
from localdev.azurite import Azurite
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from tests.fakes import MemorySyncState
from tests.integration.simulated_bc import bc_client, bc_settings


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """These tests run no local stack (the folder's own `no_faults` would start one)."""


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="shipment-poll-test") as simulator:
        yield simulator


@pytest.fixture
def tracking(bc: BusinessCentralSimulator, azurite: Azurite) -> ShipmentTracking:
    account = StorageAccount(azurite.connection_string)
    shipping_url = bc_settings(bc, bc_shipping_api="koppel/shipping/v1.0").bc_shipping_url
    return ShipmentTracking(
        posted=BusinessCentralShipments(bc_client(bc), shipping_url),
        orders=TableOrderStore(account),
        shipments=TableShipmentStore(account),
        state=MemorySyncState(),
        runs=TableSyncRuns(account),
        clock=SystemClock(),
    )


def sales_order(client: BusinessCentralClient, bc: BusinessCentralSimulator, document: str) -> dict[str, Any]:
    item = next(iter(bc.store.items.values()))["number"]
    line = {"lineType": "Item", "lineObjectNumber": item, "quantity": 3}
    body = {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": document, "salesOrderLines": [line]}
    return client.post("salesOrders", body)


def web_order_in_bc(tracking: ShipmentTracking, bc: BusinessCentralSimulator) -> tuple[WebOrderKey, dict[str, Any]]:
    """A web order as the order worker leaves it: its BC sales order, and its record naming it."""
    key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=uuid.uuid4().hex[:8])
    order = sales_order(bc_client(bc), bc, f"WEB{key.order_id}".upper())
    document = BcSalesOrder(
        id=order["id"],
        number=order["number"],
        status=order["status"],
        customer_number=order["customerNumber"],
        external_document_number=order["externalDocumentNumber"],
        total_excluding_tax=Decimal(0),
        total_tax=Decimal(0),
        total_including_tax=Decimal(0),
    )
    tracking.orders.create(OrderRecord(key=key, status=OrderStatus.IN_BC, bc=document))
    return key, order


def post_shipment(bc: BusinessCentralSimulator, order: dict[str, Any], quantity: int) -> dict[str, Any]:
    body = {"lines": [{"sequence": 10000, "quantity": quantity}]}
    response = httpx.post(f"{bc.url}/_sim/salesOrders/{order['id']}/shipments", json=body, timeout=30)
    shipment: dict[str, Any] = response.raise_for_status().json()
    return shipment


def test_a_posted_shipment_is_recorded_once_and_a_later_tracking_number_as_its_second_version(
    tracking: ShipmentTracking, bc: BusinessCentralSimulator
):
    key, order = web_order_in_bc(tracking, bc)
    shipment = post_shipment(bc, order, 2)

    first = track_shipments(tracking)
    again = track_shipments(tracking)
    update = {"packageTrackingNumber": f"3SKOP{key.order_id}".upper()}
    httpx.post(f"{bc.url}/_sim/salesShipments/{shipment['id']}/update", json=update, timeout=30).raise_for_status()
    later = track_shipments(tracking)

    [recorded] = tracking.shipments.for_order(key)
    assert (first.changed, again.changed, again.pushed, later.pushed) == (1, 0, 0, 1)
    assert (recorded.shipment.order_number, recorded.version) == (order["number"], 2)
    assert recorded.shipment.tracking_number == update["packageTrackingNumber"]
    assert sum(recorded.shipment.shipped().values()) == Decimal(2)
    assert recorded.changes_to_push() == {ShipmentChange.POSTED, ShipmentChange.TRACKING}


def test_a_shipment_of_a_bc_order_koppel_did_not_make_is_passed_by(
    tracking: ShipmentTracking, bc: BusinessCentralSimulator
):
    order = sales_order(bc_client(bc), bc, f"PO-{uuid.uuid4().hex[:6]}".upper())
    post_shipment(bc, order, 1)

    run = track_shipments(tracking)

    assert run.read >= 1
    assert (run.changed, run.pushed, run.failed, run.completed) == (0, 0, 0, True)
    assert [each for each in tracking.shipments.unmatched() if each.shipment.order_number == order["number"]] == []
