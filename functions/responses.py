"""JSON responses in one shape: `{"error": {"code", "message"}}` for every refusal."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import azure.functions as func

from domain.errors import Rejection, RequestRejected, StorageUnavailable
from domain.intake.ingest_webhook import Accepted, Ignored

log = logging.getLogger(__name__)
T = TypeVar("T")

REJECTION_STATUS = {
    Rejection.UNKNOWN_SOURCE: 404,
    Rejection.UNAUTHENTICATED: 401,
    Rejection.MALFORMED: 400,
    Rejection.TOO_LARGE: 413,
}


def json_response(body: Any, status: int = 200) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body), status_code=status, mimetype="application/json")


def error_response(status: int, code: str, message: str) -> func.HttpResponse:
    return json_response({"error": {"code": code, "message": message}}, status)


def rejection_response(rejected: RequestRejected) -> func.HttpResponse:
    return error_response(REJECTION_STATUS[rejected.kind], rejected.kind.value, rejected.message)


def accepted_response(accepted: Accepted, stream_name: str, first_status: int = 202) -> func.HttpResponse:
    """A delivery taken in: `first_status` the first time, 200 for a duplicate; its stream under `stream_name`
    (`order`, `payment`, `log`)."""
    body = {"eventId": accepted.event_id, stream_name: str(accepted.stream), "duplicate": accepted.duplicate}
    return json_response(body, 200 if accepted.duplicate else first_status)


def ignored_response(ignored: Ignored) -> func.HttpResponse:
    """200 for a delivery Koppel does not handle, so the sender does not count it as a failure."""
    return json_response({"status": "ignored", "reason": ignored.reason})


def stored_or_refused(source: str, sender: str, receive: Callable[[], T]) -> T | func.HttpResponse:
    """What storing a webhook delivery came to, or the answer when it was refused (4xx) or storage is down (503,
    so the sender retries); `sender` names the shop or account in the log line."""
    try:
        return receive()
    except RequestRejected as rejected:
        log.info("%s webhook refused: sender=%s kind=%s", source, sender, rejected.kind.value)
        return rejection_response(rejected)
    except StorageUnavailable as error:
        log.warning("%s webhook not stored, sender should retry: %s", source, error)
        return error_response(503, "storage_unavailable", "the delivery could not be stored; please retry")
