"""POST /api/webhooks/mollie/{account} and /api/webhooks/stripe/{account}: payment providers' webhooks in (anonymous:
Mollie's classic calls are hints Koppel checks at Mollie; Stripe's and Mollie's next-gen events are signed)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

import azure.functions as func

from domain.intake.ingest_webhook import Accepted, Ignored, Kept
from domain.payments.receive_payment import PaymentDelivery, receive_mollie, receive_stripe
from functions.container import container
from functions.responses import accepted_response, ignored_response, json_response, stored_or_refused
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.route(route="webhooks/mollie/{account}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def mollie_webhook(req: func.HttpRequest) -> func.HttpResponse:
    delivery = _delivery(req, "mollie")
    app = container()
    receive = partial(receive_mollie, app.payment_intake, delivery, app.settings.max_webhook_bytes)
    return _answer("mollie", delivery, receive, accepted_status=200)


@bp.route(route="webhooks/stripe/{account}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def stripe_webhook(req: func.HttpRequest) -> func.HttpResponse:
    delivery = _delivery(req, "stripe")
    app = container()
    receive = partial(receive_stripe, app.payment_intake, delivery, app.stripe_events, app.settings.max_webhook_bytes)
    return _answer("stripe", delivery, receive)


def _delivery(req: func.HttpRequest, provider: str) -> PaymentDelivery:
    name = req.route_params.get("account", "")
    return PaymentDelivery(
        account_name=name,
        account=container().payment_accounts.get((provider, name)),
        headers=dict(req.headers),
        body=req.get_body(),
    )


def _answer(
    provider: str,
    delivery: PaymentDelivery,
    receive: Callable[[], Accepted | Kept | Ignored],
    accepted_status: int = 202,
) -> func.HttpResponse:
    """202 accepted (Mollie: 200, the code its docs ask for), 200 duplicate, kept (stored for a person: it names no
    payment Koppel reads) or ignored, 4xx refused, 503 when storage is down (the provider retries)."""
    outcome = stored_or_refused(provider, delivery.account_name, receive)
    if isinstance(outcome, func.HttpResponse):
        return outcome
    if isinstance(outcome, Ignored):
        return ignored_response(outcome)
    if isinstance(outcome, Kept):
        with about(payment=outcome.stream):
            log.warning("%s webhook kept for a person: %s event=%s", provider, outcome.stream, outcome.event_id)
        return json_response({"status": "kept", "eventId": outcome.event_id, "reason": outcome.reason})
    with about(payment=outcome.stream):
        log.info(
            "%s webhook accepted: payment=%s event=%s duplicate=%s",
            provider,
            outcome.stream,
            outcome.event_id,
            outcome.duplicate,
        )
    return accepted_response(outcome, "payment", accepted_status)
