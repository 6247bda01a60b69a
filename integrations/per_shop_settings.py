"""The settings Koppel reads per shop or account by name (`KOPPEL_<CHANNEL>_<KIND>_<SHOP>`), each listed in
PER_SHOP_SETTINGS with its default and meaning; integrations/shop_settings.py lists the shops and reads them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from domain.catalog.availability import DisplayMode
from domain.catalog.listing import DEFAULT_OWNED
from domain.orders.mapping import portal

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
    "SHIPPED_STATUS": PerShopSetting(
        ("woocommerce",),
        "completed",
        "The status a WooCommerce order gets once BC has shipped all of it (`completed` sends WooCommerce's "
        "Completed order e-mail); empty: Koppel leaves the status alone. A partial shipment never changes it.",
    ),
    "TRACKING": PerShopSetting(
        ("woocommerce",),
        "",
        "`shipment-tracking`: the shop has WooCommerce's Shipment Tracking extension and Koppel adds each tracking "
        "number there; empty: Koppel adds it as a customer note (WooCommerce e-mails the customer each note). "
        "zorem's Advanced Shipment Tracking answers on the same route with other rules: not supported.",
    ),
    "TRACKING_PROVIDERS": PerShopSetting(
        ("woocommerce",),
        "",
        "BC shipping agent codes and the provider names the shop's Shipment Tracking lists for them, "
        "`POSTNL=PostNL,DPD=DPD.NL`: the extension then builds the link and the customer reads that name; an agent "
        "not listed goes as a custom provider (its code) with BC's tracking link.",
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
    "CARRIERS": PerShopSetting(
        ("shopify",),
        "",
        "BC shipping agent codes as Shopify's tracking companies, e.g. `POSTNL=PostNL,DHL=DHL Parcel`: Shopify "
        "builds tracking links for the names in its list, spelled exactly (capitals matter); an agent not named "
        "here is sent as its code.",
    ),
    "REFUND_ORIGIN": PerShopSetting(
        CHANNELS,
        "shop",
        "Where the shop's refunds start, one origin per shop so a customer is never paid back twice: `shop` (the "
        "shop owner refunds in the shop, which refunds at the payment provider; Koppel books that refund against "
        "BC's credit memo) or `bc` (a return is handled in BC: Koppel refunds each posted credit memo of a web "
        "order at the provider that took the payment, then records the refund in the shop without moving money).",
    ),
    "CREDIT_MEMOS": PerShopSetting(
        CHANNELS,
        "draft",
        "With refund origin `shop`: what Koppel does with each refund made in the shop: `draft` (a BC sales credit "
        "memo for it, left as a draft for a person to check and post), `post` (the credit memo posted by Koppel "
        "when its total is the refund's) or `off` (none: a person makes it).",
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
