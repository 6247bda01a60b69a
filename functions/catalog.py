"""The catalog: a timer pushes BC's articles, prices and stock to the shops (schedule: KOPPEL_CATALOG_SCHEDULE);
functions/runs.py shows a shop's catalog runs and runs one now."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.catalog.sync_catalog import sync_catalog
from functions.container import container
from functions.run_log import log_run
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_CATALOG_SCHEDULE%", run_on_startup=False)
def catalog_sync(timer: func.TimerRequest) -> None:
    """Every shop's run, each on its own: one that fails (storage down, a shop answering nonsense) does not keep
    the others from running; the invocation then fails, naming them."""
    failed = []
    for name, sync in container().catalog_syncs.items():
        with about(run=name):
            try:
                log_run(sync_catalog(sync), past_due=timer.past_due)
            except Exception as error:
                log.error("%s failed: %s", name, type(error).__name__)
                failed.append(name)
    if failed:
        raise RuntimeError(f"catalog runs failed: {', '.join(failed)}")
