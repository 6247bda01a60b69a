"""The shops and payment accounts Koppel serves, and the settings it reads per shop or account by name
(`KOPPEL_<CHANNEL>_<KIND>_<SHOP>`), each listed in PER_SHOP_SETTINGS with its default and meaning."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from domain.catalog.availability import DisplayMode
from domain.catalog.listing import DEFAULT_OWNED, ListingPolicy
from domain.orders.mapping import portal
from domain.payments.accounts import PaymentAccount
from integrations.app_settings import AppSettings, refuse_unresolved, unresolved_reference

SHOP_NAME = re.compile(r"[A-Za-z0-9_-]{1,60}")
CHANNELS = ("woocommerce", "shopify")
PROVIDERS = ("mollie", "stripe")
CARRIER_PLATFORMS = ("sendcloud",)
ACCOUNT_SOURCES = (*PROVIDERS, *CARRIER_PLATFORMS)
"""The sources whose per-name settings are per account (payment providers, carrier platforms), not per shop."""


@dataclass(frozen=True)
class PerShopSetting:
    """One kind of setting read per shop (or payment account): `KOPPEL_<SOURCE>_<KIND>_<SHOP>`."""

    sources: tuple[str, ...]
    default: str
    description: str
    secret: bool = False


def _listing(default: str, description: str) -> PerShopSetting:
    return PerShopSetting(CHANNELS, default, description)


PER_SHOP_SETTINGS: dict[str, PerShopSetting] = {
    "SECRET": PerShopSetting(
        CHANNELS,
        "",
        "The shop's webhook secret: WooCommerce's, as set on its webhooks; Shopify's app client secret that signs "
        "`X-Shopify-Hmac-Sha256`. A listed shop without a non-empty secret is unknown (404).",
        secret=True,
    ),
    "PREFIX": PerShopSetting(
        (*CHANNELS, portal.SOURCE),
        "",
        "Put before the shop's order numbers in `externalDocumentNumber`, for several shops in one BC company "
        f"(`A-1001`, `B-1001`); the portal's is `KOPPEL_PORTAL_PREFIX_{portal.SHOP.upper()}`.",
    ),
    "URL": PerShopSetting(
        CHANNELS,
        "",
        "The shop's site URL (Shopify: `https://<shop>.myshopify.com`); with the shop's API credentials, recovery "
        "polls the shop and the catalog run writes to it.",
    ),
    "KEY": PerShopSetting(("woocommerce",), "", "The WooCommerce REST API consumer key."),
    "API_SECRET": PerShopSetting(
        ("woocommerce",),
        "",
        "The WooCommerce REST API consumer secret; with URL and KEY set, recovery and the catalog run use the shop.",
        secret=True,
    ),
    "KEY_IN_QUERY": PerShopSetting(
        ("woocommerce",),
        "false",
        "`true`: send the REST key as `consumer_key` / `consumer_secret` query parameters instead of HTTP Basic, for "
        "a site whose server or proxy strips the Authorization header. Only over an `https://` URL (the settings "
        "refuse to load otherwise); the key then shows in the site's access logs.",
    ),
    "CLIENT_ID": PerShopSetting(
        ("shopify",),
        "",
        "An app made in the Dev Dashboard: its client ID; Koppel gets its Admin API token with the client "
        "credentials grant (renewed 5 minutes before it expires and after a 401).",
    ),
    "CLIENT_SECRET": PerShopSetting(
        ("shopify",), "", "That app's client secret (usually the same value as SECRET).", secret=True
    ),
    "TOKEN": PerShopSetting(
        ("shopify",),
        "",
        "Instead of CLIENT_ID and CLIENT_SECRET: the Admin API token (`shpat_...`) of a custom app made in the "
        "Shopify admin before 2026; when both are set the client credentials win.",
        secret=True,
    ),
    "STOCK_DISPLAY": _listing(
        DisplayMode.EXACT_QUANTITY.value,
        "How the shop shows stock: `hidden`, `in_stock_or_not`, `exact_quantity` or `quantity_with_date`.",
    ),
    "SAFETY_STOCK": _listing("0", "Quantity held back from the shop per item."),
    "LOCATIONS": _listing("", "Comma-separated BC location codes the shop sells from; empty: every location."),
    "CAMPAIGNS": _listing("", "BC campaigns whose prices the shop shows as sale prices."),
    "BC_OWNS": _listing(
        ",".join(sorted(DEFAULT_OWNED)),
        "The product fields BC owns in the shop; the rest (descriptions, images, SEO) is never written; add "
        "`category` to let BC's item categories set the shop's (WooCommerce: the category of that name; Shopify: "
        "the product type).",
    ),
    "PRICES_INCLUDE_VAT": _listing("true", "`true` or `false`: whether the shop's prices include VAT."),
    "SHOP": PerShopSetting(
        PROVIDERS,
        "",
        "The shop whose orders the account's payments pay, e.g. `woocommerce:shop-a`; an account without a "
        "configured shop is not served.",
    ),
    "WEBHOOK_SECRET": PerShopSetting(
        ACCOUNT_SOURCES,
        "",
        "Stripe's endpoint secret `whsec_...` (required for Stripe); Mollie's next-gen signing secret; Sendcloud's "
        "key that signs `Sendcloud-Signature` (the integration's Secret Key or its Webhook Signature Key, by "
        "integration type; required: a Sendcloud account without it is unknown, 404).",
        secret=True,
    ),
    "API_KEY": PerShopSetting(PROVIDERS, "", "The key Koppel reads the account's payments with.", secret=True),
}


def shop_setting(source: str, kind: str, shop: str) -> str:
    """The per-shop setting name: KOPPEL_<CHANNEL>_<KIND>_<SHOP>, shop in upper case with '-' as '_'; ValueError
    for a kind PER_SHOP_SETTINGS does not list for the source."""
    listed = PER_SHOP_SETTINGS.get(kind)
    if listed is None or source not in listed.sources:
        raise ValueError(f"KOPPEL_{source.upper()}_{kind}_<name> is not in PER_SHOP_SETTINGS")
    return f"KOPPEL_{source.upper()}_{kind}_" + shop.upper().replace("-", "_")


def shop_value(source: str, kind: str, shop: str) -> str:
    """The per-shop setting from the environment, or its default."""
    return os.environ.get(shop_setting(source, kind, shop), PER_SHOP_SETTINGS[kind].default)


def true_or_false(name: str, value: str) -> bool:
    """A yes-or-no setting: `true` or `false` (any case, spaces around ignored); ValueError naming it otherwise."""
    flag = value.strip().lower()
    if flag not in ("true", "false"):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return flag == "true"


def names(listed: str) -> list[str]:
    return [name.strip() for name in listed.split(",") if name.strip()]


class ShopSettings(AppSettings):
    """The shops and payment accounts, with what is read per shop or account."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore", use_attribute_docstrings=True)

    woocommerce_shops: str = Field("", validation_alias="KOPPEL_WOOCOMMERCE_SHOPS")
    """Comma-separated WooCommerce shop names: each is a webhook URL /api/webhooks/woocommerce/{shop}."""
    shopify_shops: str = Field("", validation_alias="KOPPEL_SHOPIFY_SHOPS")
    """Comma-separated Shopify shop names: each is a webhook URL /api/webhooks/shopify/{shop}."""
    mollie_accounts: str = Field("", validation_alias="KOPPEL_MOLLIE_ACCOUNTS")
    """Comma-separated Mollie account names: each is a webhook URL /api/webhooks/mollie/{account}."""
    stripe_accounts: str = Field("", validation_alias="KOPPEL_STRIPE_ACCOUNTS")
    """Comma-separated Stripe account names: each is a webhook URL /api/webhooks/stripe/{account}."""
    sendcloud_accounts: str = Field("", validation_alias="KOPPEL_SENDCLOUD_ACCOUNTS")
    """Comma-separated Sendcloud account (integration) names: each is a webhook URL /api/webhooks/sendcloud/{account}
    for the integration's parcel_status_changed webhooks."""
    portal_secret: SecretStr = Field(SecretStr(""), validation_alias="KOPPEL_PORTAL_SECRET")
    """The portal's Standard Webhooks secret (`whsec_...`); without it the portal endpoint answers 404."""

    @field_validator("woocommerce_shops", "shopify_shops", "mollie_accounts", "stripe_accounts", "sendcloud_accounts")
    @classmethod
    def _shop_names_are_keys(cls, value: str) -> str:
        """Shop names end up in URLs and storage keys."""
        for name in names(value):
            if not SHOP_NAME.fullmatch(name):
                raise ValueError(f"shop name {name!r} may hold only letters, digits, '-' and '_' (60 at most)")
        return value

    @model_validator(mode="after")
    def _per_shop_key_vault_references_resolved(self) -> ShopSettings:
        """The per-shop settings are read by name, not as fields: at start, as AppSettings checks the fields."""
        refuse_unresolved(name for name in self._per_shop_names() if unresolved_reference(os.environ.get(name)))
        return self

    def _per_shop_names(self) -> Iterator[str]:
        """Every setting of PER_SHOP_SETTINGS of each listed shop and account, and of the portal."""
        listed = {
            "woocommerce": names(self.woocommerce_shops),
            "shopify": names(self.shopify_shops),
            "mollie": names(self.mollie_accounts),
            "stripe": names(self.stripe_accounts),
            "sendcloud": names(self.sendcloud_accounts),
            portal.SOURCE: [portal.SHOP],
        }
        for source, shops in listed.items():
            for kind, setting in PER_SHOP_SETTINGS.items():
                if source in setting.sources:
                    yield from (shop_setting(source, kind, shop) for shop in shops)

    @model_validator(mode="after")
    def _woocommerce_key_in_query_over_https(self) -> ShopSettings:
        """WooCommerce reads the REST key only over HTTPS (`is_ssl()`): in the query of a plain HTTP URL it would
        travel in clear and be refused. Only a site on this machine (the simulator) is taken over HTTP."""
        for shop, (url, _, _) in self.woocommerce_rest().items():
            if self.woocommerce_key_in_query(shop) and not _https_or_loopback(url):
                raise ValueError(
                    f"{shop_setting('woocommerce', 'KEY_IN_QUERY', shop)}=true needs an https:// "
                    f"{shop_setting('woocommerce', 'URL', shop)}, not {url}"
                )
        return self

    @cached_property
    def _shop_secrets(self) -> dict[tuple[str, str], str]:
        """(channel, shop) of each configured shop with a non-empty secret: an empty HMAC key would let anyone sign."""
        listed = {"woocommerce": self.woocommerce_shops, "shopify": self.shopify_shops}
        secrets = {
            (source, shop): shop_value(source, "SECRET", shop)
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
        configured: dict[tuple[str, str], PaymentAccount] = {}
        for provider, accounts in listed.items():
            for account in names(accounts):
                source, _, shop = shop_value(provider, "SHOP", account).partition(":")
                if (source, shop) in self._shop_secrets:
                    secret = shop_value(provider, "WEBHOOK_SECRET", account)
                    configured[(provider, account)] = PaymentAccount(
                        provider=provider, account=account, source=source, shop=shop, webhook_secret=secret
                    )
        return configured

    def carrier_accounts(self) -> dict[tuple[str, str], str]:
        """Per (platform, account) listed in KOPPEL_SENDCLOUD_ACCOUNTS with a non-empty
        KOPPEL_SENDCLOUD_WEBHOOK_SECRET_<ACCOUNT>: that secret (an empty HMAC key would let anyone sign)."""
        listed = {"sendcloud": self.sendcloud_accounts}
        secrets = {
            (platform, account): shop_value(platform, "WEBHOOK_SECRET", account)
            for platform, accounts in listed.items()
            for account in names(accounts)
        }
        return {where: secret for where, secret in secrets.items() if secret}

    def payment_api_key(self, provider: str, account: str) -> str:
        """KOPPEL_<PROVIDER>_API_KEY_<ACCOUNT>: the key Koppel reads payments with (secret: Key Vault)."""
        return shop_value(provider, "API_KEY", account)

    def document_prefixes(self) -> dict[str, str]:
        """Per shop, KOPPEL_<CHANNEL>_PREFIX_<SHOP>: put before web order numbers when shops share a company."""
        return {f"{source}:{shop}": shop_value(source, "PREFIX", shop) for source, shop in self._shop_secrets}

    def woocommerce_rest(self) -> dict[str, tuple[str, str, str]]:
        """Per shop with KOPPEL_WOOCOMMERCE_URL_/KEY_/API_SECRET_<SHOP> all set: (site URL, consumer key, secret)."""
        settings = {
            shop: tuple(shop_value("woocommerce", kind, shop) for kind in ("URL", "KEY", "API_SECRET"))
            for source, shop in self._shop_secrets
            if source == "woocommerce"
        }
        return {shop: (url, key, secret) for shop, (url, key, secret) in settings.items() if url and key and secret}

    def woocommerce_key_in_query(self, shop: str) -> bool:
        """KOPPEL_WOOCOMMERCE_KEY_IN_QUERY_<SHOP>=true: send the REST key as query parameters (over HTTPS), for a
        site whose server or proxy strips the Authorization header; HTTP Basic otherwise."""
        return shop_value("woocommerce", "KEY_IN_QUERY", shop).strip().lower() == "true"

    def listing_policy(self, source: str, shop: str) -> ListingPolicy:
        """A shop's catalog choices, from KOPPEL_<CHANNEL>_<KIND>_<SHOP>: STOCK_DISPLAY, SAFETY_STOCK, LOCATIONS,
        CAMPAIGNS, BC_OWNS and PRICES_INCLUDE_VAT; ValueError when one is invalid."""

        def setting(kind: str) -> str:
            return shop_value(source, kind, shop)

        return ListingPolicy.model_validate(
            {
                "stock": {
                    "display": setting("STOCK_DISPLAY").strip(),
                    "safety_stock": setting("SAFETY_STOCK").strip(),
                    "locations": names(setting("LOCATIONS")),
                },
                "prices_include_vat": true_or_false(
                    shop_setting(source, "PRICES_INCLUDE_VAT", shop), setting("PRICES_INCLUDE_VAT")
                ),
                "campaigns": names(setting("CAMPAIGNS")),
                "owned": names(setting("BC_OWNS")),
            }
        )

    def shopify_rest(self) -> dict[str, tuple[str, str, str, str]]:
        """Per shop with KOPPEL_SHOPIFY_URL_<SHOP> and either KOPPEL_SHOPIFY_CLIENT_ID_/_CLIENT_SECRET_<SHOP> (an app
        made in the Dev Dashboard) or KOPPEL_SHOPIFY_TOKEN_<SHOP> (a custom app's Admin API token) set: (shop URL,
        token, client id, client secret)."""
        settings = {
            shop: tuple(shop_value("shopify", kind, shop) for kind in ("URL", "TOKEN", "CLIENT_ID", "CLIENT_SECRET"))
            for source, shop in self._shop_secrets
            if source == "shopify"
        }
        return {
            shop: (url, token, client_id, client_secret)
            for shop, (url, token, client_id, client_secret) in settings.items()
            if url and (token or (client_id and client_secret))
        }


def _https_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
