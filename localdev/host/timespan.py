""".NET TimeSpan strings as host.json and timer schedules write them: "[d.]hh:mm:ss[.fff]"."""

from __future__ import annotations

import re
from datetime import timedelta

_TIMESPAN = re.compile(r"^(?:(?P<days>\d+)\.)?(?P<hours>\d{1,2}):(?P<minutes>\d{1,2}):(?P<seconds>\d{1,2}(?:\.\d+)?)$")


def is_timespan(text: str) -> bool:
    return _TIMESPAN.match(text.strip()) is not None


def parse_timespan(text: str) -> timedelta:
    match = _TIMESPAN.match(text.strip())
    if match is None:
        raise ValueError(f"not a TimeSpan (expected [d.]hh:mm:ss): {text!r}")
    return timedelta(
        days=int(match["days"] or 0),
        hours=int(match["hours"]),
        minutes=int(match["minutes"]),
        seconds=float(match["seconds"]),
    )
