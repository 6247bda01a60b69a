"""Per WooCommerce shop: the REST key in the query string only over HTTPS. WooCommerce reads HTTP Basic or the
`consumer_key`/`consumer_secret` query parameters only `if ( is_ssl() )` (woocommerce/woocommerce plugins/
woocommerce/includes/class-wc-rest-authentication.php, authenticate), so over plain HTTP the key would be sent in
clear and refused anyway."""

import pytest
from pydantic import ValidationError

from integrations.settings import Settings
from tests.unit.test_settings import REQUIRED


@pytest.fixture
def environment(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a")
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_A", "webhook-secret")
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_KEY_SHOP_A", "ck_1")
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_API_SECRET_SHOP_A", "cs_1")
    monkeypatch.setenv("KOPPEL_WOOCOMMERCE_KEY_IN_QUERY_SHOP_A", "true")
    return monkeypatch


@pytest.mark.parametrize("url", ["https://shop.example", "http://127.0.0.1:8081", "http://localhost:8081"])
def test_the_key_in_the_query_is_taken_over_https_and_on_this_machine(environment, url):
    environment.setenv("KOPPEL_WOOCOMMERCE_URL_SHOP_A", url)

    assert Settings().woocommerce_key_in_query("shop-a")


def test_the_key_in_the_query_over_plain_http_is_refused_at_start(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_URL_SHOP_A", "http://shop.example")

    with pytest.raises(ValidationError, match="KOPPEL_WOOCOMMERCE_KEY_IN_QUERY_SHOP_A"):
        Settings()


def test_http_basic_is_not_refused_here(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_URL_SHOP_A", "http://shop.example")
    environment.setenv("KOPPEL_WOOCOMMERCE_KEY_IN_QUERY_SHOP_A", "false")

    assert not Settings().woocommerce_key_in_query("shop-a")
