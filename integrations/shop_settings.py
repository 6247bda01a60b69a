"""The shops and payment accounts Koppel serves, with what it reads per shop or account (the per-name settings
of integrations/per_shop_settings.py)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from functools import cached_property
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from domain.catalog.listing import ListingPolicy
from domain.orders.mapping import portal
from domain.payments.accounts import PaymentAccount
from integrations.app_settings import AppSettings, refuse_unresolved, unresolved_reference
from integrations.per_shop_settings import (
    CHANNELS,
    PER_SHOP_SETTINGS,
    SHOP_NAME,
    names,
    shop_setting,
    shop_value,
    true_or_false,
)

REFUND_ORIGINS = ("shop", "bc")
CREDIT_MODES = ("draft", "post", "off")


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

    def refunds_from_bc(self) -> frozenset[tuple[str, str]]:
        """The (source, shop) of every shop whose KOPPEL_<CHANNEL>_REFUND_ORIGIN_<SHOP> is `bc`; ValueError for a
        value other than `shop` or `bc`. The portal has none: its orders are paid on account."""
        origins = {
            (source, shop): shop_value(source, "REFUND_ORIGIN", shop).strip().lower()
            for source, shop in self._shop_secrets
            if source in CHANNELS
        }
        wrong = sorted(
            f"{source}:{shop}={origin}" for (source, shop), origin in origins.items() if origin not in REFUND_ORIGINS
        )
        if wrong:
            raise ValueError(f"a refund origin is `shop` or `bc`, not: {', '.join(wrong)}")
        return frozenset(where for where, origin in origins.items() if origin == "bc")

    def shop_refund_credit_memos(self) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
        """The (source, shop) of the shops whose refunds Koppel credits in BC (refund origin `shop`, CREDIT_MEMOS
        `draft` or `post`), and those of them whose credit memos it posts; ValueError for a value not listed."""
        from_bc = self.refunds_from_bc()
        modes = {
            (source, shop): shop_value(source, "CREDIT_MEMOS", shop).strip().lower()
            for source, shop in self._shop_secrets
            if source in CHANNELS and (source, shop) not in from_bc
        }
        wrong = sorted(f"{source}:{shop}={mode}" for (source, shop), mode in modes.items() if mode not in CREDIT_MODES)
        if wrong:
            raise ValueError(f"CREDIT_MEMOS is `draft`, `post` or `off`, not: {', '.join(wrong)}")
        credited = frozenset(where for where, mode in modes.items() if mode != "off")
        return credited, frozenset(where for where, mode in modes.items() if mode == "post")

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
