"""The shipment timer (schedule: KOPPEL_SHIPMENTS_SCHEDULE): the shipments BC posted or changed since the last run
are recorded on their web orders (run `bc-shipments`), then the shops are told of those they have not taken (run
`shop-shipments`, which calls only the shops: one timer, so the count of timers calling BC stays as infra/ has it),
then of the carrier events of those shipments (run `shop-carrier-events`).
`GET /api/ops/sync/{name}` shows each run's summaries, `POST .../run` runs it now; `GET /api/ops/shipments/unmatched`
lists the shipments Koppel could not place on a web order, for a person."""

from __future__ import annotations

import azure.functions as func

from domain.shipments.push_carrier_events import push_carrier_events
from domain.shipments.push_shipments import push_shipments
from domain.shipments.track_shipments import track_shipments
from functions.container import container
from functions.responses import json_response
from functions.run_log import log_run
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_SHIPMENTS_SCHEDULE%", run_on_startup=False)
def bc_shipments(timer: func.TimerRequest) -> None:
    tracking, push = container().shipment_tracking, container().shipment_push
    with about(run=tracking.name):
        log_run(track_shipments(tracking), timer.past_due)
    with about(run=push.name):
        log_run(push_shipments(push), timer.past_due)
    events = container().carrier_event_push
    with about(run=events.name):
        log_run(push_carrier_events(events), timer.past_due)


@bp.route(route="ops/shipments/unmatched", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def unmatched_shipments(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    listed = container().shipments.unmatched()
    shown = [each.model_dump(mode="json") for each in sorted(listed, key=lambda each: each.listed_at)]
    return json_response({"count": len(listed), "shipments": shown})
