"""Queue triggers: `payments` reads, matches and records one payment; `payments-poison` records the give-up.
`GET /api/ops/payments/unmatched` lists the payments that need a person or still wait for their order, and the
payment events kept for a person (parked or failed), without their bodies."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.orders.operations import payment_events_needing_a_person
from domain.payments.sync_payment import sync_payment
from domain.records import StreamMessage
from functions import poison
from functions.container import container
from functions.responses import json_response
from integrations.storage.account import PAYMENTS_QUEUE
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)
PRIVATE = {"payment": {"customer"}}
"""Left out of answers: the digest of the payer's e-mail address (kept for matching only)."""


@bp.queue_trigger(arg_name="msg", queue_name=PAYMENTS_QUEUE, connection="AzureWebJobsStorage")
def payment_worker(msg: func.QueueMessage) -> None:
    message = StreamMessage.model_validate_json(msg.get_body())
    with about(payment=message.stream):
        record = sync_payment(container().payment_sync, message)
        log.info("payment %s: %s", message.stream, record.status.value if record else "nothing recorded")


@bp.queue_trigger(arg_name="msg", queue_name=f"{PAYMENTS_QUEUE}-poison", connection="AzureWebJobsStorage")
def payment_poison(msg: func.QueueMessage) -> None:
    message = poison.give_up(msg, poison.mark_event_failed(container().events, "provider", "event"))
    with about(payment=message.stream):
        log.error("payment %s gave up (event %s)", message.stream, message.event_id)


@bp.route(route="ops/payments/unmatched", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def unmatched_payments(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    app = container()
    records = app.payments.needing_a_person()
    shown = [record.model_dump(mode="json", exclude=PRIVATE) for record in records]
    kept = payment_events_needing_a_person(app.events, app.payment_providers)
    events = [event.model_dump(mode="json") for event in kept]
    return json_response({"count": len(records), "payments": shown, "events": events})
