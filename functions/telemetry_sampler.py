"""Timer: the gauges sampled every 5 minutes (each queue's length and oldest message's age, the attention list's
length), exported at once."""

from __future__ import annotations

import azure.functions as func

from functions.container import container
from integrations.telemetry import metrics

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated

EVERY_5_MINUTES = "0 */5 * * * *"


@bp.timer_trigger(arg_name="timer", schedule=EVERY_5_MINUTES, run_on_startup=False)
def telemetry_sampler(timer: func.TimerRequest) -> None:  # noqa: ARG001  # the host passes the timer
    container().gauges.sample()
    metrics.export_now()
