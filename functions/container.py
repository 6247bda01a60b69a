"""Builds the adapters from settings once per worker process and hands the services their ports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache, partial
from zoneinfo import ZoneInfo

import httpx

from domain.booking.book_payments import PaymentBooking
from domain.catalog.sync_catalog import CatalogSync, sync_catalog
from domain.intake.ingest_webhook import Intake
from domain.invoices.bc_notifications import NotificationWork
from domain.invoices.keep_subscriptions import SubscriptionKeeping, keep_subscriptions
from domain.invoices.track_invoices import InvoiceTracking
from domain.orders.mapping.business_central import ChargeAccounts
from domain.orders.recover_orders import OrderRecovery
from domain.orders.rules.controls import ControlPolicy
from domain.orders.sync_order import ImportPolicy, OrderSync
from domain.payments.accounts import PaymentAccount
from domain.payments.sync_payment import PaymentSync
from domain.portal.publish_catalog import PortalCatalogRun, publish_portal_catalog
from domain.portal.quote_prices import PortalPrices
from domain.ports import ChannelCatalog, ShopOrderFeed
from domain.records import SyncRun
from integrations.businesscentral.api import BusinessCentralApi
from integrations.businesscentral.catalog import BusinessCentralCatalog
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.credit_memos import BusinessCentralCreditMemos
from integrations.businesscentral.customer_terms import BusinessCentralPortalSource
from integrations.businesscentral.invoices import BusinessCentralInvoices
from integrations.businesscentral.payment_journal import BusinessCentralPaymentJournal
from integrations.businesscentral.price_lists import BusinessCentralPriceLists
from integrations.businesscentral.refund_journal import BusinessCentralRefundJournal
from integrations.businesscentral.stock import BusinessCentralStock
from integrations.businesscentral.subscriptions import BusinessCentralSubscriptions
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.businesscentral.vat import BusinessCentralVat
from integrations.payments.readers import mollie_reader, stripe_reader
from integrations.payments.stripe_events import StripeSignatures
from integrations.settings import Settings, names, settings
from integrations.shops.shopify import ShopifyOrderFeed
from integrations.shops.shopify_admin import ShopifyAdmin, access_token
from integrations.shops.shopify_catalog import ShopifyCatalog
from integrations.shops.woocommerce import WooCommerceOrderFeed
from integrations.shops.woocommerce_catalog import WooCommerceCatalog
from integrations.storage.account import BC_NOTIFICATIONS_QUEUE, PAYMENTS_QUEUE, StorageAccount
from integrations.storage.attention_list import TableAttentionList
from integrations.storage.customer_bindings import TableCustomerBindings
from integrations.storage.event_log import TableEventLog
from integrations.storage.order_queue import StorageOrderQueue
from integrations.storage.order_store import TableOrderStore
from integrations.storage.payment_store import TablePaymentStore
from integrations.storage.portal_catalog import TablePortalCatalog
from integrations.storage.pushed_listings import TablePushedListings
from integrations.storage.sync_runs import TableSyncRuns
from integrations.storage.sync_state import TableSyncState
from integrations.storage.unpaid_orders import TableUnpaidOrders

log = logging.getLogger(__name__)
PORTAL_CATALOG_RUN = "portal-catalog"


class SystemClock:
    """The time now in `zone`: UTC for records; the company's time zone where the date matters (prices are valid
    from a day, a campaign ends on one)."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        self._zone = zone

    def now(self) -> datetime:
        return datetime.now(self._zone)


@dataclass(frozen=True)
class Container:
    settings: Settings
    intake: Intake
    payment_intake: Intake
    """As `intake`, but queues to `payments`: the events of payment webhooks, keyed by provider:account:payment."""
    payment_accounts: dict[tuple[str, str], PaymentAccount]
    stripe_events: StripeSignatures
    payment_sync: PaymentSync
    order_sync: OrderSync
    recovery: OrderRecovery
    order_feeds: dict[tuple[str, str], ShopOrderFeed]
    catalog_syncs: dict[str, CatalogSync]
    """One catalog run per shop whose catalog Koppel writes, by run name."""
    portal_catalog: PortalCatalogRun | None
    """The run that keeps the portal's catalog; None when BC's pages are not published or its settings are invalid."""
    portal_prices: PortalPrices | None
    sync_runs: TableSyncRuns
    invoice_tracking: InvoiceTracking
    bc_notification_intake: Intake
    """As `intake`, but queues to `bc-notifications`: BC's webhook notifications, logged per day."""
    bc_notifications: NotificationWork
    payment_booking: PaymentBooking | None
    """Books matched payments in BC; None without a payment journal (KOPPEL_BC_PAYMENT_JOURNAL)."""
    subscription_keeping: SubscriptionKeeping | None
    """Keeps BC's webhook subscriptions alive; None without a notification URL (invoices are then polled only)."""

    def named_runs(self) -> dict[str, Callable[[], SyncRun]]:
        """Every timed run ops may look at or start now, by name."""
        runs: dict[str, Callable[[], SyncRun]] = {
            name: partial(sync_catalog, sync) for name, sync in self.catalog_syncs.items()
        }
        if self.portal_catalog is not None:
            runs[self.portal_catalog.name] = partial(publish_portal_catalog, self.portal_catalog)
        if self.subscription_keeping is not None:
            runs[self.subscription_keeping.name] = partial(keep_subscriptions, self.subscription_keeping)
        return runs


