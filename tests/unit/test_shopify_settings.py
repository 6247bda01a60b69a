"""Per Shopify shop: its app's client credentials or static token, and the one Admin API version of every call."""

import pytest
from pydantic import ValidationError

from integrations.settings import Settings
from tests.unit.test_settings import REQUIRED


@pytest.fixture
def environment(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KOPPEL_SHOPIFY_SHOPS", "dash,legacy,half")
    for shop in ("DASH", "LEGACY", "HALF"):
        monkeypatch.setenv(f"KOPPEL_SHOPIFY_SECRET_{shop}", "webhook-secret")
        monkeypatch.setenv(f"KOPPEL_SHOPIFY_URL_{shop}", f"https://{shop.lower()}.myshopify.com")
    return monkeypatch


def test_a_shop_has_admin_access_with_client_credentials_or_a_static_token(environment):
    environment.setenv("KOPPEL_SHOPIFY_CLIENT_ID_DASH", "client-id")
    environment.setenv("KOPPEL_SHOPIFY_CLIENT_SECRET_DASH", "client-secret")
    environment.setenv("KOPPEL_SHOPIFY_TOKEN_LEGACY", "shpat_legacy")
    environment.setenv("KOPPEL_SHOPIFY_CLIENT_ID_HALF", "client-id")

    assert Settings().shopify_rest() == {
        "dash": ("https://dash.myshopify.com", "", "client-id", "client-secret"),
        "legacy": ("https://legacy.myshopify.com", "shpat_legacy", "", ""),
    }


def test_one_api_version_of_2026_01_or_later_is_taken(environment):
    """2026-10 by default: each stable version is supported at least 12 months, then Shopify serves the oldest
    supported one instead (shopify.dev/docs/api/usage/versioning); 2026-01 ends around 2027-01."""
    assert Settings().shopify_api_version == "2026-10"
    environment.setenv("KOPPEL_SHOPIFY_API_VERSION", "2026-04")
    assert Settings().shopify_api_version == "2026-04"
    for refused in ("2025-10", "2026-02", "unstable"):
        environment.setenv("KOPPEL_SHOPIFY_API_VERSION", refused)
        with pytest.raises(ValidationError, match="KOPPEL_SHOPIFY_API_VERSION"):
            Settings()
