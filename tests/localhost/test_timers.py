"""Timer triggers: NCRONTAB and TimeSpan schedules, runOnStartup, past_due after an overrun, failures."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime

import azure.functions as func
import pytest

from localdev.host import LocalHost
from localdev.host.metadata import MetadataError
from localdev.host.schedule import CronSchedule, IntervalSchedule, parse_schedule
from tests.localhost.support import wait_until


def timer_app(handler, schedule: str, run_on_startup: bool = False) -> func.FunctionApp:
    app = func.FunctionApp()

    @app.timer_trigger(schedule=schedule, arg_name="timer", run_on_startup=run_on_startup)
    def tick(timer: func.TimerRequest) -> None:
        handler(timer)

    return app


class Recorder:
    """Records each call's past_due and start time; optionally sleeps or raises on given calls."""

    def __init__(self, sleep_on_first: float = 0.0, fail: bool = False) -> None:
        self.calls: list[tuple[bool, datetime]] = []
        self.running = 0
        self.peak = 0
        self._lock = threading.Lock()
        self._sleep_on_first = sleep_on_first
        self._fail = fail

    def __call__(self, timer: func.TimerRequest) -> None:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.calls.append((timer.past_due, datetime.now(UTC)))
            first = len(self.calls) == 1
        if first and self._sleep_on_first:
            time.sleep(self._sleep_on_first)
        with self._lock:
            self.running -= 1
        if self._fail:
            raise RuntimeError("timer body failed")


def test_fires_every_second_on_ncrontab_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOPPEL_TEST_SCHEDULE", "* * * * * *")
    recorder = Recorder()
    with LocalHost(timer_app(recorder, "%KOPPEL_TEST_SCHEDULE%"), port=0):
        wait_until(lambda: len(recorder.calls) >= 3, timeout=5)
    assert [past_due for past_due, _ in recorder.calls] == [False] * len(recorder.calls)
    starts = [started for _, started in recorder.calls]
    assert all(started.microsecond < 300_000 for started in starts)
    assert all(0.7 < (later - earlier).total_seconds() < 1.3 for earlier, later in itertools.pairwise(starts))


def test_timespan_schedule() -> None:
    recorder = Recorder()
    with LocalHost(timer_app(recorder, "00:00:00.5"), port=0):
        wait_until(lambda: len(recorder.calls) >= 2, timeout=3)


def test_past_due_after_overrun_and_never_concurrent() -> None:
    recorder = Recorder(sleep_on_first=2.2)
    with LocalHost(timer_app(recorder, "* * * * * *"), port=0):
        wait_until(lambda: len(recorder.calls) >= 3, timeout=6)
    past_due = [flag for flag, _ in recorder.calls]
    assert past_due[:3] == [False, True, False]
    assert recorder.peak == 1


def test_run_on_startup() -> None:
    recorder = Recorder()
    started = datetime.now(UTC)
    with LocalHost(timer_app(recorder, "0 0 0 1 1 *", run_on_startup=True), port=0):
        wait_until(lambda: len(recorder.calls) == 1, timeout=2)
    past_due, called = recorder.calls[0]
    assert past_due is False
    assert (called - started).total_seconds() < 1


def test_failure_is_logged_and_next_occurrence_still_fires(caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder(fail=True)
    with LocalHost(timer_app(recorder, "* * * * * *", run_on_startup=True), port=0):
        wait_until(lambda: len(recorder.calls) >= 2, timeout=3)
    assert "timer body failed" in caplog.text


def test_schedule_parsing() -> None:
    assert parse_schedule("0 */5 * * * *") == CronSchedule("0 */5 * * * *")
    assert parse_schedule("01:30:00").interval.total_seconds() == 5400  # type: ignore[union-attr]
    assert isinstance(parse_schedule("1.00:00:00"), IntervalSchedule)
    for invalid in ("*/5 * * * *", "61 * * * * *", "nonsense"):
        with pytest.raises(ValueError, match="NCRONTAB"):
            parse_schedule(invalid)


def test_invalid_schedule_fails_at_startup() -> None:
    with pytest.raises(MetadataError, match="NCRONTAB"):
        LocalHost(timer_app(Recorder(), "*/5 * * * *"), port=0)


def test_trigger_parameter_must_exist() -> None:
    app = func.FunctionApp()

    @app.timer_trigger(schedule="* * * * * *", arg_name="timer")
    def tick(other: func.TimerRequest) -> None: ...

    with pytest.raises(MetadataError, match="no parameter 'timer'"):
        LocalHost(app, port=0)
