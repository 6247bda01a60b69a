"""A WooCommerce shop's shipment settings (SHIPPED_STATUS, TRACKING, TRACKING_PROVIDERS per shop)."""

from __future__ import annotations

import pytest

from integrations.shops.woocommerce.shipments import WooShipmentSettings


def test_by_default_the_order_is_completed_and_tracking_goes_in_a_note(monkeypatch: pytest.MonkeyPatch):
    for kind in ("SHIPPED_STATUS", "TRACKING", "TRACKING_PROVIDERS"):
        monkeypatch.delenv(f"KOPPEL_WOOCOMMERCE_{kind}_SHOP_A", raising=False)

    assert WooShipmentSettings.for_shop("shop-a") == WooShipmentSettings("completed", False, {})


def test_the_extension_a_status_and_provider_names_are_read_per_shop(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_SHIPPED_STATUS_SHOP_A", "wc-Shipped")
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_TRACKING_SHOP_A", " Shipment-Tracking ")
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_TRACKING_PROVIDERS_SHOP_A", "postnl=PostNL, DPD = DPD.NL")

    settings = WooShipmentSettings.for_shop("shop-a")

    assert settings == WooShipmentSettings("shipped", True, {"POSTNL": "PostNL", "DPD": "DPD.NL"})
    assert (settings.carrier("PostNL"), settings.carrier("GLS")) == ("PostNL", "GLS")


@pytest.mark.parametrize(
    ("kind", "value", "named"),
    [
        ("TRACKING", "advanced-shipment-tracking", "Advanced Shipment Tracking is not supported"),
        ("TRACKING_PROVIDERS", "POSTNL", "'POSTNL' is not AGENT=Provider name"),
    ],
)
def test_a_setting_koppel_cannot_read_is_refused_naming_it(
    monkeypatch: pytest.MonkeyPatch, kind: str, value: str, named: str
):
    monkeypatch.setenv(f"KOPPEL_WOOCOMMERCE_{kind}_SHOP_A", value)

    with pytest.raises(ValueError, match=f"KOPPEL_WOOCOMMERCE_{kind}_SHOP_A.*{named}"):
        WooShipmentSettings.for_shop("shop-a")
