"""`GET orders.json`: filters, `limit`, and cursor pagination with `page_info` (newest order first)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

DEFAULT_LIMIT = 50
MAX_LIMIT = 250
FILTERS = ("status", "financial_status", "updated_at_min", "updated_at_max", "created_at_min", "created_at_max")
STATUSES = ("open", "closed", "cancelled", "any")


class ListingError(Exception):
    """A bad query parameter, answered as 400 `{"errors": {name: message}}`."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class OrderListing:
    """One page request: the filters (carried inside the cursor), the page size and where the page starts."""

    filters: dict[str, str]
    limit: int
    before_id: int | None
    fields: tuple[str, ...] | None

    @classmethod
    def parse(cls, params: Mapping[str, str], zone: timezone) -> OrderListing:
        limit = _limit(params.get("limit"))
        fields = tuple(f.strip() for f in params["fields"].split(",")) if params.get("fields") else None
        page_info = params.get("page_info")
        if page_info is None:
            filters = {name: params[name] for name in FILTERS if name in params}
            _Filter(filters, zone)
            return cls(filters, limit, None, fields)
        if any(name in params for name in FILTERS):
            raise ListingError("page_info", "page_info cannot be combined with other filters; send limit and fields")
        filters, before_id = _decode(page_info)
        return cls(filters, limit, before_id, fields)

    def page(self, newest_first: list[dict[str, Any]], zone: timezone) -> tuple[list[dict[str, Any]], str | None]:
        """The orders of this page and the cursor of the next one, if there is more."""
        keep = _Filter(self.filters, zone)
        found = [o for o in newest_first if keep(o) and (self.before_id is None or o["id"] < self.before_id)]
        page = found[: self.limit]
        cursor = _encode(self.filters, page[-1]["id"]) if len(found) > self.limit else None
        if self.fields is not None:
            page = [{name: order[name] for name in self.fields if name in order} for order in page]
        return page, cursor


class _Filter:
    def __init__(self, filters: Mapping[str, str], zone: timezone) -> None:
        self.status = filters.get("status", "open")
        if self.status not in STATUSES:
            raise ListingError("status", f"must be one of {', '.join(STATUSES)}")
        self.financial_status = filters.get("financial_status", "any")
        self.bounds = {
            field: (_moment(filters, f"{field}_min", zone), _moment(filters, f"{field}_max", zone))
            for field in ("updated_at", "created_at")
        }

    def __call__(self, order: dict[str, Any]) -> bool:
        status_ok = {
            "open": order["closed_at"] is None and order["cancelled_at"] is None,
            "closed": order["closed_at"] is not None,
            "cancelled": order["cancelled_at"] is not None,
            "any": True,
        }[self.status]
        paid_ok = self.financial_status in ("any", order["financial_status"])
        return status_ok and paid_ok and all(_within(order[field], *self.bounds[field]) for field in self.bounds)


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ListingError("limit", f"must be an integer between 1 and {MAX_LIMIT}")
    return int(raw)


def _within(stamp: str, low: datetime | None, high: datetime | None) -> bool:
    """Both bounds are inclusive."""
    moment = datetime.fromisoformat(stamp)
    return (low is None or moment >= low) and (high is None or moment <= high)


def _moment(filters: Mapping[str, str], name: str, zone: timezone) -> datetime | None:
    """ISO 8601; a time without an offset is in the shop's time zone."""
    raw = filters.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ListingError(name, "must be an ISO 8601 date and time") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _encode(filters: dict[str, str], before_id: int) -> str:
    raw = json.dumps({"filters": filters, "before_id": before_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(page_info: str) -> tuple[dict[str, str], int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(page_info + "=" * (-len(page_info) % 4)))
        filters, before_id = data["filters"], data["before_id"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise ListingError("page_info", "Invalid value.") from exc
    if not isinstance(before_id, int) or not isinstance(filters, dict):
        raise ListingError("page_info", "Invalid value.")
    return {str(k): str(v) for k, v in filters.items()}, before_id
