"""Dates the WordPress way: each kept in UTC, shown twice (site-local without an offset, and `_gmt`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from localdev.simulators.woocommerce.wp_schema import is_numeric

_EPOCH = datetime(1970, 1, 1)


def seconds(moment: datetime) -> datetime:
    """A UTC moment to the second, as MySQL's DATETIME keeps it."""
    return moment.astimezone(UTC).replace(microsecond=0)


def rest_date(moment: datetime | None, offset: timedelta | None) -> str | None:
    """wc_rest_prepare_date_response: `Y-m-d\\TH:i:s`, site-local when `offset` is given, else GMT; None stays null."""
    if moment is None:
        return None
    shown = moment.astimezone(UTC) + (offset or timedelta(0))
    return shown.replace(tzinfo=None).isoformat(timespec="seconds")


def parse_query_date(raw: str, offset: timedelta) -> datetime:
    """An RFC 3339 query date (already checked); without an offset of its own it is read in `offset`."""
    moment = datetime.fromisoformat(raw.replace("t", "T").replace("z", "Z"))
    if moment.tzinfo is None:
        return (moment - offset).replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def wc_date(value: Any, offset: timedelta, gmt: bool) -> datetime | None:
    """WC_Data::set_date_prop as the product fields reach it: empty clears, a number is a UTC timestamp, a string
    without an offset is site-local (`_gmt` fields: UTC).

    An unreadable `_gmt` string clears the date (strtotime fails, the controller passes null); an unreadable local
    one becomes 1970-01-01 00:00 site time, as WordPress's get_gmt_from_date(gmdate(.., false)) makes it.
    """
    if value in (None, "", 0, "0", False, "0000-00-00 00:00:00"):
        return None
    if is_numeric(value):
        return datetime.fromtimestamp(int(float(value)), UTC)
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None if gmt else (_EPOCH - offset).replace(tzinfo=UTC)
    if moment.tzinfo is None:
        moment = (moment - (timedelta(0) if gmt else offset)).replace(tzinfo=UTC)
    return seconds(moment)
