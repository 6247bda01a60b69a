"""The invoices' wiring: invoice tracking (filing BC's posted invoices and credit memos on web orders), the worker
of BC's webhook notifications and the keeper of BC's webhook subscriptions."""

from __future__ import annotations

from datetime import timedelta

from domain.invoices.bc_notifications import NotificationWork
from domain.invoices.keep_subscriptions import SubscriptionKeeping
from domain.invoices.track_invoices import InvoiceTracking
from functions.wiring import log
from functions.wiring.adapters import Adapters
from integrations.businesscentral.credit_memos import BusinessCentralCreditMemos
from integrations.businesscentral.invoices import BusinessCentralInvoices
from integrations.businesscentral.subscriptions import BusinessCentralSubscriptions
from integrations.settings import names


def invoice_tracking(adapters: Adapters) -> InvoiceTracking:
    return InvoiceTracking(
        invoices=BusinessCentralInvoices(adapters.bc),
        orders=adapters.orders,
        state=adapters.sync_state,
        clock=adapters.clock,
        credit_memos=BusinessCentralCreditMemos(adapters.bc),
    )


def notification_work(adapters: Adapters, tracking: InvoiceTracking) -> NotificationWork:
    return NotificationWork(events=adapters.events, tracking=tracking, company_id=adapters.config.bc_company_id)


def subscription_keeping(adapters: Adapters) -> SubscriptionKeeping | None:
    """The keeper of BC's webhook subscriptions, when Koppel has a notification URL and a client state for them."""
    config = adapters.config
    if not config.bc_notification_url.get_secret_value():
        log.info("no BC webhook subscription kept (KOPPEL_BC_NOTIFICATION_URL not set): invoices are polled only")
        return None
    if not config.bc_webhook_client_state.get_secret_value():
        log.error("no BC webhook subscription kept: KOPPEL_BC_WEBHOOK_CLIENT_STATE is not set")
        return None
    return SubscriptionKeeping(
        subscriptions=BusinessCentralSubscriptions(adapters.bc),
        state=adapters.sync_state,
        runs=adapters.sync_runs,
        clock=adapters.clock,
        company_id=config.bc_company_id,
        entity_sets=tuple(names(config.bc_subscription_resources)),
        notification_url=config.bc_notification_url,
        client_state=config.bc_webhook_client_state,
        renew_within=timedelta(hours=config.bc_subscription_renew_hours),
    )