@cache
def container() -> Container:
    config = settings()
    account = StorageAccount(config.storage_connection.get_secret_value())
    clock = SystemClock()
    events = TableEventLog(account)
    queue = StorageOrderQueue(account)
    intake = Intake(events=events, queue=queue, clock=clock)
    orders = TableOrderStore(account)
    bc = _bc_client(config)
    company_clock = SystemClock(ZoneInfo(config.time_zone))
    portal_catalog, portal_prices = _portal(config, account, bc, company_clock)
    invoice_tracking = InvoiceTracking(
        invoices=BusinessCentralInvoices(bc),
        orders=orders,
        state=TableSyncState(account),
        clock=clock,
        credit_memos=BusinessCentralCreditMemos(bc),
    )
    payment_intake = Intake(events=events, queue=StorageOrderQueue(account, PAYMENTS_QUEUE), clock=clock)
    shopify = _shopify_admins(config)
    return Container(
        settings=config,
        intake=intake,
        payment_intake=payment_intake,
        payment_accounts=config.payment_accounts(),
        stripe_events=StripeSignatures(),
        payment_sync=_payment_sync(config, account, events=events, orders=orders, order_queue=queue, clock=clock),
        recovery=OrderRecovery(
            intake=intake,
            orders=orders,
            state=TableSyncState(account),
            first_lookback=timedelta(hours=config.recovery_first_lookback_hours),
        ),
        order_feeds=_order_feeds(config, shopify),
        catalog_syncs=_catalog_syncs(config, account, bc, company_clock, shopify),
        portal_catalog=portal_catalog,
        portal_prices=portal_prices,
        sync_runs=TableSyncRuns(account),
        invoice_tracking=invoice_tracking,
        bc_notification_intake=Intake(
            events=events, queue=StorageOrderQueue(account, BC_NOTIFICATIONS_QUEUE), clock=clock
        ),
        bc_notifications=NotificationWork(events=events, tracking=invoice_tracking, company_id=config.bc_company_id),
        subscription_keeping=_subscription_keeping(config, account, bc, clock),
        payment_booking=_payment_booking(config, account, bc, invoice_tracking, clock),
        order_sync=OrderSync(
            events=events,
            orders=orders,
            attention=TableAttentionList(account),
            queue=queue,
            bc=BusinessCentralApi(
                bc,
                release_api_url=config.bc_release_url,
                new_customer_fields=config.new_customer_fields,
                customer_cards_url=_customer_cards_url(config),
            ),
            customers=TableCustomerBindings(account),
            clock=clock,
            policy=_import_policy(config),
            prices=_price_lists(config, bc),
            payments=TablePaymentStore(account),
            unpaid=TableUnpaidOrders(account),
            payment_intake=payment_intake,
        ),
    )


def _customer_cards_url(config: Settings) -> str | None:
    """Page 21 "Customer Card" as published, for finding customers by VAT number; None (said once) without it."""
    url = config.bc_web_service_url(config.bc_customer_card_service)
    if url is None:
        log.info(
            'customers are not looked up by VAT number: set KOPPEL_BC_CUSTOMER_CARD_SERVICE (page 21 "Customer Card" '
            "published as a web service) and KOPPEL_BC_COMPANY_NAME"
        )
    return url


