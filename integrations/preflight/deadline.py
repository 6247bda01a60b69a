"""The preflight within a deadline: each remote's checks run in a thread of their own, side by side, and whatever
has not finished when the deadline passes is reported as not finished, so that the answer comes in time (Azure
ends an HTTP request after 230 seconds, whatever the function does)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from domain.preflight import Check, PreflightChecks, failed

log = logging.getLogger(__name__)
DEADLINE_SECONDS = 60.0
"""Well inside Azure's 230 s for an HTTP answer; each call's own timeout may be longer (BC's is 120 s)."""


class _Run:
    """One remote's checks, as far as they got."""

    def __init__(self, remote: PreflightChecks) -> None:
        self.remote = remote
        self.checks: list[Check] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="preflight", daemon=True)

    def _run(self) -> None:
        try:
            for check in self.remote.checks():
                self.checks.append(check)
        except Exception as error:  # one remote's bug must not take the others' answers with it
            log.exception("preflight of %s stopped", self.remote.what)
            detail = f"the checks stopped: {type(error).__name__}"
            self.checks.append(failed(self.remote.what, detail, _REPORT))
        finally:
            self.done.set()


_REPORT = "run the preflight again; if it stops again, report it with the host log of this run"


def checks_within(remotes: Sequence[PreflightChecks], seconds: float = DEADLINE_SECONDS) -> list[Check]:
    """Every remote's checks in the order of `remotes`; a remote still running after `seconds` adds one failed
    check `not finished: <what>` after those it finished."""
    runs = [_Run(remote) for remote in remotes]
    for run in runs:
        run.thread.start()
    ends = time.monotonic() + seconds
    for run in runs:
        run.done.wait(max(0.0, ends - time.monotonic()))
    answer: list[Check] = []
    for run in runs:
        answer.extend(list(run.checks))
        if not run.done.is_set():
            answer.append(_not_finished(run.remote, seconds))
    return answer


def _not_finished(remote: PreflightChecks, seconds: float) -> Check:
    detail = f"no answer within {seconds:g} s; the checks of it listed before this one finished"
    fix = f"check that {remote.what} answers (a call waits until its timeout), then run the preflight again"
    return failed(f"not finished: {remote.what}", detail, fix)
