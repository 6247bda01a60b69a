"""The container builds each adapter once per worker process: every service and every endpoint holds the same one."""

from __future__ import annotations

import pytest

from functions.container import container


def test_the_workers_and_the_endpoints_share_one_event_log_one_order_store_and_one_payment_store(app_settings: str):
    built = container()

    assert built.events is built.intake.events is built.payment_intake.events is built.bc_notification_intake.events
    assert built.events is built.order_sync.events is built.payment_sync.events is built.bc_notifications.events
    assert built.orders is built.order_sync.orders is built.payment_sync.orders is built.recovery.orders
    assert built.payments is built.order_sync.payments is built.payment_sync.payments
    assert built.order_queue is built.intake.queue is built.order_sync.queue is built.payment_sync.order_queue
    assert built.payment_intake is built.order_sync.payment_intake
    assert built.payment_intake.queue is built.payment_sync.queue
    assert built.attention is built.order_sync.attention


def test_every_run_records_in_one_store_and_the_shops_and_the_portal_read_bc_through_one_catalog(
    app_settings: str, monkeypatch: pytest.MonkeyPatch
):
    shop = app_settings.upper().replace("-", "_")
    for name, value in (
        ("KOPPEL_BC_COMPANY_NAME", "CRONUS"),
        ("KOPPEL_BC_PRICE_LIST_SERVICE", "KoppelPriceListLines"),
        (f"KOPPEL_WOOCOMMERCE_URL_{shop}", "http://127.0.0.1:9"),
        (f"KOPPEL_WOOCOMMERCE_KEY_{shop}", "ck"),
        (f"KOPPEL_WOOCOMMERCE_API_SECRET_{shop}", "cs"),
        ("KOPPEL_BC_PAYMENT_JOURNAL", "BANK"),
        ("KOPPEL_BC_NOTIFICATION_URL", "https://koppel.example.net/api/webhooks/businesscentral?code=k"),
        ("KOPPEL_BC_WEBHOOK_CLIENT_STATE", "client-state"),
    ):
        monkeypatch.setenv(name, value)

    built = container()
    [catalog] = built.catalog_syncs.values()
    booking, keeping, portal = built.payment_booking, built.subscription_keeping, built.portal_catalog

    assert booking is not None
    assert keeping is not None
    assert portal is not None
    assert built.sync_runs is catalog.runs is booking.runs is keeping.runs is portal.runs
    assert catalog.source is portal.catalog
    assert catalog.state is keeping.state is built.recovery.state is booking.tracking.state
    assert booking.tracking is built.bc_notifications.tracking
