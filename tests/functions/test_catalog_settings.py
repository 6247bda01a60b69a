"""A shop's invalid catalog settings keep its catalog run out, never the rest of Koppel."""

from __future__ import annotations

import pytest

from functions.container import container


def _shop_setting(kind: str, shop: str) -> str:
    return f"KOPPEL_WOOCOMMERCE_{kind}_{shop.upper().replace('-', '_')}"


def _catalog_published(monkeypatch: pytest.MonkeyPatch, shop: str) -> None:
    monkeypatch.setenv("KOPPEL_BC_COMPANY_NAME", "CRONUS")
    monkeypatch.setenv("KOPPEL_BC_PRICE_LIST_SERVICE", "KoppelPriceListLines")
    for kind, value in (("URL", "http://127.0.0.1:9"), ("KEY", "ck"), ("API_SECRET", "cs")):
        monkeypatch.setenv(_shop_setting(kind, shop), value)


def test_a_shop_with_valid_settings_gets_its_run(app_settings: str, monkeypatch: pytest.MonkeyPatch):
    _catalog_published(monkeypatch, app_settings)
    monkeypatch.setenv(_shop_setting("STOCK_DISPLAY", app_settings), "in_stock_or_not")

    sync = container().catalog_syncs[f"catalog-woocommerce-{app_settings}"]

    assert sync.policy.stock.display.value == "in_stock_or_not"


@pytest.mark.parametrize(
    ("kind", "value"), [("STOCK_DISPLAY", "everything"), ("SAFETY_STOCK", "veel"), ("PRICES_INCLUDE_VAT", "yes")]
)
def test_an_invalid_catalog_setting_leaves_out_that_catalog_and_everything_else_is_built(
    app_settings: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, kind: str, value: str
):
    _catalog_published(monkeypatch, app_settings)
    monkeypatch.setenv(_shop_setting(kind, app_settings), value)

    assert container().catalog_syncs == {}
    assert "catalog settings are invalid" in caplog.text
