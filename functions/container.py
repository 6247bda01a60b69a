"""What the triggers use, built from settings once per worker process: each adapter once (functions/wiring/
adapters.py), each service once from its feature's wiring (functions/wiring/), and the stores endpoints read named
here, so that no endpoint reaches through a service for them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

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
from domain.refunds.credit_shop_refunds import ShopRefundCrediting
from domain.refunds.portal_returns import PortalReturns
from domain.refunds.ports import RefundStore
from domain.refunds.refunding import CreditMemoRefunding
from domain.refunds.shop_origin_ports import ShopRefundCredits
from domain.shipments.carrier_events import CarrierEventWork
from domain.shipments.ports import CarrierEvents, ShipmentStore
from domain.shipments.push_carrier_events import CarrierEventPush, push_carrier_events
from domain.shipments.push_shipments import ShipmentPush, push_shipments
from domain.shipments.track_shipments import ShipmentTracking, track_shipments
from functions.wiring import carrier_events, catalog, invoices, orders, payments, refunds, shipments
from functions.wiring.adapters import Adapters
from functions.wiring.preflight import preflight_checks
from integrations.payments.stripe_events import StripeSignatures
from integrations.settings import Settings, settings
from integrations.storage.carrier_events import TableCarrierEvents
from integrations.storage.gauges import StorageGauges


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
    gauges: StorageGauges
    """The queues' and the attention list's gauges, sampled by the telemetry timer."""
    carrier_accounts: Mapping[tuple[str, str], str]
    """The webhook secret per (carrier platform, account): Sendcloud's accounts Koppel takes webhooks for."""
    carrier_intake: Intake
    """As `intake`, but queues to `carrier-events`: carrier platforms' webhooks, keyed by platform:account:parcel."""
    carrier_events: CarrierEvents
    carrier_event_work: CarrierEventWork
    shipments: ShipmentStore
    """BC's shipments recorded per web order, and those listed for a person."""
    shipment_tracking: ShipmentTracking
    """The shipment poll (run `bc-shipments`)."""
    shipment_push: ShipmentPush
    """The shops told of their orders' shipments (run `shop-shipments`, on the shipment poll's timer)."""
    carrier_event_push: CarrierEventPush
    """The shops told of their orders' carrier events (run `shop-carrier-events`, after `shop-shipments`)."""
    refunds: RefundStore
    """The credit memos Koppel pays back."""
    credit_memo_refunding: CreditMemoRefunding
    """Pays back BC's credit memos on the shops whose refunds come from BC (run `credit-memo-refunds`)."""
    shop_refund_credits: ShopRefundCredits
    """The shop refunds Koppel credits in BC."""
    shop_refund_crediting: ShopRefundCrediting
    """Credits the shops' refunds in BC on the shops whose refunds start in the shop (run `shop-refunds`)."""
    portal_returns: PortalReturns
    """The portal's return requests, made into BC return orders (run `portal-returns`)."""

    def named_runs(self) -> dict[str, Callable[[], SyncRun]]:
        """Every timed run ops may look at or start now, by name."""
        runs: dict[str, Callable[[], SyncRun]] = {
            name: partial(sync_catalog, sync) for name, sync in self.catalog_syncs.items()
        }
        if self.portal_catalog is not None:
            runs[self.portal_catalog.name] = partial(publish_portal_catalog, self.portal_catalog)
        if self.subscription_keeping is not None:
            runs[self.subscription_keeping.name] = partial(keep_subscriptions, self.subscription_keeping)
        runs[self.shipment_tracking.name] = partial(track_shipments, self.shipment_tracking)
        runs[self.shipment_push.name] = partial(push_shipments, self.shipment_push)
        runs[self.carrier_event_push.name] = partial(push_carrier_events, self.carrier_event_push)
        return runs


class _BuiltOnce:
    """The container, built by the first trigger that asks for it and only once, however many threads ask at the
    same time: each build has its own BC client, whose limits are the process's share of BC's (infra/ sets them)."""

    def __init__(self, build: Callable[[], Container]) -> None:
        self._build = build
        self._built: Container | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Container:
        with self._lock:
            if self._built is None:
                self._built = self._build()
            return self._built

    def cache_clear(self) -> None:
        """The next call builds afresh (tests, the local stack after a settings change)."""
        with self._lock:
            self._built = None


def _build() -> Container:
    config = settings()
    adapters = Adapters(config)
    accounts = config.payment_accounts()
    order_intake = orders.intake(adapters, adapters.order_queue)
    payment_intake = orders.intake(adapters, adapters.payment_queue)
    tracking = invoices.invoice_tracking(adapters)
    portal_catalog, portal_prices = catalog.portal(adapters)
    recorded_carrier_events = TableCarrierEvents(adapters.account)
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
        gauges=StorageGauges(adapters.account, adapters.attention, adapters.clock),
        carrier_accounts=config.carrier_accounts(),
        carrier_intake=carrier_events.carrier_intake(adapters),
        carrier_events=recorded_carrier_events,
        carrier_event_work=carrier_events.carrier_event_work(adapters, recorded_carrier_events),
        shipments=adapters.shipments,
        shipment_tracking=shipments.shipment_tracking(adapters),
        shipment_push=shipments.shipment_push(adapters),
        carrier_event_push=shipments.carrier_event_push(adapters, recorded_carrier_events),
        refunds=adapters.refunds,
        credit_memo_refunding=refunds.credit_memo_refunding(adapters),
        shop_refund_credits=adapters.shop_refund_credits,
        shop_refund_crediting=refunds.shop_refund_crediting(adapters),
        portal_returns=refunds.portal_returns(adapters),
    )


container = _BuiltOnce(_build)
"""Everything, built when a trigger first asks for it; `container.cache_clear()` builds afresh."""
