"""JSON responses in one shape: `{"error": {"code", "message"}}` for every refusal."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func

from domain.errors import Rejection, RequestRejected

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
