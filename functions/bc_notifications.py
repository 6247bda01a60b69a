"""BC's webhooks: `POST /api/webhooks/businesscentral` answers the validation handshake and takes notifications in;
the `bc-notifications` queue files the invoices they name (`-poison` records the give-up); a timer keeps the
subscriptions alive (schedule: KOPPEL_BC_SUBSCRIPTION_SCHEDULE; `POST /api/ops/sync/bc-subscriptions/run` runs it
now)."""

from __future__ import annotations

import logging
from http import HTTPStatus

import azure.functions as func

from domain.invoices.bc_notifications import receive_notifications, work_notifications
from domain.invoices.keep_subscriptions import keep_subscriptions
from domain.records import StreamMessage
from functions import poison
from functions.container import container
from functions.responses import accepted_response, error_response, stored_or_refused
from functions.run_log import log_run
from integrations.storage.account import BC_NOTIFICATIONS_QUEUE
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.route(route="webhooks/businesscentral", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
def bc_notification(req: func.HttpRequest) -> func.HttpResponse:
    """The handshake (`?validationToken=...`: 200 with exactly the token as text) or a notification batch: 202
    once stored and queued, 200 for a batch already taken in, 4xx refused (BC then deletes the subscription;
    the keeper makes a new one), 503 when storage is down or the body is over the intake limit (BC retries)."""
    token = req.params.get("validationToken")
    if token is not None:
        return func.HttpResponse(token, status_code=200, mimetype="text/plain")
    app = container()
    outcome = stored_or_refused(
        "businesscentral",
        "bc",
        lambda: receive_notifications(
            app.bc_notification_intake,
            req.get_body(),
            app.settings.bc_webhook_client_state,
            app.settings.max_webhook_bytes,
        ),
    )
    if isinstance(outcome, func.HttpResponse):
        return _retried_when_too_large(outcome)
    log.info("BC notification accepted: event=%s duplicate=%s", outcome.event_id, outcome.duplicate)
    return accepted_response(outcome, "log")


def _retried_when_too_large(refused: func.HttpResponse) -> func.HttpResponse:
    """BC deletes a subscription whose notification is answered with anything but 2xx, 408, 429 or 5xx ("Working
    with webhooks in Dynamics 365 Business Central"): a body over Koppel's limit is answered 503, so BC retries and
    the subscription stays; the invoice poll files what it named meanwhile."""
    if refused.status_code != HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return refused
    log.warning("BC notification larger than KOPPEL_MAX_WEBHOOK_BYTES: answered 503 (BC retries), not stored")
    return error_response(503, "too_large", "the notification is larger than Koppel takes in; the poll files it")


@bp.queue_trigger(arg_name="msg", queue_name=BC_NOTIFICATIONS_QUEUE, connection="AzureWebJobsStorage")
def bc_notification_worker(msg: func.QueueMessage) -> None:
    message = StreamMessage.model_validate_json(msg.get_body())
    worked = work_notifications(container().bc_notifications, message)
    if worked is None:
        log.warning("BC notification %s: its event is gone, nothing done", message.event_id)
        return
    log.info(
        "BC notification %s: read %d, filed %d invoices, passed by %d",
        message.event_id,
        worked.read,
        worked.filed,
        worked.passed,
    )


@bp.queue_trigger(arg_name="msg", queue_name=f"{BC_NOTIFICATIONS_QUEUE}-poison", connection="AzureWebJobsStorage")
def bc_notification_poison(msg: func.QueueMessage) -> None:
    message = poison.give_up(msg, poison.mark_event_failed(container().events, "BC", "notification"))
    log.error("BC notification %s gave up (%s)", message.event_id, message.stream)


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_BC_SUBSCRIPTION_SCHEDULE%", run_on_startup=False)
def bc_subscriptions(timer: func.TimerRequest) -> None:
    keeping = container().subscription_keeping
    if keeping is None:
        return
    with about(run=keeping.name):
        log_run(keep_subscriptions(keeping), timer.past_due)