def _payment_booking(
    config: Settings,
    account: StorageAccount,
    bc: BusinessCentralClient,
    tracking: InvoiceTracking,
    clock: SystemClock,
) -> PaymentBooking | None:
    if not config.bc_payment_journal:
        log.info("payments are matched, not booked in BC: KOPPEL_BC_PAYMENT_JOURNAL is not set")
        return None
    journal = BusinessCentralPaymentJournal(bc, config.bc_payment_journal)
    refund_url = config.bc_refund_url
    return PaymentBooking(
        tracking=tracking,
        journal=journal,
        payments=TablePaymentStore(account),
        orders=tracking.orders,
        runs=TableSyncRuns(account),
        clock=clock,
        local_currency=config.local_currency,
        batch=config.booking_batch,
        refunds=BusinessCentralRefundJournal(bc, refund_url, journal) if refund_url else None,
        credit_memo_wait=timedelta(days=config.refund_credit_memo_wait_days),
    )


def _subscription_keeping(
    config: Settings, account: StorageAccount, bc: BusinessCentralClient, clock: SystemClock
) -> SubscriptionKeeping | None:
    """The keeper of BC's webhook subscriptions, when Koppel has a notification URL and a client state for them."""
    if not config.bc_notification_url.get_secret_value():
        log.info("no BC webhook subscription kept (KOPPEL_BC_NOTIFICATION_URL not set): invoices are polled only")
        return None
    if not config.bc_webhook_client_state.get_secret_value():
        log.error("no BC webhook subscription kept: KOPPEL_BC_WEBHOOK_CLIENT_STATE is not set")
        return None
    return SubscriptionKeeping(
        subscriptions=BusinessCentralSubscriptions(bc),
        state=TableSyncState(account),
        runs=TableSyncRuns(account),
        clock=clock,
        company_id=config.bc_company_id,
        entity_sets=tuple(names(config.bc_subscription_resources)),
        notification_url=config.bc_notification_url,
        client_state=config.bc_webhook_client_state,
        renew_within=timedelta(hours=config.bc_subscription_renew_hours),
    )


def _catalog_syncs(
    config: Settings,
    account: StorageAccount,
    bc: BusinessCentralClient,
    clock: SystemClock,
    shopify: dict[str, ShopifyAdmin],
) -> dict[str, CatalogSync]:
    """A run per WooCommerce shop with REST credentials and per Shopify shop with Admin API access, when BC's
    catalog pages are published."""
    source = _bc_catalog(config, bc)
    if source is None:
        return {}
    http = httpx.Client(timeout=120)
    channels: dict[tuple[str, str], ChannelCatalog] = {
        ("woocommerce", shop): WooCommerceCatalog(
            http, url, key, secret, key_in_query=config.woocommerce_key_in_query(shop)
        )
        for shop, (url, key, secret) in config.woocommerce_rest().items()
    }
    channels |= {("shopify", shop): ShopifyCatalog(admin) for shop, admin in shopify.items()}
    syncs: dict[str, CatalogSync] = {}
    for (kind, shop), channel in channels.items():
        try:
            policy = config.listing_policy(kind, shop)
        except ValueError as error:
            log.error("catalog of %s shop %s not run: its catalog settings are invalid: %s", kind, shop, error)
            continue
        name = f"catalog-{kind}-{shop}"
        syncs[name] = CatalogSync(
            name=name,
            source=source,
            channel=channel,
            pushed=TablePushedListings(account, f"{kind}:{shop}"),
            runs=TableSyncRuns(account),
            clock=clock,
            policy=policy,
            state=TableSyncState(account),
        )
    return syncs


def _payment_sync(
    config: Settings,
    account: StorageAccount,
    *,
    events: TableEventLog,
    orders: TableOrderStore,
    order_queue: StorageOrderQueue,
    clock: SystemClock,
) -> PaymentSync:
    http = httpx.Client(timeout=30)

    def api_key(found: PaymentAccount) -> str:
        return config.payment_api_key(found.provider, found.account)

    return PaymentSync(
        events=events,
        accounts=config.payment_accounts(),
        readers={
            "mollie": mollie_reader(http, config.mollie_api_url, api_key),
            "stripe": stripe_reader(http, config.stripe_api_url, api_key),
        },
        payments=TablePaymentStore(account),
        orders=orders,
        queue=StorageOrderQueue(account, PAYMENTS_QUEUE),
        order_queue=order_queue,
        clock=clock,
        wait_for_order=timedelta(hours=config.payment_wait_hours),
        retry_every=timedelta(seconds=config.payment_retry_seconds),
        unpaid=TableUnpaidOrders(account),
        match_window=timedelta(hours=config.payment_match_window_hours),
    )


