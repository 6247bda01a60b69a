"""Queue triggers: `payments` reads, matches and records one payment; `payments-poison` records the give-up.
`GET /api/ops/payments/unmatched` lists the payments that need a person or still wait for their order, and the
payment events kept for a person (parked or failed), without their bodies."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.orders.operations import payment_events_needing_a_person
from domain.payments.sync_payment import sync_payment
from domain.records import EventStatus, OrderMessage
from functions.container import container
from functions.responses import json_response
from integrations.storage.account import PAYMENTS_QUEUE

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)
PRIVATE = {"payment": {"customer"}}
"""Left out of answers: the digest of the payer's e-mail address (kept for matching only)."""


@bp.queue_trigger(arg_name="msg", queue_name=PAYMENTS_QUEUE, connection="AzureWebJobsStorage")
def payment_worker(msg: func.QueueMessage) -> None:
    message = OrderMessage.model_validate_json(msg.get_body())
    record = sync_payment(container().payment_sync, message)
    log.info("payment %s: %s", message.order_key, record.status.value if record else "nothing recorded")


@bp.queue_trigger(arg_name="msg", queue_name=f"{PAYMENTS_QUEUE}-poison", connection="AzureWebJobsStorage")
def payment_poison(msg: func.QueueMessage) -> None:
    message = OrderMessage.model_validate_json(msg.get_body())
    note = "gave up after repeated failures (provider or storage unavailable); the raw event is kept"
    container().payment_sync.events.mark(message.order_key, message.event_id, EventStatus.FAILED, note)
    log.error("payment %s gave up (event %s)", message.order_key, message.event_id)


@bp.route(route="ops/payments/unmatched", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def unmatched_payments(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    sync = container().payment_sync
    records = sync.payments.needing_a_person()
    shown = [record.model_dump(mode="json", exclude=PRIVATE) for record in records]
    events = [event.model_dump(mode="json") for event in payment_events_needing_a_person(sync.events, sync.readers)]
    return json_response({"count": len(records), "payments": shown, "events": events})
