"""Koppel's configuration: one typed object, read once from the environment (app settings in Azure)."""

from __future__ import annotations

import ipaddress
import os
import re
from decimal import Decimal
from functools import cache, cached_property
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.catalog.availability import DisplayMode
from domain.catalog.listing import DEFAULT_OWNED, ListingPolicy
from domain.orders.mapping import portal
from domain.payments.accounts import PaymentAccount
from domain.portal.catalog import PortalPolicy

BC_DEFAULT_API_URL = "https://api.businesscentral.dynamics.com"
BC_DEFAULT_SCOPE = "https://api.businesscentral.dynamics.com/.default"
SHOP_NAME = re.compile(r"[A-Za-z0-9_-]{1,60}")
ENTRA_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"  # noqa: S105 - a URL
SHOPIFY_OLDEST_VERSION = "2026-01"
SHOPIFY_DEFAULT_VERSION = "2026-10"
"""Raise it each quarter: a stable version is supported at least 12 months (shopify.dev/docs/api/usage/versioning)."""


class Settings(BaseSettings):
    """Every setting Koppel reads; names are the environment variables (see README, Configuration)."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore")

    storage_connection: SecretStr = Field(validation_alias="AzureWebJobsStorage")

    bc_tenant_id: str = Field(validation_alias="KOPPEL_BC_TENANT_ID")
    bc_environment: str = Field("production", validation_alias="KOPPEL_BC_ENVIRONMENT")
    bc_company_id: str = Field(validation_alias="KOPPEL_BC_COMPANY_ID")
    bc_client_id: str = Field(validation_alias="KOPPEL_BC_CLIENT_ID")
    bc_client_secret: SecretStr = Field(validation_alias="KOPPEL_BC_CLIENT_SECRET")
    bc_api_url: str = Field(BC_DEFAULT_API_URL, validation_alias="KOPPEL_BC_API_URL")
    bc_token_url: str = Field("", validation_alias="KOPPEL_BC_TOKEN_URL")
    bc_scope: str = Field(BC_DEFAULT_SCOPE, validation_alias="KOPPEL_BC_SCOPE")
    bc_max_in_flight: int = Field(5, ge=1, validation_alias="KOPPEL_BC_MAX_IN_FLIGHT")
    bc_requests_per_5_minutes: int = Field(5800, ge=1, validation_alias="KOPPEL_BC_REQUESTS_PER_5_MINUTES")
    bc_timeout_seconds: float = Field(120.0, gt=0, validation_alias="KOPPEL_BC_TIMEOUT_SECONDS")
    bc_max_attempts: int = Field(6, ge=1, validation_alias="KOPPEL_BC_MAX_ATTEMPTS")
    bc_release_api: str = Field("", validation_alias="KOPPEL_BC_RELEASE_API")
    bc_company_name: str = Field("", validation_alias="KOPPEL_BC_COMPANY_NAME")
    bc_price_list_service: str = Field("", validation_alias="KOPPEL_BC_PRICE_LIST_SERVICE")
    bc_customer_service: str = Field("KoppelCustomers", validation_alias="KOPPEL_BC_CUSTOMER_SERVICE")
    bc_customer_card_service: str = Field("", validation_alias="KOPPEL_BC_CUSTOMER_CARD_SERVICE")
    """Page 21 "Customer Card" published as a web service: customers found by VAT number (its VAT_Registration_No;
    page 22 and API v2.0 cannot be filtered on it). Empty: no look-up by VAT number."""
    bc_stock_service: str = Field("KoppelItemLocationStock", validation_alias="KOPPEL_BC_STOCK_SERVICE")
    bc_item_units_service: str = Field("KoppelItemUnitsOfMeasure", validation_alias="KOPPEL_BC_ITEM_UNITS_SERVICE")
    bc_substitution_service: str = Field(
        "KoppelItemSubstitutions", validation_alias="KOPPEL_BC_ITEM_SUBSTITUTION_SERVICE"
    )
    bc_item_list_service: str = Field("KoppelItems", validation_alias="KOPPEL_BC_ITEM_LIST_SERVICE")
    """Page 31 "Item List" published: each item's VAT Prod. Posting Group (not on API v2.0 items)."""
    bc_vat_setup_service: str = Field("KoppelVatPostingSetup", validation_alias="KOPPEL_BC_VAT_SETUP_SERVICE")
    """Page 472 "VAT Posting Setup" published: the VAT % of each VAT business and product posting group."""
    bc_vat_business_group: str = Field("BINNENLAND", validation_alias="KOPPEL_BC_VAT_BUSINESS_GROUP")
    """The VAT Bus. Posting Group of the company's domestic customers: shop and portal prices include its VAT."""
    company_country: str = Field("NL", pattern=r"^[A-Z]{2}$", validation_alias="KOPPEL_COMPANY_COUNTRY")
    price_tolerance_percent: Decimal = Field(Decimal(1), ge=0, validation_alias="KOPPEL_PRICE_TOLERANCE_PERCENT")
    prepayment_channels: str = Field("woocommerce,shopify", validation_alias="KOPPEL_PREPAYMENT_CHANNELS")
    on_account_methods: str = Field("cod,invoice,on_account", validation_alias="KOPPEL_ON_ACCOUNT_PAYMENT_METHODS")

    shipping_account: str = Field(validation_alias="KOPPEL_BC_SHIPPING_ACCOUNT")
    fee_account: str = Field("", validation_alias="KOPPEL_BC_FEE_ACCOUNT")
    local_currency: str = Field("EUR", validation_alias="KOPPEL_BC_LOCAL_CURRENCY")
    time_zone: str = Field("Europe/Amsterdam", validation_alias="KOPPEL_TIME_ZONE")
    """The company's IANA time zone: the day on which BC's price lines and campaigns are valid."""
    default_customer_number: str = Field("", validation_alias="KOPPEL_BC_DEFAULT_CUSTOMER")
    new_customer_fields: dict[str, Any] = Field(default_factory=dict, validation_alias="KOPPEL_BC_NEW_CUSTOMER_FIELDS")

    woocommerce_shops: str = Field("", validation_alias="KOPPEL_WOOCOMMERCE_SHOPS")
    woocommerce_import_statuses: str = Field(
        "processing,on-hold,completed", validation_alias="KOPPEL_WOOCOMMERCE_IMPORT_STATUSES"
    )
    shopify_shops: str = Field("", validation_alias="KOPPEL_SHOPIFY_SHOPS")
    mollie_accounts: str = Field("", validation_alias="KOPPEL_MOLLIE_ACCOUNTS")
    """Comma-separated Mollie account names: each is a webhook URL /api/webhooks/mollie/{account}."""
    mollie_api_url: str = Field("https://api.mollie.com", validation_alias="KOPPEL_MOLLIE_API_URL")
    stripe_accounts: str = Field("", validation_alias="KOPPEL_STRIPE_ACCOUNTS")
    """Comma-separated Stripe account names: each is a webhook URL /api/webhooks/stripe/{account}."""
    stripe_api_url: str = Field("https://api.stripe.com", validation_alias="KOPPEL_STRIPE_API_URL")
    payment_retry_seconds: int = Field(900, ge=1, validation_alias="KOPPEL_PAYMENT_RETRY_SECONDS")
    """How often a payment whose order has not arrived is looked at again."""
    payment_wait_hours: int = Field(24, ge=1, validation_alias="KOPPEL_PAYMENT_WAIT_HOURS")
    """How long a payment waits for its order before a person is asked."""
    payment_match_window_hours: int = Field(72, ge=1, le=24 * 31, validation_alias="KOPPEL_PAYMENT_MATCH_WINDOW_HOURS")
    """A payment that names no order is matched to the one unpaid order of its amount (and payer) placed within
    this many hours of it."""
    bc_payment_journal: str = Field("", max_length=10, validation_alias="KOPPEL_BC_PAYMENT_JOURNAL")
    """The code of the customer payment journal (a Cash Receipt batch) Koppel books payments in, used by Koppel
    alone: its post posts every line in it. Blank: payments are matched but not booked."""
    booking_batch: int = Field(500, ge=1, le=5000, validation_alias="KOPPEL_BOOKING_BATCH")
    """At most this many journal lines are made and posted per booking run (the rest in the next)."""
    bc_refund_api: str = Field("", validation_alias="KOPPEL_BC_REFUND_API")
    """`publisher/group/version` of Koppel's own API page `customerRefunds` (e.g. `koppel/payments/v1.0`): refunds
    after booking are then booked against the order's credit memo. Blank: they go to a person."""
    refund_credit_memo_wait_days: int = Field(14, ge=1, le=90, validation_alias="KOPPEL_REFUND_CREDIT_MEMO_WAIT_DAYS")
    """How long a refund after booking waits for BC's credit memo before a person is asked (with the refund API)."""
    shopify_api_version: str = Field(
        SHOPIFY_DEFAULT_VERSION, pattern=r"^\d{4}-(01|04|07|10)$", validation_alias="KOPPEL_SHOPIFY_API_VERSION"
    )
    """The Admin API version of every Shopify call (order recovery and the catalog): 2026-01 or later, where the
    catalog's `@idempotent` keys and `changeFromQuantity` exist. Shopify serves an unsupported version as its oldest
    supported one (Koppel then logs a warning)."""
    shopify_import_statuses: str = Field(
        "pending,authorized,partially_paid,paid,partially_refunded", validation_alias="KOPPEL_SHOPIFY_IMPORT_STATUSES"
    )
    portal_secret: SecretStr = Field(SecretStr(""), validation_alias="KOPPEL_PORTAL_SECRET")
    portal_stock_display: str = Field(
        DisplayMode.QUANTITY_WITH_DATE.value, validation_alias="KOPPEL_PORTAL_STOCK_DISPLAY"
    )
    portal_safety_stock: str = Field("0", validation_alias="KOPPEL_PORTAL_SAFETY_STOCK")
    portal_locations: str = Field("", validation_alias="KOPPEL_PORTAL_LOCATIONS")
    portal_campaigns: str = Field("", validation_alias="KOPPEL_PORTAL_CAMPAIGNS")
    portal_prices_include_vat: str = Field("false", validation_alias="KOPPEL_PORTAL_PRICES_INCLUDE_VAT")
    recovery_first_lookback_hours: float = Field(24.0, gt=0, validation_alias="KOPPEL_RECOVERY_FIRST_LOOKBACK_HOURS")
    max_webhook_bytes: int = Field(1_048_576, ge=1024, validation_alias="KOPPEL_MAX_WEBHOOK_BYTES")
    totals_tolerance: Decimal = Field(Decimal("0.02"), ge=0, validation_alias="KOPPEL_TOTALS_TOLERANCE")

    bc_notification_url: SecretStr = Field(SecretStr(""), validation_alias="KOPPEL_BC_NOTIFICATION_URL")
    """Koppel's public URL of /api/webhooks/businesscentral, function key included; without it no BC subscription is
    kept and invoices are learned by polling alone."""
    bc_webhook_client_state: SecretStr = Field(SecretStr(""), validation_alias="KOPPEL_BC_WEBHOOK_CLIENT_STATE")
    bc_subscription_resources: str = Field(
        "salesInvoices,salesCreditMemos", validation_alias="KOPPEL_BC_SUBSCRIPTION_RESOURCES"
    )
    """Comma-separated entity sets of the company Koppel subscribes to."""
    bc_subscription_renew_hours: float = Field(24.0, gt=0, lt=72, validation_alias="KOPPEL_BC_SUBSCRIPTION_RENEW_HOURS")

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"KOPPEL_TIME_ZONE {value!r} is no IANA time zone (e.g. Europe/Amsterdam)") from None
        return value

    @field_validator("shopify_api_version")
    @classmethod
    def _shopify_version_koppel_speaks(cls, value: str) -> str:
        if value < SHOPIFY_OLDEST_VERSION:
            raise ValueError(f"KOPPEL_SHOPIFY_API_VERSION {value} is older than {SHOPIFY_OLDEST_VERSION}")
        return value

    @field_validator("woocommerce_shops", "shopify_shops", "mollie_accounts", "stripe_accounts")
    @classmethod
    def _shop_names_are_keys(cls, value: str) -> str:
        """Shop names end up in URLs and storage keys."""
        for name in names(value):
            if not SHOP_NAME.fullmatch(name):
                raise ValueError(f"shop name {name!r} may hold only letters, digits, '-' and '_' (60 at most)")
        return value

    @model_validator(mode="after")
    def _woocommerce_key_in_query_over_https(self) -> Settings:
        """WooCommerce reads the REST key only over HTTPS (`is_ssl()`): in the query of a plain HTTP URL it would
        travel in clear and be refused. Only a site on this machine (the simulator) is taken over HTTP."""
        for shop, (url, _, _) in self.woocommerce_rest().items():
            if self.woocommerce_key_in_query(shop) and not _https_or_loopback(url):
                raise ValueError(
                    f"{shop_setting('woocommerce', 'KEY_IN_QUERY', shop)}=true needs an https:// "
                    f"{shop_setting('woocommerce', 'URL', shop)}, not {url}"
                )
        return self

    @property
    def resolved_token_url(self) -> str:
        return self.bc_token_url or ENTRA_TOKEN_URL.format(tenant=self.bc_tenant_id)

    @property
    def bc_company_url(self) -> str:
        base = self.bc_api_url.rstrip("/")
        return f"{base}/v2.0/{self.bc_tenant_id}/{self.bc_environment}/api/v2.0/companies({self.bc_company_id})"

    @cached_property
    def _shop_secrets(self) -> dict[tuple[str, str], str]:
        """(channel, shop) of each configured shop with a non-empty secret: an empty HMAC key would let anyone sign."""
        listed = {"woocommerce": self.woocommerce_shops, "shopify": self.shopify_shops}
        secrets = {
            (source, shop): os.environ.get(shop_setting(source, "SECRET", shop), "")
            for source, shops in listed.items()
            for shop in names(shops)
        }
        secrets[(portal.SOURCE, portal.SHOP)] = self.portal_secret.get_secret_value()
        return {where: secret for where, secret in secrets.items() if secret}

    def shop_secret(self, source: str, shop: str) -> str | None:
        """The webhook secret of a configured shop, from KOPPEL_<CHANNEL>_SECRET_<SHOP>; None if unknown."""
        return self._shop_secrets.get((source, shop))

    def payment_accounts(self) -> dict[tuple[str, str], PaymentAccount]:
        """Per (provider, account) with KOPPEL_<PROVIDER>_SHOP_<ACCOUNT> naming a configured shop
        (`woocommerce:shop-a`): the account, with its webhook secret from KOPPEL_<PROVIDER>_WEBHOOK_SECRET_<ACCOUNT>
        (Stripe's `whsec_...`, Mollie's next-gen signing secret). An account whose shop is not configured is left
        out."""
        listed = {"mollie": self.mollie_accounts, "stripe": self.stripe_accounts}
        found: dict[tuple[str, str], PaymentAccount] = {}
        for provider, accounts in listed.items():
            for account in names(accounts):
                source, _, shop = os.environ.get(shop_setting(provider, "SHOP", account), "").partition(":")
                if (source, shop) in self._shop_secrets:
                    secret = os.environ.get(shop_setting(provider, "WEBHOOK_SECRET", account), "")
                    found[(provider, account)] = PaymentAccount(
                        provider=provider, account=account, source=source, shop=shop, webhook_secret=secret
                    )
        return found

    def payment_api_key(self, provider: str, account: str) -> str:
        """KOPPEL_<PROVIDER>_API_KEY_<ACCOUNT>: the key Koppel reads payments with (secret: Key Vault)."""
        return os.environ.get(shop_setting(provider, "API_KEY", account), "")

    def document_prefixes(self) -> dict[str, str]:
        """Per shop, KOPPEL_<CHANNEL>_PREFIX_<SHOP>: put before web order numbers when shops share a company."""
        return {
            f"{source}:{shop}": os.environ.get(shop_setting(source, "PREFIX", shop), "")
            for source, shop in self._shop_secrets
        }

    @property
    def bc_release_url(self) -> str | None:
        """Company URL of the custom API page with the release action (KOPPEL_BC_RELEASE_API=koppel/sales/v1.0)."""
        if not self.bc_release_api:
            return None
        base = self.bc_api_url.rstrip("/")
        return (
            f"{base}/v2.0/{self.bc_tenant_id}/{self.bc_environment}/api/{self.bc_release_api.strip('/')}"
            f"/companies({self.bc_company_id})"
        )

    @property
    def bc_refund_url(self) -> str | None:
        """Company URL of Koppel's own refund API page (KOPPEL_BC_REFUND_API=koppel/payments/v1.0)."""
        if not self.bc_refund_api:
            return None
        base = self.bc_api_url.rstrip("/")
        return (
            f"{base}/v2.0/{self.bc_tenant_id}/{self.bc_environment}/api/{self.bc_refund_api.strip('/')}"
            f"/companies({self.bc_company_id})"
        )

    def bc_web_service_url(self, service: str) -> str | None:
        """URL of a page published as an OData v4 web service; None without KOPPEL_BC_COMPANY_NAME or a service."""
        if not (self.bc_company_name and service):
            return None
        base = self.bc_api_url.rstrip("/")
        company = quote(self.bc_company_name.replace("'", "''"), safe="")
        return f"{base}/v2.0/{self.bc_tenant_id}/{self.bc_environment}/ODataV4/Company('{company}')/{quote(service)}"

    def woocommerce_rest(self) -> dict[str, tuple[str, str, str]]:
        """Per shop with KOPPEL_WOOCOMMERCE_URL_/KEY_/API_SECRET_<SHOP> all set: (site URL, consumer key, secret)."""
        found = {
            shop: tuple(
                os.environ.get(shop_setting("woocommerce", kind, shop), "") for kind in ("URL", "KEY", "API_SECRET")
            )
            for source, shop in self._shop_secrets
            if source == "woocommerce"
        }
        return {shop: (url, key, secret) for shop, (url, key, secret) in found.items() if url and key and secret}

    def woocommerce_key_in_query(self, shop: str) -> bool:
        """KOPPEL_WOOCOMMERCE_KEY_IN_QUERY_<SHOP>=true: send the REST key as query parameters (over HTTPS), for a
        site whose server or proxy strips the Authorization header; HTTP Basic otherwise."""
        return os.environ.get(shop_setting("woocommerce", "KEY_IN_QUERY", shop), "").strip().lower() == "true"

    def listing_policy(self, source: str, shop: str) -> ListingPolicy:
        """A shop's catalog choices, from KOPPEL_<CHANNEL>_<KIND>_<SHOP>: STOCK_DISPLAY (hidden, in_stock_or_not,
        exact_quantity, quantity_with_date), SAFETY_STOCK, LOCATIONS, CAMPAIGNS, BC_OWNS (name, status, prices,
        stock by default; category too when BC's item categories should set the shop's) and PRICES_INCLUDE_VAT
        (true or false)."""

        def setting(kind: str, default: str = "") -> str:
            return os.environ.get(shop_setting(source, kind, shop), default)

        return ListingPolicy.model_validate(
            {
                "stock": {
                    "display": setting("STOCK_DISPLAY", DisplayMode.EXACT_QUANTITY.value).strip(),
                    "safety_stock": setting("SAFETY_STOCK", "0").strip(),
                    "locations": names(setting("LOCATIONS")),
                },
                "prices_include_vat": setting("PRICES_INCLUDE_VAT", "true").strip().lower() == "true",
                "campaigns": names(setting("CAMPAIGNS")),
                "owned": names(setting("BC_OWNS", ",".join(sorted(DEFAULT_OWNED)))),
            }
        )

    def portal_policy(self) -> PortalPolicy:
        """The portal's catalog choices, from KOPPEL_PORTAL_STOCK_DISPLAY, _SAFETY_STOCK, _LOCATIONS, _CAMPAIGNS and
        _PRICES_INCLUDE_VAT; ValueError when one is invalid (checked here, so that it keeps only the portal out)."""
        if self.portal_prices_include_vat.strip().lower() not in ("true", "false"):
            raise ValueError("KOPPEL_PORTAL_PRICES_INCLUDE_VAT must be true or false")
        return PortalPolicy.model_validate(
            {
                "stock": {
                    "display": self.portal_stock_display.strip(),
                    "safety_stock": self.portal_safety_stock.strip(),
                    "locations": names(self.portal_locations),
                },
                "prices_include_vat": self.portal_prices_include_vat.strip().lower() == "true",
                "campaigns": names(self.portal_campaigns),
                "local_currency": self.local_currency,
            }
        )

    def shopify_rest(self) -> dict[str, tuple[str, str, str, str]]:
        """Per shop with KOPPEL_SHOPIFY_URL_<SHOP> and either KOPPEL_SHOPIFY_CLIENT_ID_/_CLIENT_SECRET_<SHOP> (an app
        made in the Dev Dashboard) or KOPPEL_SHOPIFY_TOKEN_<SHOP> (a custom app's Admin API token) set: (shop URL,
        token, client id, client secret)."""
        found = {
            shop: tuple(
                os.environ.get(shop_setting("shopify", kind, shop), "")
                for kind in ("URL", "TOKEN", "CLIENT_ID", "CLIENT_SECRET")
            )
            for source, shop in self._shop_secrets
            if source == "shopify"
        }
        return {
            shop: (url, token, client_id, client_secret)
            for shop, (url, token, client_id, client_secret) in found.items()
            if url and (token or (client_id and client_secret))
        }

    def import_statuses(self) -> dict[str, frozenset[str]]:
        return {
            "woocommerce": frozenset(names(self.woocommerce_import_statuses)),
            "shopify": frozenset(names(self.shopify_import_statuses)),
            portal.SOURCE: frozenset({"placed"}),
        }


def names(listed: str) -> list[str]:
    return [name.strip() for name in listed.split(",") if name.strip()]


def _https_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def shop_setting(source: str, kind: str, shop: str) -> str:
    """The per-shop setting name: KOPPEL_<CHANNEL>_<KIND>_<SHOP>, shop in upper case with '-' as '_'."""
    return f"KOPPEL_{source.upper()}_{kind}_" + shop.upper().replace("-", "_")


@cache
def settings() -> Settings:
    return Settings()
