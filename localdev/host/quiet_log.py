"""What `python -m localdev.host` (and so `make up`) leaves out of its log: timers' runs that did nothing.

Left out: a timer's `Executing` / `Executed (Succeeded)` lines, a run summary (functions/run_log.py) whose counts
after the first (what it looked at) are all 0, completed and on time, and an order recovery that took nothing in.
Every other line passes, failures and problems included; `--verbose` keeps them all.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

RUN_SUMMARY = "%s: %s%s in %.1f s%s%s"
RECOVERY = "order recovery %s: %d changed since %s, %d taken in %s, %d unreadable%s"
_INVOCATION = ("Executing 'Functions.%s'", "Executed 'Functions.%s' (Succeeded")


class QuietTimers(logging.Filter):
    def __init__(self, timer_names: Collection[str]) -> None:
        super().__init__()
        self._timers = frozenset(timer_names)

    def filter(self, record: logging.LogRecord) -> bool:
        return not (self._timer_invocation(record) or idle_run(record) or idle_recovery(record))

    def _timer_invocation(self, record: logging.LogRecord) -> bool:
        return (
            record.levelno == logging.INFO
            and str(record.msg).startswith(_INVOCATION)
            and isinstance(record.args, tuple)
            and bool(record.args)
            and record.args[0] in self._timers
        )


def idle_run(record: logging.LogRecord) -> bool:
    """A run summary saying the run only looked: every count after the first 0, completed, not past due."""
    if record.msg != RUN_SUMMARY or not isinstance(record.args, tuple) or len(record.args) != 6:
        return False
    _, _, figures, _, stopped, past_due = record.args
    try:
        counts = [int(str(figure).rsplit(" ", 1)[1]) for figure in str(figures).split(", ")]
    except (IndexError, ValueError):
        return False
    return not stopped and not past_due and not any(counts[1:])


def idle_recovery(record: logging.LogRecord) -> bool:
    """An order recovery that took nothing in and read everything, on time."""
    if record.msg != RECOVERY or not isinstance(record.args, tuple) or len(record.args) != 7:
        return False
    _, _, _, taken_in, _, unreadable, past_due = record.args
    return taken_in == 0 and unreadable == 0 and not past_due
