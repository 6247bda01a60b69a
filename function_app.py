"""Composition root: the FunctionApp, its blueprints, logging and telemetry. Nothing else lives here."""

import logging

import azure.functions as func

from functions import (
    bc_notifications,
    carrier_events,
    catalog,
    dossier,
    operations,
    order_worker,
    payment_booking,
    payment_webhooks,
    payments,
    portal_catalog,
    portal_returns,
    recovery,
    runs,
    shipments,
    telemetry_sampler,
    webhooks,
)
from integrations.telemetry.setup import configure_telemetry

# Request URLs carry OData filters with customers' e-mail addresses: HTTP client logs stay out of telemetry.
for chatty in ("httpx", "httpcore", "azure"):
    logging.getLogger(chatty).setLevel(logging.WARNING)
configure_telemetry()

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)

for blueprint in (
    webhooks.bp,
    payment_webhooks.bp,
    payments.bp,
    payment_booking.bp,
    bc_notifications.bp,
    order_worker.bp,
    recovery.bp,
    catalog.bp,
    runs.bp,
    portal_catalog.bp,
    portal_returns.bp,
    dossier.bp,
    operations.bp,
    telemetry_sampler.bp,
    carrier_events.bp,
    shipments.bp,
):
    app.register_functions(blueprint)
