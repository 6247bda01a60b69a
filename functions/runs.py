"""Ops routes for every named timed run (the shops' catalogs, the portal's catalog, BC's webhook subscriptions):
`GET /api/ops/sync/{name}` shows a run's latest summaries (also of runs only a timer starts, such as the booking
run `payments-bc`), `POST /api/ops/sync/{name}/run` runs it now."""

from __future__ import annotations

import azure.functions as func

from domain.records import SyncRun
from functions.container import container
from functions.responses import error_response, json_response
from functions.run_log import log_run
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
RUNS_SHOWN = 10


@bp.route(route="ops/sync/{name}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def sync_runs(req: func.HttpRequest) -> func.HttpResponse:
    name = req.route_params["name"]
    runs = container().sync_runs.latest(name, RUNS_SHOWN)
    if not runs and name not in container().named_runs():
        return error_response(404, "not_found", f"no run is called {name}")
    return json_response({"name": name, "runs": [_summary(run) for run in runs]})


@bp.route(route="ops/sync/{name}/run", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
def run_sync_now(req: func.HttpRequest) -> func.HttpResponse:
    name = req.route_params["name"]
    run_now = container().named_runs().get(name)
    if run_now is None:
        return error_response(404, "not_found", f"no run is called {name}")
    with about(run=name):
        run = run_now()
        log_run(run, past_due=False)
    return json_response(_summary(run))


def _summary(run: SyncRun) -> dict[str, object]:
    """The stored summary (counts as `read`, `changed`, `pushed`, `failed`) with its counts named for the run."""
    return run.model_dump(mode="json") | {"counts": run.counts, "seconds": round(run.seconds, 3)}
