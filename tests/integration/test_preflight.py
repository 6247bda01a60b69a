"""The preflight against the simulators: every check passes on a complete installation; a page unpublished, a
journal batch missing, a wrong key or secret each fail that check alone, with what to do, and no secret in the
answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from domain.payments.accounts import PaymentAccount
from domain.preflight import preflight
from functions.wiring.adapters import Adapters
from functions.wiring.preflight import preflight_checks
from integrations.preflight.payments import PaymentPreflight
from integrations.preflight.shops import ShopPreflight
from integrations.settings import Settings
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.woocommerce.client import WooCommerceClient
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.published import VAT_SETUP
from localdev.simulators.mollie import MollieSimulator
from localdev.simulators.shopify import ShopifySimulator
from localdev.simulators.stripe import StripeSimulator
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.integration.simulated_bc import bc_settings

PAGES = {
    "bc_price_list_service": "KoppelPriceListLines",
    "bc_customer_card_service": "KoppelCustomerCards",
    "bc_release_api": "koppel/sales/v1.0",
    "bc_refund_api": "koppel/payments/v1.0",
}


@pytest.fixture
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="preflight") as simulator:
        yield simulator


def _answer(bc: BusinessCentralSimulator, **fields: Any) -> dict[str, Any]:
    config: Settings = bc_settings(bc, bc_token_url=bc.token_url, bc_max_attempts=1, **PAGES)
    config = config.model_copy(update=fields)
    return preflight(preflight_checks(Adapters(config))[:1])


def _failed(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in answer["checks"] if not check["passed"]}


def test_every_check_passes_against_the_bc_simulator(bc: BusinessCentralSimulator):
    answer = _answer(bc, bc_payment_journal="KOPPEL")

    assert _failed(answer) == {}
    assert answer["passed"] is True
    names = [check["name"] for check in answer["checks"]]
    assert names[:2] == ["BC token (app registration)", "BC company"]
    assert "BC web service KoppelVatPostingSetup (KOPPEL_BC_VAT_SETUP_SERVICE)" in names
    assert "BC release API (KOPPEL_BC_RELEASE_API)" in names
    assert "BC payment journal KOPPEL (KOPPEL_BC_PAYMENT_JOURNAL)" in names


def test_an_unpublished_page_fails_its_check_with_its_fix(bc: BusinessCentralSimulator):
    bc.simulation.published.unpublish(VAT_SETUP)

    answer = _answer(bc)

    [(name, check)] = _failed(answer).items()
    assert name == "BC web service KoppelVatPostingSetup (KOPPEL_BC_VAT_SETUP_SERVICE)"
    assert 'publish page 472 "VAT Posting Setup" as web service KoppelVatPostingSetup' in check["fix"]
    assert answer["passed"] is False
    assert answer["failed"] == 1


def test_a_missing_journal_batch_and_a_wrong_secret_say_what_to_do(bc: BusinessCentralSimulator):
    assert "BC payment journal NOPE" in next(iter(_failed(_answer(bc, bc_payment_journal="NOPE"))))

    answer = _answer(bc, bc_client_secret=SecretStr("not-the-secret"))

    [(name, check)] = _failed(answer).items()
    assert name == "BC token (app registration)"
    assert "KOPPEL_BC_CLIENT_SECRET" in check["fix"]
    assert "not-the-secret" not in str(answer)


def test_a_company_id_bc_does_not_know_fails_naming_the_company_id(bc: BusinessCentralSimulator):
    answer = _answer(bc, bc_company_id="00000000-0000-0000-0000-00000000abcd")

    [(name, check)] = _failed(answer).items()
    assert name == "BC token (app registration) and BC company"
    assert "KOPPEL_BC_COMPANY_ID" in check["fix"]


def test_a_company_name_of_another_company_fails_the_company_check(bc: BusinessCentralSimulator):
    answer = _answer(bc, bc_company_name="CRONUS Elsewhere")

    check = _failed(answer)["BC company"]
    assert "KOPPEL_BC_COMPANY_NAME says 'CRONUS Elsewhere'" in check["detail"]
    assert answer["checks"][0] == {**answer["checks"][0], "name": "BC token (app registration)", "passed": True}


def test_a_stripe_url_answering_404_does_not_pass_the_key():
    with StripeSimulator() as stripe, httpx.Client(timeout=10) as http:
        account = PaymentAccount(provider="stripe", account="main", source="shopify", shop="shop-b")
        checks = PaymentPreflight(http, {"stripe": f"{stripe.url}/elsewhere"}, lambda _: stripe.api_key, [account])
        [check] = preflight([checks])["checks"]

    assert check["passed"] is False
    assert "KOPPEL_STRIPE_API_URL" in check["fix"]


def test_payment_keys_accepted_and_refused():
    with MollieSimulator() as mollie, StripeSimulator() as stripe:
        keys = {"good": mollie.api_key, "bad": "test_wrongwrongwrongwrongwrongwr"}
        accounts = [
            PaymentAccount(provider="mollie", account=account, source="woocommerce", shop="shop-a") for account in keys
        ] + [PaymentAccount(provider="stripe", account="main", source="shopify", shop="shop-b")]
        keys["main"] = stripe.api_key
        urls = {"mollie": mollie.url, "stripe": stripe.url}
        with httpx.Client(timeout=10) as http:
            checks = PaymentPreflight(http, urls, lambda account: keys[account.account], accounts)
            answer = preflight([checks])

    assert [(check["name"], check["passed"]) for check in answer["checks"]] == [
        ("Mollie account good: API key", True),
        ("Mollie account bad: API key", False),
        ("Stripe account main: API key", True),
    ]
    assert "KOPPEL_MOLLIE_API_KEY_BAD" in answer["checks"][1]["fix"]
    assert keys["bad"] not in str(answer)
    assert mollie.api_key not in str(answer)


def test_shop_keys_accepted_and_refused():
    with WooCommerceSimulator() as woo, ShopifySimulator() as shopify, httpx.Client(timeout=10) as http:
        woocommerce = {
            "shop-a": WooCommerceClient(http, woo.url, woo.consumer_key, woo.consumer_secret),
            "shop-b": WooCommerceClient(http, woo.url, woo.consumer_key, "cs_wrong"),
        }
        admin = {
            "shop-c": ShopifyClient(http, shopify.url, shopify.api_version, StaticToken(shopify.access_token)),
            "shop-d": ShopifyClient(http, shopify.url, shopify.api_version, StaticToken("shpat_wrong")),
        }
        answer = preflight([ShopPreflight(woocommerce, admin)])

    assert [(check["name"], check["passed"]) for check in answer["checks"]] == [
        ("WooCommerce shop shop-a: REST API key", True),
        ("WooCommerce shop shop-b: REST API key", False),
        ("Shopify shop shop-c: Admin API access", True),
        ("Shopify shop shop-d: Admin API access", False),
    ]
    assert "KOPPEL_WOOCOMMERCE_API_SECRET_SHOP_B" in answer["checks"][1]["fix"]
    assert "KOPPEL_SHOPIFY_TOKEN_SHOP_D" in answer["checks"][3]["fix"]
    assert "cs_wrong" not in str(answer)
    assert "shpat_wrong" not in str(answer)
