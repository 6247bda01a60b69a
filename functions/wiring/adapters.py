"""Every adapter the services and endpoints use, each built in one place, on first use, once per worker process,
and then shared: one storage account and one adapter per table, queue and store; one BC client (its token, its
requests in flight and its rate limit shared by every BC adapter); BC's catalog pages read by one adapter for the
shops and the portal; one HTTP client per kind of remote (the shops, the shops' order feeds, the payment providers);
one Shopify Admin API per shop (the catalog and the order feed share its token: one grant per shop)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cached_property
from zoneinfo import ZoneInfo

import httpx

from domain.payments.accounts import PaymentAccount
from domain.payments.ports import PaymentReader
from domain.refunds.ports import ProviderRefunds
from integrations.businesscentral.catalog import BusinessCentralCatalog
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.stock import BusinessCentralStock
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.businesscentral.vat import BusinessCentralVat
from integrations.payments.readers import mollie_reader, stripe_reader
from integrations.payments.refunds import mollie_refunds, stripe_refunds
from integrations.settings import Settings
from integrations.shops.shopify.access import access_token
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.storage.account import BC_NOTIFICATIONS_QUEUE, PAYMENTS_QUEUE, StorageAccount
from integrations.storage.attention_list import TableAttentionList
from integrations.storage.customer_bindings import TableCustomerBindings
from integrations.storage.event_log import TableEventLog
from integrations.storage.order_store import TableOrderStore
from integrations.storage.payment_store import TablePaymentStore
from integrations.storage.refunds import TableRefundStore, TableReturnRequests, TableShopRefundCredits
from integrations.storage.shipments import TableShipmentStore
from integrations.storage.sync_runs import TableSyncRuns
from integrations.storage.sync_state import TableSyncState
from integrations.storage.unpaid_orders import TableUnpaidOrders
from integrations.storage.work_queue import StorageWorkQueue

SHOP_TIMEOUT_SECONDS = 120
"""The shops' catalog APIs and Shopify's Admin API (a catalog page of products can take long)."""
ORDER_FEED_TIMEOUT_SECONDS = 60
"""WooCommerce's order list, read by the recovery timer."""
PAYMENT_TIMEOUT_SECONDS = 30
"""Mollie's and Stripe's APIs, read by the payment worker."""


