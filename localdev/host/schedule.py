"""Timer schedules: six-field NCRONTAB (seconds first) or a fixed TimeSpan interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from croniter import croniter

from localdev.host.timespan import is_timespan, parse_timespan


class Schedule(Protocol):
    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after moment."""
        ...


@dataclass(frozen=True)
class CronSchedule:
    expression: str

    def next_after(self, moment: datetime) -> datetime:
        occurrence: datetime = croniter(self.expression, moment, second_at_beginning=True).get_next(datetime)
        return occurrence


@dataclass(frozen=True)
class IntervalSchedule:
    interval: timedelta

    def next_after(self, moment: datetime) -> datetime:
        return moment + self.interval


def parse_schedule(text: str) -> CronSchedule | IntervalSchedule:
    """Parse a timer trigger's (already %resolved%) schedule the way the Functions host does."""
    if is_timespan(text):
        interval = parse_timespan(text)
        if interval <= timedelta(0):
            raise ValueError(f"timer interval must be positive: {text!r}")
        return IntervalSchedule(interval)
    fields = text.split()
    if len(fields) != 6 or not croniter.is_valid(text, second_at_beginning=True):
        raise ValueError(f"not a six-field NCRONTAB expression (sec min hour day month weekday): {text!r}")
    return CronSchedule(text)
