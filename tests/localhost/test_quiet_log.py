"""The local host's log leaves out timers' runs that did nothing, and nothing else."""

from __future__ import annotations

import logging

from localdev.host.quiet_log import RECOVERY, RUN_SUMMARY, QuietTimers

QUIET = QuietTimers(["payment_booking"])


def _record(message: str, *args: object, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("koppel", level, __file__, 1, message, args, None)


def _shown(record: logging.LogRecord) -> bool:
    return QUIET.filter(record)


def test_a_timers_invocation_lines_are_left_out_unless_it_failed():
    assert not _shown(_record("Executing 'Functions.%s' (Reason='%s', Id=%s)", "payment_booking", "Timer", 1))
    assert not _shown(_record("Executed 'Functions.%s' (Succeeded, Id=%s, Duration=%dms)", "payment_booking", 1, 3))
    failed = _record("Executed 'Functions.%s' (Failed, Id=%s, Duration=%dms)", "payment_booking", 1, 3, level=40)
    assert _shown(failed)
    assert _shown(_record("Executed 'Functions.%s' (Succeeded, Id=%s, Duration=%dms)", "order_worker", 1, 3))


def test_a_run_that_only_looked_is_left_out_and_one_that_did_something_shown():
    looked = "looked at 3, invoices filed 0, booked 0, parked 0"
    assert not _shown(_record(RUN_SUMMARY, "payments-bc", "", looked, 0.1, "", ""))
    assert _shown(
        _record(RUN_SUMMARY, "payments-bc", "", "looked at 3, invoices filed 0, booked 1, parked 0", 0.1, "", "")
    )
    assert _shown(_record(RUN_SUMMARY, "payments-bc", "", looked, 0.1, " (stopped early, resumes next run)", ""))
    assert _shown(_record(RUN_SUMMARY, "payments-bc", "", looked, 0.1, "", " (run was past due)"))


def test_a_recovery_that_took_nothing_in_is_left_out():
    assert not _shown(_record(RECOVERY, "woocommerce:shop-a", 2, "2026-12-07T07:00:00", 0, [], 0, ""))
    assert _shown(_record(RECOVERY, "woocommerce:shop-a", 2, "2026-12-07T07:00:00", 1, ["1"], 0, ""))
    assert _shown(_record(RECOVERY, "woocommerce:shop-a", 2, "2026-12-07T07:00:00", 0, [], 1, ""))
