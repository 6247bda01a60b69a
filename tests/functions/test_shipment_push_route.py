"""The shipment push as wired: a run ops may start now; a shop Koppel has no API access to has no one to tell (the
run's problems name it: tests/unit/test_push_shipments.py; not asserted here, as other tests' shipments in the shared
Azurite may fill the problems kept); a WooCommerce shop with REST access is told; invalid settings keep it waiting."""

from __future__ import annotations

from datetime import UTC, datetime

import azure.functions as func
import pytest

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.records import OrderRecord
from domain.shipments.ports import ShipmentNotice
from domain.shipments.recorded import ShipmentChange, first_version
from functions.container import container
from integrations.settings import settings
from integrations.shops.woocommerce.shipments import WooCommerceShipments
from tests.functions.conftest import answer_body, trigger
from tests.shipment_support import bc_shipment

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)


def test_the_shipment_push_is_a_run_ops_may_start_now(app_settings: str) -> None:
    assert "shop-shipments" in container().named_runs()


def test_a_shipment_of_a_shop_without_api_access_is_marked_as_having_no_one_to_tell(app_settings: str) -> None:
    key = WebOrderKey(source="woocommerce", shop=app_settings, order_id="1001")
    container().orders.create(OrderRecord(key=key))
    container().shipments.write(first_version(key, bc_shipment("S-SHPT1", "S-ORD1", "WEB1"), NOW), None)
    route = {"name": "shop-shipments"}
    request = func.HttpRequest("POST", "http://localhost/api/ops/sync/shop-shipments/run", route_params=route, body=b"")

    summary = answer_body(trigger("run_sync_now")(request))

    found = container().shipments.get(key, "S-SHPT1")
    assert found is not None
    assert (found[0].pushed_version, found[0].refusal) == (1, "")
    assert summary["counts"]["no shop to tell"] >= 1


def _with_rest_access(monkeypatch: pytest.MonkeyPatch, shop: str, **more: str) -> None:
    suffix = shop.upper().replace("-", "_")
    values = {"URL": "https://shop.example", "KEY": "ck_test", "API_SECRET": "cs_test"} | more
    for kind, value in values.items():
        monkeypatch.setenv(f"KOPPEL_WOOCOMMERCE_{kind}_{suffix}", value)
    settings.cache_clear()
    container.cache_clear()


def test_a_woocommerce_shop_with_rest_access_is_told_of_its_shipments(
    app_settings: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_rest_access(monkeypatch, app_settings)

    assert isinstance(container().shipment_push.shops[("woocommerce", app_settings)], WooCommerceShipments)


def test_a_shop_whose_shipment_settings_are_invalid_keeps_its_shipments_waiting_and_says_why(
    app_settings: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_rest_access(monkeypatch, app_settings, TRACKING="advanced-shipment-tracking")
    key = WebOrderKey(source="woocommerce", shop=app_settings, order_id="1002")
    notice = ShipmentNotice(
        key=key,
        shipment=bc_shipment("S-SHPT1", "S-ORD1", "WEB1"),
        version=1,
        changes=frozenset({ShipmentChange.POSTED}),
        order_fully_shipped=True,
    )

    with pytest.raises(RetryableError, match="TRACKING"):
        container().shipment_push.shops[("woocommerce", app_settings)].tell(notice)
