"""What the triggers use, built from settings once per worker process: each adapter once (functions/wiring/
adapters.py), each service once from its feature's wiring (functions/wiring/), and the stores endpoints read named
here, so that no endpoint reaches through a service for them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial

from domain.booking.booking_run import PaymentBooking
from domain.catalog.sync_catalog import CatalogSync, sync_catalog
from domain.intake.ingest_webhook import Intake
from domain.invoices.bc_notifications import NotificationWork
from domain.invoices.keep_subscriptions import SubscriptionKeeping, keep_subscriptions
from domain.orders.ports import AttentionList, ShopOrderFeed
from domain.orders.recover_orders import OrderRecovery
from domain.orders.worker import OrderSync
from domain.payments.accounts import PaymentAccount
from domain.payments.ports import PaymentStore
from domain.payments.sync_payment import PaymentSync
from domain.portal.publish_catalog import PortalCatalogRun, publish_portal_catalog
from domain.portal.quote_prices import PortalPrices
from domain.ports import Clock, EventLog, OrderStore, SyncRuns, WorkQueue
from domain.preflight import PreflightChecks
from domain.records import SyncRun
from functions.wiring import catalog, invoices, orders, payments
from functions.wiring.adapters import Adapters
from functions.wiring.preflight import preflight_checks
from integrations.payments.stripe_events import StripeSignatures
from integrations.settings import Settings, settings


@dataclass(frozen=True)
class Container:
    settings: Settings
    clock: Clock
    """UTC: the time records are stamped with."""
    events: EventLog
    """Every stream's events (orders, payments, BC notification logs) with their raw bodies."""
    orders: OrderStore
    order_queue: WorkQueue
    """The `orders` queue: replays go there."""
    attention: AttentionList
    payments: PaymentStore
    payment_providers: tuple[str, ...]
    """The providers Koppel reads payments at (`mollie`, `stripe`): their events kept for a person are listed."""
    sync_runs: SyncRuns
    intake: Intake
    payment_intake: Intake
    """As `intake`, but queues to `payments`: the events of payment webhooks, keyed by provider:account:payment."""
    bc_notification_intake: Intake
    """As `intake`, but queues to `bc-notifications`: BC's webhook notifications, logged per day."""
    payment_accounts: Mapping[tuple[str, str], PaymentAccount]
    stripe_events: StripeSignatures
    order_sync: OrderSync
    payment_sync: PaymentSync
    recovery: OrderRecovery
    order_feeds: Mapping[tuple[str, str], ShopOrderFeed]
    catalog_syncs: Mapping[str, CatalogSync]
    """One catalog run per shop whose catalog Koppel writes, by run name."""
    portal_catalog: PortalCatalogRun | None
    """The run that keeps the portal's catalog; None when BC's pages are not published or its settings are invalid."""
    portal_prices: PortalPrices | None
    bc_notifications: NotificationWork
    payment_booking: PaymentBooking | None
    """Books matched payments in BC; None without a payment journal (KOPPEL_BC_PAYMENT_JOURNAL)."""
    preflight: tuple[PreflightChecks, ...]
    """The read-only checks of this installation: BC, the payment providers."""
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
    """Everything, built when a trigger first asks for it; `container.cache_clear()` builds afresh."""
    config = settings()
    adapters = Adapters(config)
    accounts = config.payment_accounts()
    order_intake = orders.intake(adapters, adapters.order_queue)
    payment_intake = orders.intake(adapters, adapters.payment_queue)
    tracking = invoices.invoice_tracking(adapters)
    portal_catalog, portal_prices = catalog.portal(adapters)
    return Container(
        settings=config,
        clock=adapters.clock,
        events=adapters.events,
        orders=adapters.orders,
        order_queue=adapters.order_queue,
        attention=adapters.attention,
        payments=adapters.payments,
        payment_providers=tuple(adapters.payment_readers),
        sync_runs=adapters.sync_runs,
        intake=order_intake,
        payment_intake=payment_intake,
        bc_notification_intake=orders.intake(adapters, adapters.bc_notification_queue),
        payment_accounts=accounts,
        stripe_events=StripeSignatures(),
        payment_sync=payments.payment_sync(adapters, accounts),
        recovery=orders.order_recovery(adapters, order_intake),
        order_feeds=orders.order_feeds(adapters),
        catalog_syncs=catalog.catalog_syncs(adapters),
        portal_catalog=portal_catalog,
        portal_prices=portal_prices,
        bc_notifications=invoices.notification_work(adapters, tracking),
        subscription_keeping=invoices.subscription_keeping(adapters),
        payment_booking=payments.payment_booking(adapters, tracking),
        order_sync=orders.order_sync(adapters, accounts, payment_intake),
        preflight=preflight_checks(adapters),
    )
