"""The catalog: a timer pushes BC's articles, prices and stock to the shops (schedule: KOPPEL_CATALOG_SCHEDULE);
`GET /api/ops/sync/{name}` shows a run's latest summaries, `POST /api/ops/sync/{name}/run` runs it now (any named
run: the shops' catalogs and the portal's)."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.catalog.sync_catalog import sync_catalog
from domain.records import SyncRun
from functions.container import container
from functions.responses import error_response, json_response
from functions.run_log import log_run

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)
RUNS_SHOWN = 10


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_CATALOG_SCHEDULE%", run_on_startup=False)
def catalog_sync(timer: func.TimerRequest) -> None:
    """Every shop's run, each on its own: one that fails (storage down, a shop answering nonsense) does not keep
    the others from running; the invocation then fails, naming them."""
    failed = []
    for name, sync in container().catalog_syncs.items():
        try:
            log_run(sync_catalog(sync), past_due=timer.past_due)
        except Exception as error:
            log.error("%s failed: %s", name, type(error).__name__)
            failed.append(name)
    if failed:
        raise RuntimeError(f"catalog runs failed: {', '.join(failed)}")


@bp.route(route="ops/sync/{name}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def sync_runs(req: func.HttpRequest) -> func.HttpResponse:
    name = req.route_params["name"]
    runs = container().sync_runs.latest(name, RUNS_SHOWN)
    if not runs and name not in container().named_runs():
        return error_response(404, "not_found", f"no run is called {name}")
    return json_response({"name": name, "runs": [_summary(run) for run in runs]})


@bp.route(route="ops/sync/{name}/run", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
def run_sync_now(req: func.HttpRequest) -> func.HttpResponse:
    run_now = container().named_runs().get(req.route_params["name"])
    if run_now is None:
        return error_response(404, "not_found", f"no run is called {req.route_params['name']}")
    run = run_now()
    log_run(run, past_due=False)
    return json_response(_summary(run))


def _summary(run: SyncRun) -> dict[str, object]:
    return run.model_dump(mode="json") | {"seconds": round(run.seconds, 3)}
