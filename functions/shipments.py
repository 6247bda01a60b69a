"""The shipment timer (schedule: KOPPEL_SHIPMENTS_SCHEDULE): the shipments BC posted or changed since the last run
are recorded on their web orders (`GET /api/ops/sync/bc-shipments` shows its runs, `POST .../run` runs it now);
`GET /api/ops/shipments/unmatched` lists those Koppel could not place on a web order, for a person."""

from __future__ import annotations

import azure.functions as func

from domain.shipments.track_shipments import track_shipments
from functions.container import container
from functions.responses import json_response
from functions.run_log import log_run
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_SHIPMENTS_SCHEDULE%", run_on_startup=False)
def bc_shipments(timer: func.TimerRequest) -> None:
    tracking = container().shipment_tracking
    with about(run=tracking.name):
        log_run(track_shipments(tracking), timer.past_due)


@bp.route(route="ops/shipments/unmatched", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def unmatched_shipments(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    listed = container().shipments.unmatched()
    shown = [each.model_dump(mode="json") for each in sorted(listed, key=lambda each: each.listed_at)]
    return json_response({"count": len(listed), "shipments": shown})
