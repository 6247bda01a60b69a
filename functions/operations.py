"""Operations: GET /api/ops/attention, POST /api/ops/orders/{source}/{shop}/{orderId}/replay and GET /api/ops/preflight
(function key)."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.errors import RequestRejected
from domain.orders.operations import ReplayRefused, orders_needing_attention, replay_order
from domain.preflight import answer as preflight_answer
from functions.container import container
from functions.responses import error_response, json_response, rejection_response
from functions.routes import order_key
from integrations.preflight.deadline import checks_within
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.route(route="ops/attention", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def attention(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    app = container()
    entries = orders_needing_attention(app.attention, app.clock.now())
    return json_response({"count": len(entries), "orders": [entry.model_dump(mode="json") for entry in entries]})


@bp.route(route="ops/orders/{source}/{shop}/{orderId}/replay", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
def replay(req: func.HttpRequest) -> func.HttpResponse:
    try:
        key = order_key(req)
    except RequestRejected as rejected:
        return rejection_response(rejected)
    app = container()
    with about(web_order=key.stream):
        outcome = replay_order(app.orders, app.events, app.order_queue, key)
        if outcome is None:
            return error_response(404, "not_found", f"Koppel has no order {key}")
        if isinstance(outcome, ReplayRefused):
            return error_response(409, "conflict", outcome.reason)
        log.info("order %s replayed (event %s)", key, outcome.event_id)
    return json_response({"order": str(key), "eventId": outcome.event_id, "status": "queued"}, 202)


@bp.route(route="ops/preflight", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def preflight_checks(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    """Read-only checks of this installation; 200 whether they pass or not (the answer says), within the preflight's
    deadline (checks still running then are reported not finished)."""
    answer = preflight_answer(checks_within(container().preflight))
    log.info("preflight: %d of %d checks failed", answer["failed"], len(answer["checks"]))
    return json_response(answer)
