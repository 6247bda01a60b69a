"""A Key Vault reference App Service could not resolve reaches the app as its own text: every setting refuses it, by
name, with what to do; a resolved value is taken."""

from __future__ import annotations

import pytest

from integrations.settings import Settings
from integrations.telemetry.settings import TelemetrySettings
from tests.unit.test_settings import REQUIRED

VAULT = "https://kv-koppel.vault.azure.net/"
UNRESOLVED = f"@Microsoft.KeyVault(SecretUri={VAULT}secrets/KOPPEL-BC-CLIENT-SECRET/)"


@pytest.fixture
def environment(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def _refusal(error: pytest.ExceptionInfo[ValueError]) -> str:
    message = str(error.value)
    assert "Key Vault reference" in message
    assert "Key Vault Secrets User" in message
    assert "infra/README.md" in message
    assert "vault.azure.net" not in message  # the setting is named, its value not quoted
    return message


def test_an_unresolved_bc_client_secret_is_refused_by_name(environment):
    environment.setenv("KOPPEL_BC_CLIENT_SECRET", UNRESOLVED)

    with pytest.raises(ValueError, match="did not resolve") as refused:
        Settings()

    assert "KOPPEL_BC_CLIENT_SECRET" in _refusal(refused)


def test_an_unresolved_webhook_secret_of_a_listed_shop_is_refused_by_name(environment):
    environment.setenv("KOPPEL_SHOPIFY_SHOPS", "b2c")
    environment.setenv("KOPPEL_SHOPIFY_SECRET_B2C", f"@Microsoft.KeyVault(SecretUri={VAULT}secrets/KOPPEL-X/)")

    with pytest.raises(ValueError, match="did not resolve") as refused:
        Settings()

    assert "KOPPEL_SHOPIFY_SECRET_B2C" in _refusal(refused)


def test_an_unresolved_secret_of_a_payment_account_is_refused_by_name(environment):
    environment.setenv("KOPPEL_MOLLIE_ACCOUNTS", "main")
    environment.setenv("KOPPEL_MOLLIE_WEBHOOK_SECRET_MAIN", "@Microsoft.KeyVault(VaultName=kv;SecretName=x)")

    with pytest.raises(ValueError, match="KOPPEL_MOLLIE_WEBHOOK_SECRET_MAIN"):
        Settings()


def test_a_plain_setting_holding_a_reference_in_any_case_and_spaces_is_refused_by_name(environment):
    environment.setenv("KOPPEL_BC_MAX_IN_FLIGHT", "  @microsoft.keyvault(VaultName=kv;SecretName=x)")

    with pytest.raises(ValueError, match="did not resolve") as refused:
        Settings()

    message = _refusal(refused)
    assert "KOPPEL_BC_MAX_IN_FLIGHT" in message
    assert "integer" not in message  # named as an unresolved reference, not as a malformed number


def test_a_json_setting_holding_a_reference_is_refused_by_name_not_as_bad_json(environment):
    environment.setenv("KOPPEL_BC_NEW_CUSTOMER_FIELDS", "@Microsoft.KeyVault(VaultName=kv;SecretName=x)")

    with pytest.raises(ValueError, match="KOPPEL_BC_NEW_CUSTOMER_FIELDS did not resolve"):
        Settings()


def test_every_unresolved_setting_of_a_kind_is_named_at_once(environment):
    environment.setenv("KOPPEL_BC_CLIENT_SECRET", UNRESOLVED)
    environment.setenv("KOPPEL_PORTAL_SECRET", UNRESOLVED)
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a,shop-b")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_A", UNRESOLVED)
    environment.setenv("KOPPEL_WOOCOMMERCE_API_SECRET_SHOP_B", UNRESOLVED)

    with pytest.raises(ValueError, match="KOPPEL_BC_CLIENT_SECRET, KOPPEL_PORTAL_SECRET did not resolve"):
        Settings()  # the fields first: the per-shop settings are read once the shops' lists are valid
    environment.setenv("KOPPEL_BC_CLIENT_SECRET", "s")
    environment.delenv("KOPPEL_PORTAL_SECRET")
    with pytest.raises(ValueError, match="KOPPEL_WOOCOMMERCE_API_SECRET_SHOP_B, KOPPEL_WOOCOMMERCE_SECRET_SHOP_A did"):
        Settings()


def test_the_telemetry_settings_read_alone_refuse_it_too(environment):
    environment.setenv("KOPPEL_TELEMETRY_EXPORT", "@Microsoft.KeyVault(VaultName=kv;SecretName=x)")

    with pytest.raises(ValueError, match="KOPPEL_TELEMETRY_EXPORT did not resolve"):
        TelemetrySettings()


def test_resolved_values_are_taken(environment):
    environment.setenv("KOPPEL_BC_CLIENT_SECRET", "the-resolved-secret")
    environment.setenv("KOPPEL_SHOPIFY_SHOPS", "b2c")
    environment.setenv("KOPPEL_SHOPIFY_SECRET_B2C", "shopify-secret with @Microsoft.KeyVault( inside")

    config = Settings()

    assert config.bc_client_secret.get_secret_value() == "the-resolved-secret"
    assert config.shop_secret("shopify", "b2c") == "shopify-secret with @Microsoft.KeyVault( inside"


def test_a_reference_for_a_shop_not_listed_is_never_read(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_OLD_SHOP", UNRESOLVED)

    assert Settings().shop_secret("woocommerce", "old-shop") is None