def _bc_catalog(config: Settings, bc: BusinessCentralClient) -> BusinessCentralCatalog | None:
    """BC's catalog, when the price list page, the stock query, the item units page, the item list and the VAT
    posting setup are published."""
    services = (
        config.bc_price_list_service,
        config.bc_stock_service,
        config.bc_item_units_service,
        config.bc_item_list_service,
        config.bc_vat_setup_service,
    )
    price_lines, stock, units, items, vat_setup = (config.bc_web_service_url(service) for service in services)
    if price_lines is None or stock is None or units is None or items is None or vat_setup is None:
        return None
    vat = BusinessCentralVat(bc, items, vat_setup, config.bc_vat_business_group)
    return BusinessCentralCatalog(bc, price_lines, BusinessCentralStock(bc, stock, units), vat)


def _portal(
    config: Settings, account: StorageAccount, bc: BusinessCentralClient, clock: SystemClock
) -> tuple[PortalCatalogRun | None, PortalPrices | None]:
    """The portal's catalog run and price answers, when BC's price list, stock, customer and substitution pages
    are published."""
    catalog = _bc_catalog(config, bc)
    customers = config.bc_web_service_url(config.bc_customer_service)
    substitutions = config.bc_web_service_url(config.bc_substitution_service)
    if catalog is None or customers is None or substitutions is None:
        return None, None
    try:
        policy = config.portal_policy()
    except ValueError as error:
        log.error("portal catalog not kept: its settings are invalid: %s", error)
        return None, None
    store = TablePortalCatalog(account)
    run = PortalCatalogRun(
        name=PORTAL_CATALOG_RUN,
        catalog=catalog,
        terms=BusinessCentralPortalSource(bc, customers, substitutions),
        store=store,
        runs=TableSyncRuns(account),
        clock=clock,
        stock=policy.stock,
    )
    return run, PortalPrices(catalog=store, policy=policy, clock=clock)


def _order_feeds(config: Settings, shopify: dict[str, ShopifyAdmin]) -> dict[tuple[str, str], ShopOrderFeed]:
    http = httpx.Client(timeout=60)
    feeds: dict[tuple[str, str], ShopOrderFeed] = {
        ("woocommerce", shop): WooCommerceOrderFeed(
            http, url, key, secret, key_in_query=config.woocommerce_key_in_query(shop)
        )
        for shop, (url, key, secret) in config.woocommerce_rest().items()
    }
    feeds |= {("shopify", shop): ShopifyOrderFeed(admin) for shop, admin in shopify.items()}
    return feeds


def _shopify_admins(config: Settings) -> dict[str, ShopifyAdmin]:
    """Per Shopify shop with Admin API access: its API at the one configured version, with its app's token; one per
    shop for the catalog and the order feed, so that they share the token (one grant per shop)."""
    http = httpx.Client(timeout=120)
    return {
        shop: ShopifyAdmin(
            http, url, config.shopify_api_version, access_token(http, url, token, client_id, client_secret)
        )
        for shop, (url, token, client_id, client_secret) in config.shopify_rest().items()
    }


def _bc_client(config: Settings) -> BusinessCentralClient:
    """One client per process: every BC adapter shares its token, its 5 requests in flight and its rate limit."""
    http = httpx.Client(
        timeout=config.bc_timeout_seconds,
        limits=httpx.Limits(
            max_connections=config.bc_max_in_flight * 2, max_keepalive_connections=config.bc_max_in_flight
        ),
    )
    token = ClientCredentialsToken(
        http,
        config.resolved_token_url,
        config.bc_client_id,
        config.bc_client_secret.get_secret_value(),
        config.bc_scope,
    )
    throttle = RequestThrottle(config.bc_max_in_flight, config.bc_requests_per_5_minutes)
    return BusinessCentralClient(http, config.bc_company_url, token, throttle, config.bc_max_attempts)


def _price_lists(config: Settings, client: BusinessCentralClient) -> BusinessCentralPriceLists | None:
    price_lines = config.bc_web_service_url(config.bc_price_list_service)
    customers = config.bc_web_service_url(config.bc_customer_service)
    if price_lines is None or customers is None:
        return None
    return BusinessCentralPriceLists(client, price_lines, customers)


def _import_policy(config: Settings) -> ImportPolicy:
    payment_accounts: dict[str, tuple[PaymentAccount, ...]] = {}
    for account in config.payment_accounts().values():
        shop = f"{account.source}:{account.shop}"
        payment_accounts[shop] = (*payment_accounts.get(shop, ()), account)
    return ImportPolicy(
        payment_accounts=payment_accounts,
        accounts=ChargeAccounts(shipping=config.shipping_account, fee=config.fee_account or config.shipping_account),
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
