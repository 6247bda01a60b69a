"""The payments' wiring: the payment worker's sync, and the booking run that books matched payments in BC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from domain.booking.booking_run import PaymentBooking
from domain.invoices.track_invoices import InvoiceTracking
from domain.payments.accounts import PaymentAccount
from domain.payments.sync_payment import PaymentSync
from functions.wiring import log
from functions.wiring.adapters import Adapters
from integrations.businesscentral.payment_journal import BusinessCentralPaymentJournal
from integrations.businesscentral.refund_journal import BusinessCentralRefundJournal


def payment_sync(adapters: Adapters, accounts: Mapping[tuple[str, str], PaymentAccount]) -> PaymentSync:
    config = adapters.config
    return PaymentSync(
        events=adapters.events,
        accounts=accounts,
        readers=adapters.payment_readers,
        payments=adapters.payments,
        orders=adapters.orders,
        queue=adapters.payment_queue,
        order_queue=adapters.order_queue,
        clock=adapters.clock,
        wait_for_order=timedelta(hours=config.payment_wait_hours),
        retry_every=timedelta(seconds=config.payment_retry_seconds),
        unpaid=adapters.unpaid,
        match_window=timedelta(hours=config.payment_match_window_hours),
    )


def payment_booking(adapters: Adapters, tracking: InvoiceTracking) -> PaymentBooking | None:
    """The booking run; None (said once) without a payment journal."""
    config = adapters.config
    if not config.bc_payment_journal:
        log.info("payments are matched, not booked in BC: KOPPEL_BC_PAYMENT_JOURNAL is not set")
        return None
    journal = BusinessCentralPaymentJournal(adapters.bc, config.bc_payment_journal)
    refund_url = config.bc_refund_url
    return PaymentBooking(
        tracking=tracking,
        journal=journal,
        payments=adapters.payments,
        orders=adapters.orders,
        runs=adapters.sync_runs,
        clock=adapters.clock,
        local_currency=config.local_currency,
        batch=config.booking_batch,
        refunds=BusinessCentralRefundJournal(adapters.bc, refund_url, journal) if refund_url else None,
        credit_memo_wait=timedelta(days=config.refund_credit_memo_wait_days),
        credit_memo_refunds=adapters.refunds,
    )
