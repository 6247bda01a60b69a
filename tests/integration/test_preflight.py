"""The preflight against the simulators: every check passes on a complete installation; a page unpublished, a
journal batch missing, a wrong key or secret, a shop webhook paused, pointing elsewhere or missing, storage
unreachable each fail that check alone, with what to do, and no secret in the answer; checks past the deadline are
reported not finished."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from domain.payments.accounts import PaymentAccount
from domain.preflight import Check, passed, preflight
from functions.wiring.adapters import Adapters
from functions.wiring.preflight import preflight_checks, public_url
from integrations.preflight.deadline import checks_within
from integrations.preflight.payments import PaymentPreflight
from integrations.preflight.shops import ShopPreflight
from integrations.preflight.storage import StoragePreflight
from integrations.preflight.webhooks import WebhookPreflight
from integrations.settings import Settings
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.storage.connection import ConnectionString
from localdev.azurite import Azurite
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


PUBLIC = "https://koppel.example.com"
WOO_HOOK = f"{PUBLIC}/api/webhooks/woocommerce/shop-a"


def _webhooks(woo: WooCommerceSimulator, shopify: ShopifySimulator | None = None) -> dict[str, Any]:
    with httpx.Client(timeout=10) as http:
        woocommerce = {"shop-a": WooCommerceClient(http, woo.url, woo.consumer_key, woo.consumer_secret)}
        admin = {}
        if shopify is not None:
            admin = {"shop-b": ShopifyClient(http, shopify.url, shopify.api_version, StaticToken(shopify.access_token))}
        return preflight([WebhookPreflight(PUBLIC, woocommerce, admin)])


def _woo_rest(
    woo: WooCommerceSimulator, method: str, path: str, body: dict[str, Any], http: httpx.Client | None = None
) -> httpx.Response:
    auth = (woo.consumer_key, woo.consumer_secret)
    with httpx.Client(timeout=10) if http is None else nullcontext(http) as client:
        return client.request(method, f"{woo.api_base}/webhooks{path}", json=body, auth=auth)


def test_webhooks_delivering_to_this_app_pass_whatever_key_their_url_carries():
    shopify_hook = f"{PUBLIC}/api/webhooks/shopify/shop-b"
    with (
        WooCommerceSimulator(webhook_url=f"{WOO_HOOK}?code=s3cr3t-key") as woo,
        ShopifySimulator(webhook_url=shopify_hook) as shopify,
    ):
        answer = _webhooks(woo, shopify)

    assert [(check["name"], check["passed"]) for check in answer["checks"]] == [
        ("WooCommerce shop shop-a: order webhooks", True),
        ("Shopify shop shop-b: order webhooks", True),
    ]
    assert "s3cr3t-key" not in str(answer)


def test_a_paused_woocommerce_webhook_fails_saying_activate_it():
    with WooCommerceSimulator(webhook_url=WOO_HOOK, webhook_id=7) as woo:
        assert _woo_rest(woo, "PUT", "/7", {"status": "paused"}).status_code == 200
        answer = _webhooks(woo)

    [check] = answer["checks"]
    assert check["passed"] is False
    assert "webhook 7 (order.created) is paused: activate it" in check["fix"]
    assert "webhook 8 (order.updated) is paused: activate it" in check["fix"]


def test_a_webhook_woocommerce_disabled_after_failed_deliveries_says_so():
    with WooCommerceSimulator(webhook_url=WOO_HOOK) as woo:
        httpx.post(f"{woo.url}/_sim/webhook", json={"enabled": False}, timeout=10).raise_for_status()
        [check] = _webhooks(woo)["checks"]

    assert "webhook 1 (order.created) is disabled (WooCommerce does that after 5 failed deliveries" in check["fix"]


def test_a_webhook_pointing_elsewhere_fails_naming_where_without_its_key():
    with WooCommerceSimulator(webhook_url="https://old.example.com/api/webhooks/woocommerce/shop-a?code=k3y") as woo:
        [check] = _webhooks(woo)["checks"]

    assert check["passed"] is False
    assert (
        "webhook 1 (order.created) points at https://old.example.com/api/webhooks/woocommerce/shop-a, not at this "
        f"app: set its delivery URL to {WOO_HOOK}"
    ) in check["fix"]
    assert "k3y" not in str(check)


def test_a_missing_topic_fails_saying_which_webhook_to_create_past_the_first_page():
    with WooCommerceSimulator() as woo, httpx.Client(timeout=10) as http:
        for number in range(100):
            body = {"topic": "product.updated", "delivery_url": f"https://elsewhere.example/{number}"}
            assert _woo_rest(woo, "POST", "", body, http).status_code == 201
        assert _woo_rest(woo, "POST", "", {"topic": "order.created", "delivery_url": WOO_HOOK}).status_code == 201
        assert httpx.get(f"{woo.api_base}/webhooks", timeout=10).status_code == 401
        [check] = _webhooks(woo)["checks"]

    assert check["fix"] == (
        f"create a webhook for topic order.updated with delivery URL {WOO_HOOK} "
        "(WooCommerce > Settings > Advanced > Webhooks)"
    )


def test_shopify_topics_not_listed_pass_as_possibly_app_specific_but_another_url_fails():
    with ShopifySimulator() as shopify, WooCommerceSimulator(webhook_url=WOO_HOOK) as woo:
        shopify.shop.graphql.webhooks.add("ORDERS_CREATE", f"{PUBLIC}/api/webhooks/shopify/shop-b")
        listed_only = _webhooks(woo, shopify)["checks"][1]
        shopify.shop.graphql.webhooks.add("ORDERS_PAID", "https://old.example.com/hook")
        elsewhere = _webhooks(woo, shopify)["checks"][1]

    assert listed_only["passed"] is True
    assert "ORDERS_CANCELLED, ORDERS_PAID, ORDERS_UPDATED" in listed_only["detail"]
    assert "shopify.app.toml" in listed_only["detail"]
    assert elsewhere["passed"] is False
    assert "points at https://old.example.com/hook, not at this app" in elsewhere["fix"]


def test_the_public_url_is_koppel_public_url_else_the_host_name_azure_sets(bc: BusinessCentralSimulator):
    config: Settings = bc_settings(bc)
    azure = {"WEBSITE_HOSTNAME": "koppel-abc.azurewebsites.net"}

    assert public_url(config.model_copy(update={"public_url": ""}), azure) == "https://koppel-abc.azurewebsites.net"
    assert (
        public_url(config.model_copy(update={"public_url": "https://k.example.com/"}), azure) == "https://k.example.com"
    )
    assert public_url(config.model_copy(update={"public_url": ""}), {}) == ""


def test_without_a_public_url_the_webhook_check_names_the_setting():
    checks = WebhookPreflight("", {"shop-a": WooCommerceClient(httpx.Client(), "https://shop.test", "ck", "cs")}, {})

    [check] = preflight([checks])["checks"]

    assert "KOPPEL_PUBLIC_URL" in check["fix"]


class _Slow:
    what = "a slow service"

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    def checks(self) -> Iterator[Check]:
        yield passed("slow: first", "answered")
        time.sleep(self._seconds)
        yield passed("slow: second", "answered")


def test_a_check_past_the_deadline_is_reported_not_finished_and_the_answer_comes_in_time():
    started = time.monotonic()

    checks = checks_within([_Slow(30), _Slow(0)], seconds=0.5)

    assert time.monotonic() - started < 2
    assert [(check.name, check.passed) for check in checks] == [
        ("slow: first", True),
        ("not finished: a slow service", False),
        ("slow: first", True),
        ("slow: second", True),
    ]
    assert "a slow service answers" in checks[1].fix


def test_storage_unreachable_fails_each_service_naming_the_setting():
    unreachable = ";".join(
        [
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + "a" * 88,
            *(f"{kind}Endpoint=http://127.0.0.1:9/devstoreaccount1" for kind in ("Blob", "Queue", "Table")),
        ]
    )

    answer = preflight([StoragePreflight(ConnectionString(SecretStr(unreachable)))])

    assert [check["name"] for check in answer["checks"] if not check["passed"]] == [
        "Storage: tables",
        "Storage: queues",
        "Storage: blob containers",
    ]
    assert all("AzureWebJobsStorage" in check["fix"] for check in answer["checks"])
    assert "a" * 88 not in str(answer)


def test_storage_reachable_passes_naming_what_koppel_will_create(azurite: Azurite):
    answer = preflight([StoragePreflight(ConnectionString(SecretStr(azurite.connection_string)))])

    assert answer["passed"] is True
    assert len(answer["checks"]) == 3
