"""The orders' wiring: the intakes (orders, payments, BC notifications), the order worker's sync, the recovery
timer and the shops' order feeds it polls."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from domain.intake.ingest_webhook import Intake
from domain.orders.import_policy import ImportPolicy
from domain.orders.ports import ShopOrderFeed
from domain.orders.recover_orders import OrderRecovery
from domain.orders.rules.controls import ControlPolicy
from domain.orders.worker import OrderSync
from domain.payments.accounts import PaymentAccount
from domain.ports import WorkQueue
from functions.wiring import log
from functions.wiring.adapters import Adapters
from functions.wiring.refunds import shop_refund_notes
from integrations.businesscentral.api import BusinessCentralApi
from integrations.businesscentral.price_lists import BusinessCentralPriceLists
from integrations.settings import Settings, names
from integrations.shops.shopify.orders import ShopifyOrderFeed
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.orders import WooCommerceOrderFeed


def intake(adapters: Adapters, queue: WorkQueue) -> Intake:
    """Intake into the event log, queueing to `queue`."""
    return Intake(events=adapters.events, queue=queue, clock=adapters.clock)


def order_sync(
    adapters: Adapters, payment_accounts: Mapping[tuple[str, str], PaymentAccount], payment_intake: Intake
) -> OrderSync:
    config = adapters.config
    return OrderSync(
        events=adapters.events,
        orders=adapters.orders,
        attention=adapters.attention,
        queue=adapters.order_queue,
        bc=BusinessCentralApi(
            adapters.bc,
            release_api_url=config.bc_release_url,
            new_customer_fields=config.new_customer_fields,
            customer_cards_url=_customer_cards_url(config),
        ),
        customers=adapters.customer_bindings,
        clock=adapters.clock,
        policy=_import_policy(config, payment_accounts),
        prices=_price_lists(adapters),
        payments=adapters.payments,
        unpaid=adapters.unpaid,
        payment_intake=payment_intake,
        refund_notes=shop_refund_notes(adapters),
    )


def order_recovery(adapters: Adapters, order_intake: Intake) -> OrderRecovery:
    return OrderRecovery(
        intake=order_intake,
        orders=adapters.orders,
        state=adapters.sync_state,
        first_lookback=timedelta(hours=adapters.config.recovery_first_lookback_hours),
    )


def order_feeds(adapters: Adapters) -> dict[tuple[str, str], ShopOrderFeed]:
    """Per WooCommerce shop with REST credentials and per Shopify shop with Admin API access."""
    config = adapters.config
    feeds: dict[tuple[str, str], ShopOrderFeed] = {
        ("woocommerce", shop): WooCommerceOrderFeed(
            WooCommerceClient(
                adapters.order_feed_http, url, key, secret, key_in_query=config.woocommerce_key_in_query(shop)
            )
        )
        for shop, (url, key, secret) in config.woocommerce_rest().items()
    }
    feeds |= {("shopify", shop): ShopifyOrderFeed(client) for shop, client in adapters.shopify_clients.items()}
    return feeds


def _customer_cards_url(config: Settings) -> str | None:
    """Page 21 "Customer Card" as published, for finding customers by VAT number; None (said once) without it."""
    url = config.bc_web_service_url(config.bc_customer_card_service)
    if url is None:
        log.info(
            'customers are not looked up by VAT number: set KOPPEL_BC_CUSTOMER_CARD_SERVICE (page 21 "Customer Card" '
            "published as a web service) and KOPPEL_BC_COMPANY_NAME"
        )
    return url


def _price_lists(adapters: Adapters) -> BusinessCentralPriceLists | None:
    config = adapters.config
    price_lines = config.bc_web_service_url(config.bc_price_list_service)
    customers = config.bc_web_service_url(config.bc_customer_service)
    if price_lines is None or customers is None:
        return None
    return BusinessCentralPriceLists(adapters.bc, price_lines, customers)


def _import_policy(config: Settings, accounts: Mapping[tuple[str, str], PaymentAccount]) -> ImportPolicy:
    payment_accounts: dict[str, tuple[PaymentAccount, ...]] = {}
    for account in accounts.values():
        shop = f"{account.source}:{account.shop}"
        payment_accounts[shop] = (*payment_accounts.get(shop, ()), account)
    return ImportPolicy(
        payment_accounts=payment_accounts,
        accounts=config.charge_accounts(),
        local_currency=config.local_currency,
        default_customer_number=config.default_customer_number or None,
        document_prefixes=config.document_prefixes(),
        import_statuses=config.import_statuses(),
        controls=ControlPolicy(
            price_tolerance_percent=config.price_tolerance_percent,
            totals_tolerance=config.totals_tolerance,
            company_country=config.company_country,
            prepayment_channels=frozenset(names(config.prepayment_channels)),
            on_account_methods=frozenset(names(config.on_account_methods)),
            local_currency=config.local_currency,
        ),
    )
