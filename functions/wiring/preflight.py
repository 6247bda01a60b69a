"""The preflight's wiring: BC's checks with the process's BC client, the shops' keys and webhooks, the payment
accounts' keys, Koppel's own storage."""

from __future__ import annotations

import os
from collections.abc import Mapping

from domain.preflight import PreflightChecks
from functions.wiring.adapters import Adapters
from integrations.preflight.business_central import BusinessCentralPreflight
from integrations.preflight.payments import PaymentPreflight
from integrations.preflight.shops import ShopPreflight
from integrations.preflight.storage import StoragePreflight
from integrations.preflight.webhooks import WebhookPreflight
from integrations.settings import Settings


def public_url(config: Settings, environ: Mapping[str, str]) -> str:
    """KOPPEL_PUBLIC_URL, else `https://` + WEBSITE_HOSTNAME (Azure sets it to the app's default host name); empty
    when neither is set."""
    if config.public_url:
        return config.public_url.rstrip("/")
    host = environ.get("WEBSITE_HOSTNAME", "").strip()
    return f"https://{host}" if host else ""


def preflight_checks(adapters: Adapters) -> tuple[PreflightChecks, ...]:
    config = adapters.config
    api_urls = {"mollie": config.mollie_api_url, "stripe": config.stripe_api_url}
    accounts = list(config.payment_accounts().values())
    payments = PaymentPreflight(
        adapters.payment_http,
        api_urls,
        lambda account: config.payment_api_key(account.provider, account.account),
        accounts,
    )
    woocommerce = adapters.woocommerce_clients
    shops = ShopPreflight(woocommerce, adapters.shopify_clients)
    webhooks = WebhookPreflight(public_url(config, os.environ), woocommerce, adapters.shopify_clients)
    bc = BusinessCentralPreflight(adapters.bc, config)
    return (bc, shops, webhooks, payments, StoragePreflight(config.storage))
