"""Carrier events: `POST /api/webhooks/sendcloud/{account}` takes Sendcloud's webhooks in (signed, so anonymous, as
the shops' webhooks); the `carrier-events` queue records and matches each one (`-poison` records the give-up);
`GET /api/ops/carrier-events/unmatched` (function key) lists those a person has to look at, without their bodies."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.intake.ingest_webhook import Ignored, Kept
from domain.records import StreamMessage
from domain.shipments import sendcloud
from domain.shipments.carrier_events import carrier_events_needing_a_person, record_carrier_event
from domain.shipments.receive_carrier_event import CarrierDelivery, receive_sendcloud
from functions import poison
from functions.container import container
from functions.responses import accepted_response, ignored_response, json_response, stored_or_refused
from integrations.storage.account import CARRIER_EVENTS_QUEUE
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)
PLATFORMS = (sendcloud.PLATFORM,)


@bp.route(route="webhooks/sendcloud/{account}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def sendcloud_webhook(req: func.HttpRequest) -> func.HttpResponse:
    """202 accepted, 200 duplicate, kept (stored for a person: it names no parcel Koppel can read) or ignored (an
    action other than parcel_status_changed), 4xx refused, 503 when storage is down (Sendcloud retries)."""
    app = container()
    account = req.route_params.get("account", "")
    delivery = CarrierDelivery(
        account=account,
        secret=app.carrier_accounts.get((sendcloud.PLATFORM, account)),
        headers=dict(req.headers),
        body=req.get_body(),
    )
    limit = app.settings.max_webhook_bytes
    outcome = stored_or_refused(
        sendcloud.PLATFORM, account, lambda: receive_sendcloud(app.carrier_intake, delivery, limit)
    )
    if isinstance(outcome, func.HttpResponse):
        return outcome
    if isinstance(outcome, Ignored):
        return ignored_response(outcome)
    if isinstance(outcome, Kept):
        log.warning("sendcloud webhook kept for a person: %s event=%s", outcome.stream, outcome.event_id)
        return json_response({"status": "kept", "eventId": outcome.event_id, "reason": outcome.reason})
    log.info(
        "sendcloud webhook accepted: parcel=%s event=%s duplicate=%s",
        outcome.stream,
        outcome.event_id,
        outcome.duplicate,
    )
    return accepted_response(outcome, "parcel")


@bp.queue_trigger(arg_name="msg", queue_name=CARRIER_EVENTS_QUEUE, connection="AzureWebJobsStorage")
def carrier_event_worker(msg: func.QueueMessage) -> None:
    message = StreamMessage.model_validate_json(msg.get_body())
    recorded = record_carrier_event(container().carrier_event_work, message)
    if recorded is None:
        log.warning("carrier event %s %s: the delivery could not be read", message.stream, message.event_id)
        return
    with about(web_order=recorded.order.stream if recorded.order else None):
        log.info(
            "carrier event %s: %s for order %s",
            message.stream,
            recorded.event.phase.value,
            recorded.order or "none (listed for a person)",
        )


@bp.queue_trigger(arg_name="msg", queue_name=f"{CARRIER_EVENTS_QUEUE}-poison", connection="AzureWebJobsStorage")
def carrier_event_poison(msg: func.QueueMessage) -> None:
    message = poison.give_up(msg, poison.mark_event_failed(container().events, "the carrier event table", "event"))
    log.error("carrier event %s gave up (event %s)", message.stream, message.event_id)


@bp.route(route="ops/carrier-events/unmatched", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def unmatched_carrier_events(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes it
    app = container()
    kept = carrier_events_needing_a_person(app.events, app.carrier_events, PLATFORMS)
    return json_response({"count": len(kept), "events": [each.model_dump(mode="json") for each in kept]})
