"""The preflight's wiring: BC's checks with the process's BC client, the shops' keys, the payment accounts' keys."""

from __future__ import annotations

from domain.preflight import PreflightChecks
from functions.wiring.adapters import Adapters
from integrations.preflight.business_central import BusinessCentralPreflight
from integrations.preflight.payments import PaymentPreflight
from integrations.preflight.shops import ShopPreflight
from integrations.shops.woocommerce.client import WooCommerceClient


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
    woocommerce = {
        shop: WooCommerceClient(
            adapters.shop_http, url, key, secret, key_in_query=config.woocommerce_key_in_query(shop)
        )
        for shop, (url, key, secret) in config.woocommerce_rest().items()
    }
    shops = ShopPreflight(woocommerce, adapters.shopify_clients)
    return (BusinessCentralPreflight(adapters.bc, config), shops, payments)
