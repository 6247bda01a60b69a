import pytest

from integrations.settings import Settings

REQUIRED = {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "KOPPEL_BC_TENANT_ID": "t",
    "KOPPEL_BC_COMPANY_ID": "c",
    "KOPPEL_BC_CLIENT_ID": "id",
    "KOPPEL_BC_CLIENT_SECRET": "s",
    "KOPPEL_BC_SHIPPING_ACCOUNT": "8090",
}


@pytest.fixture
def environment(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_a_shop_is_known_only_when_listed_and_given_a_non_empty_secret(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a, shop-b,shop-c")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_A", "a-secret")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_B", "")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_D", "d-secret")
    config = Settings()
    assert config.shop_secret("woocommerce", "shop-a") == "a-secret"
    assert config.shop_secret("woocommerce", "shop-b") is None
    assert config.shop_secret("woocommerce", "shop-c") is None
    assert config.shop_secret("woocommerce", "shop-d") is None


def test_the_bc_urls_follow_tenant_environment_and_company(environment):
    config = Settings()
    assert config.resolved_token_url == "https://login.microsoftonline.com/t/oauth2/v2.0/token"
    assert config.bc_company_url == "https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/companies(c)"


def test_a_web_service_url_names_the_company_quoted_and_needs_both_names(environment):
    assert Settings().bc_web_service_url("KoppelPriceListLines") is None
    environment.setenv("KOPPEL_BC_COMPANY_NAME", "Jansen's Koffie B.V.")
    config = Settings()
    assert config.bc_web_service_url("") is None
    assert config.bc_web_service_url("KoppelPriceListLines") == (
        "https://api.businesscentral.dynamics.com/v2.0/t/production/ODataV4/"
        "Company('Jansen%27%27s%20Koffie%20B.V.')/KoppelPriceListLines"
    )


def test_a_document_prefix_is_per_shop(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a,shop-b")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_A", "x")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_B", "y")
    environment.setenv("KOPPEL_WOOCOMMERCE_PREFIX_SHOP_B", "B-")
    assert Settings().document_prefixes() == {"woocommerce:shop-a": "", "woocommerce:shop-b": "B-"}


def test_refunds_come_from_the_shop_unless_a_shop_says_bc(environment):
    environment.setenv("KOPPEL_PORTAL_SECRET", "whsec_portal")
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a,shop-b")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_A", "x")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_B", "y")
    assert Settings().refunds_from_bc() == frozenset()
    environment.setenv("KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_SHOP_B", " BC ")
    assert Settings().refunds_from_bc() == {("woocommerce", "shop-b")}


def test_a_refund_origin_other_than_shop_or_bc_is_refused_naming_the_shop(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_A", "x")
    environment.setenv("KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_SHOP_A", "both")
    with pytest.raises(ValueError, match="woocommerce:shop-a=both"):
        Settings().refunds_from_bc()


def test_a_missing_required_setting_is_named(monkeypatch):
    for name in REQUIRED:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="KOPPEL_BC_TENANT_ID"):
        Settings()


def test_a_shop_name_that_cannot_be_a_key_is_refused_at_start(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a,Shop #2")
    with pytest.raises(ValueError, match="Shop #2"):
        Settings()


def test_new_customers_get_the_configured_template(environment):
    environment.setenv("KOPPEL_BC_NEW_CUSTOMER_FIELDS", '{"paymentTermsId": "7a3c0000-0000-0000-0000-000000000001"}')
    assert Settings().new_customer_fields == {"paymentTermsId": "7a3c0000-0000-0000-0000-000000000001"}


def test_a_refused_setting_shows_none_of_the_settings_given(monkeypatch):
    """A check over the whole model would otherwise quote its input: every setting, secrets included."""
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AzureWebJobsStorage")
    monkeypatch.setenv("KOPPEL_BC_CLIENT_SECRET", "the-client-secret")
    with pytest.raises(ValueError, match="AzureWebJobsStorage is not set") as refused:
        Settings()
    assert "input_value" not in str(refused.value)
    assert "the-client-secret" not in str(refused.value)


def test_shop_refunds_are_credited_as_drafts_by_default_posted_or_not_at_all_as_each_shop_says(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a,shop-b,shop-c,shop-d")
    for shop in "ABCD":
        environment.setenv(f"KOPPEL_WOOCOMMERCE_SECRET_SHOP_{shop}", "x")
    environment.setenv("KOPPEL_WOOCOMMERCE_CREDIT_MEMOS_SHOP_B", " Post ")
    environment.setenv("KOPPEL_WOOCOMMERCE_CREDIT_MEMOS_SHOP_C", "off")
    environment.setenv("KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_SHOP_D", "bc")
    credited, posted = Settings().shop_refund_credit_memos()
    assert credited == {("woocommerce", "shop-a"), ("woocommerce", "shop-b")}
    assert posted == {("woocommerce", "shop-b")}


def test_a_credit_memo_mode_not_listed_is_refused_naming_the_shop(environment):
    environment.setenv("KOPPEL_WOOCOMMERCE_SHOPS", "shop-a")
    environment.setenv("KOPPEL_WOOCOMMERCE_SECRET_SHOP_A", "x")
    environment.setenv("KOPPEL_WOOCOMMERCE_CREDIT_MEMOS_SHOP_A", "yes")
    with pytest.raises(ValueError, match="woocommerce:shop-a=yes"):
        Settings().shop_refund_credit_memos()
