"""The shipment poll's routes: its run among the named runs, the shipments listed for a person, and the shipments
in an order's dossier."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import azure.functions as func

from domain.models import WebOrderKey
from domain.records import OrderRecord
from domain.shipments.recorded import UnmatchedShipment, first_version
from functions.container import container
from tests.functions.conftest import answer_body, trigger
from tests.shipment_support import bc_shipment

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)


def test_the_shipment_poll_is_a_run_ops_may_start_now(app_settings: str) -> None:
    assert "bc-shipments" in container().named_runs()


def test_a_shipment_listed_for_a_person_is_answered_with_why(app_settings: str) -> None:
    number = f"S-SHPT-{uuid.uuid4().hex[:8]}"
    listed = UnmatchedShipment(shipment=bc_shipment(number, "S-ORD9", "WEB1"), reason="another BC order", listed_at=NOW)
    container().shipments.list_unmatched(listed)
    request = func.HttpRequest("GET", "http://localhost/api/ops/shipments/unmatched", body=b"")

    shown = answer_body(trigger("unmatched_shipments")(request))["shipments"]

    [mine] = [each for each in shown if each["shipment"]["number"] == number]
    assert (mine["reason"], mine["shipment"]["order_number"]) == ("another BC order", "S-ORD9")
    container().shipments.unlist(number)


def test_the_dossier_shows_the_orders_shipments(app_settings: str) -> None:
    key = WebOrderKey(source="woocommerce", shop=app_settings, order_id="1001")
    container().orders.create(OrderRecord(key=key))
    container().shipments.write(first_version(key, bc_shipment("S-SHPT1", "S-ORD1", "WEB1", tracking="3S1"), NOW), None)
    route = {"source": key.source, "shop": key.shop, "orderId": key.order_id}
    request = func.HttpRequest("GET", f"http://localhost/api/orders/{key}", route_params=route, body=b"")

    [shipment] = answer_body(trigger("dossier")(request))["shipments"]

    assert (shipment["shipment"]["number"], shipment["version"], shipment["shipment"]["tracking_number"]) == (
        "S-SHPT1",
        1,
        "3S1",
    )
