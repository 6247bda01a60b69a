"""One log line per timed run's summary, the same shape for every run; its problems as error lines."""

from __future__ import annotations

import logging

from domain.records import SyncRun

log = logging.getLogger("koppel.runs")


def log_run(run: SyncRun, past_due: bool) -> None:
    """The counts under the names the run gives them (e.g. "invoices filed" for the booking run)."""
    figures = ", ".join(f"{name} {value}" for name, value in run.counts.items())
    log.info(
        "%s: %s%s in %.1f s%s%s",
        run.name,
        "" if run.full else "delta, ",
        figures,
        run.seconds,
        "" if run.completed else " (stopped early, resumes next run)",
        " (run was past due)" if past_due else "",
    )
    for problem in run.problems:
        log.error("%s: %s", run.name, problem)