class SystemClock:
    """The time now in `zone`: UTC for records; the company's time zone where the date matters (prices are valid
    from a day, a campaign ends on one)."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        self._zone = zone

    def now(self) -> datetime:
        return datetime.now(self._zone)


class Adapters:
    """The adapters of one worker process, built from its settings."""

    def __init__(self, config: Settings) -> None:
        self.config = config

    @cached_property
    def clock(self) -> SystemClock:
        return SystemClock()

    @cached_property
    def company_clock(self) -> SystemClock:
        return SystemClock(ZoneInfo(self.config.time_zone))

    @cached_property
    def account(self) -> StorageAccount:
        return StorageAccount(self.config.storage)

    @cached_property
    def events(self) -> TableEventLog:
        return TableEventLog(self.account)

    @cached_property
    def order_queue(self) -> StorageWorkQueue:
        return StorageWorkQueue(self.account)

    @cached_property
    def payment_queue(self) -> StorageWorkQueue:
        return StorageWorkQueue(self.account, PAYMENTS_QUEUE)

    @cached_property
    def bc_notification_queue(self) -> StorageWorkQueue:
        return StorageWorkQueue(self.account, BC_NOTIFICATIONS_QUEUE)

    @cached_property
    def orders(self) -> TableOrderStore:
        return TableOrderStore(self.account)

    @cached_property
    def attention(self) -> TableAttentionList:
        return TableAttentionList(self.account)

    @cached_property
    def customer_bindings(self) -> TableCustomerBindings:
        return TableCustomerBindings(self.account)

    @cached_property
    def payments(self) -> TablePaymentStore:
        return TablePaymentStore(self.account)

    @cached_property
    def shipments(self) -> TableShipmentStore:
        """BC's shipments recorded per web order; also finds a web order by tracking number."""
        return TableShipmentStore(self.account)

    @cached_property
    def refunds(self) -> TableRefundStore:
        """The credit memos Koppel pays back, per credit memo."""
        return TableRefundStore(self.account)

    @cached_property
    def return_requests(self) -> TableReturnRequests:
        """The portal's return requests."""
        return TableReturnRequests(self.account)

    @cached_property
    def shop_refund_credits(self) -> TableShopRefundCredits:
        """The shop refunds Koppel credits in BC, per web order and refund."""
        return TableShopRefundCredits(self.account)

    @cached_property
    def unpaid(self) -> TableUnpaidOrders:
        return TableUnpaidOrders(self.account)

    @cached_property
    def sync_runs(self) -> TableSyncRuns:
        return TableSyncRuns(self.account)

    @cached_property
    def sync_state(self) -> TableSyncState:
        return TableSyncState(self.account)

    @cached_property
    def bc(self) -> BusinessCentralClient:
        """One client per process: every BC adapter shares its token, its requests in flight and its rate limit."""
        config = self.config
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
        return BusinessCentralClient(http, config.bc_company_url, token, throttle, max_attempts=config.bc_max_attempts)

    @cached_property
    def bc_catalog(self) -> BusinessCentralCatalog | None:
        """BC's catalog, when the price list page, the stock query, the item units page, the item list and the VAT
        posting setup are published."""
        config = self.config
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
        vat = BusinessCentralVat(self.bc, items, vat_setup, config.bc_vat_business_group)
        return BusinessCentralCatalog(self.bc, price_lines, BusinessCentralStock(self.bc, stock, units), vat)

    @cached_property
    def shop_http(self) -> httpx.Client:
        return httpx.Client(timeout=SHOP_TIMEOUT_SECONDS)

    @cached_property
    def order_feed_http(self) -> httpx.Client:
        return httpx.Client(timeout=ORDER_FEED_TIMEOUT_SECONDS)

    @cached_property
    def payment_http(self) -> httpx.Client:
        return httpx.Client(timeout=PAYMENT_TIMEOUT_SECONDS)

    @cached_property
    def woocommerce_clients(self) -> dict[str, WooCommerceClient]:
        """Per WooCommerce shop with REST credentials: its REST API with the shop's key."""
        config = self.config
        return {
            shop: WooCommerceClient(
                self.shop_http, url, key, secret, key_in_query=config.woocommerce_key_in_query(shop)
            )
            for shop, (url, key, secret) in config.woocommerce_rest().items()
        }

    @cached_property
    def shopify_clients(self) -> dict[str, ShopifyClient]:
        """Per Shopify shop with Admin API access: its API at the one configured version, with its app's token."""
        http, version = self.shop_http, self.config.shopify_api_version
        return {
            shop: ShopifyClient(http, url, version, access_token(http, url, token, client_id, client_secret))
            for shop, (url, token, client_id, client_secret) in self.config.shopify_rest().items()
        }

    @cached_property
    def payment_readers(self) -> dict[str, PaymentReader]:
        """How payments are read at each provider, with the account's API key."""
        config, api_key = self.config, self._payment_api_key
        return {
            "mollie": mollie_reader(self.payment_http, config.mollie_api_url, api_key),
            "stripe": stripe_reader(self.payment_http, config.stripe_api_url, api_key),
        }

    @cached_property
    def payment_refunds(self) -> dict[str, ProviderRefunds]:
        """Where Koppel refunds at each provider, with the account's API key."""
        config, api_key = self.config, self._payment_api_key
        return {
            "mollie": mollie_refunds(self.payment_http, config.mollie_api_url, api_key),
            "stripe": stripe_refunds(self.payment_http, config.stripe_api_url, api_key),
        }

    def _payment_api_key(self, account: PaymentAccount) -> str:
        return self.config.payment_api_key(account.provider, account.account)
