"""Timer: poll each shop for orders whose webhooks Koppel may have missed (schedule: KOPPEL_RECOVERY_SCHEDULE)."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.orders.recover_orders import recover_missed_orders
from functions.container import container
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)
RUN = "order-recovery"
"""The `koppel.run` dimension of its log lines and calls (it keeps no run summaries)."""


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_RECOVERY_SCHEDULE%", run_on_startup=False)
def recover_orders(timer: func.TimerRequest) -> None:
    app = container()
    with about(run=RUN):
        for report in recover_missed_orders(app.recovery, app.order_feeds):
            if report.error:
                log.warning("order recovery %s failed, tried again next run: %s", report.scope, report.error)
                continue
            log.info(
                "order recovery %s: %d changed since %s, %d taken in %s, %d unreadable%s",
                report.scope,
                report.seen,
                report.since.isoformat(timespec="seconds"),
                len(report.recovered),
                report.recovered[:20],
                report.unreadable,
                " (run was past due)" if timer.past_due else "",
            )
