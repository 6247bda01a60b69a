"""The carrier event push as wired: a run ops may start now, that passes an event of an order whose shop takes no
carrier events (a WooCommerce order) without calling anyone, and keeps what it decided on the recorded event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import azure.functions as func

from domain.models import WebOrderKey
from domain.shipments.models import RecordedCarrierEvent, ShopTelling
from functions.container import container
from tests.functions.conftest import answer_body, trigger
from tests.shipment_support import delivered

HAPPENED = datetime(2026, 12, 7, 10, tzinfo=UTC)


def test_the_carrier_event_push_is_a_run_ops_may_start_now(app_settings: str) -> None:
    assert "shop-carrier-events" in container().named_runs()


def test_an_event_of_a_woocommerce_order_is_passed_by_the_run(app_settings: str) -> None:
    parcel = uuid.uuid4().hex[:10]
    key = WebOrderKey(source="woocommerce", shop=app_settings, order_id="1001")
    event = delivered(parcel, HAPPENED)
    container().carrier_events.record(RecordedCarrierEvent(event_id=f"{parcel}-1", event=event, order=key))
    route = {"name": "shop-carrier-events"}
    url = "http://localhost/api/ops/sync/shop-carrier-events/run"

    summary = answer_body(trigger("run_sync_now")(func.HttpRequest("POST", url, route_params=route, body=b"")))

    [kept] = container().carrier_events.for_parcel("sendcloud", "main", parcel)
    assert (kept.shop_telling, kept.shop_words) == (
        ShopTelling.PASSED,
        "the order's shop is not told of carrier events",
    )
    assert summary["counts"]["nothing to tell"] >= 1
