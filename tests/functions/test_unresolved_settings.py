"""A shop's webhook secret whose Key Vault reference did not resolve: a delivery signed with the reference's (guessable)
text is never taken in; the trigger fails as with any invalid setting (the host answers 500 and logs the error),
naming the setting, quoting no value."""

from __future__ import annotations

from decimal import Decimal

import azure.functions as func
import pytest
from pydantic import ValidationError

from integrations.per_shop_settings import shop_setting
from tests.functions.conftest import trigger
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

REFERENCE = "@Microsoft.KeyVault(SecretUri=https://kv-koppel.vault.azure.net/secrets/KOPPEL-WOOCOMMERCE-SECRET-X/)"
ORDER = ShopOrder(
    3101, ShopCustomer("Anna", "de Vries", "anna@example.nl"), (ShopLine("KOF-1001", "Koffie", 1, Decimal(10)),)
)


def test_a_delivery_signed_with_an_unresolved_reference_is_not_taken_in(app_settings, monkeypatch):
    setting = shop_setting("woocommerce", "SECRET", app_settings)
    monkeypatch.setenv(setting, REFERENCE)
    body, headers = signed_delivery(order_payload(ORDER), REFERENCE)
    request = func.HttpRequest(
        "POST",
        f"http://localhost/api/webhooks/woocommerce/{app_settings}",
        headers=headers,
        route_params={"shop": app_settings},
        body=body,
    )

    with pytest.raises(ValidationError, match="did not resolve") as refused:
        trigger("woocommerce_webhook")(request)

    assert setting in str(refused.value)
    assert "vault.azure.net" not in str(refused.value)
