"""`GET /orders` parameters, validated the way the WordPress REST API does, and the page they select.

`include` (ids, comma- or space-separated, checked as the catalog's lists check it) keeps only those orders, the
other filters still applying (the default `status=any` leaves trashed ones out); an id of no order finds nothing.
`_fields` is WordPress's own (response_fields.py)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from localdev.simulators.woocommerce.catalog_query import ID_LIST, id_list
from localdev.simulators.woocommerce.errors import invalid_param
from localdev.simulators.woocommerce.store import StoredOrder
from localdev.simulators.woocommerce.wp_schema import validate

STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash")
ORDER_BY = ("date", "id", "modified")
MAX_PER_PAGE = 100
_TRUE = ("true", "1")
_FALSE = ("false", "0")


@dataclass(frozen=True)
class Page:
    orders: list[StoredOrder]
    total: int
    total_pages: int


@dataclass(frozen=True)
class OrderQuery:
    """`statuses` None means `any`: every status but trash. Dates are UTC; bounds are exclusive."""

    modified_after: datetime | None = None
    modified_before: datetime | None = None
    statuses: frozenset[str] | None = None
    orderby: str = "date"
    descending: bool = True
    page: int = 1
    per_page: int = 10
    include: frozenset[int] = frozenset()
    """Empty: every order (WP_Query's `post__in` left out)."""

    @classmethod
    def parse(cls, params: Mapping[str, str], site_offset: timedelta) -> OrderQuery:
        gmt = _boolean(params, "dates_are_gmt")
        offset = timedelta(0) if gmt else site_offset
        order = params.get("order", "desc")
        if order not in ("asc", "desc"):
            raise invalid_param("order", "order is not one of asc and desc.")
        validate({"include": params.get("include")}, {"include": ID_LIST})
        orderby = params.get("orderby", "date")
        if orderby not in ORDER_BY:
            raise invalid_param("orderby", f"orderby is not one of {', '.join(ORDER_BY)}.")
        return cls(
            modified_after=_date(params, "modified_after", offset),
            modified_before=_date(params, "modified_before", offset),
            statuses=_statuses(params.get("status", "any")),
            orderby=orderby,
            descending=order == "desc",
            page=_integer(params, "page", 1, None),
            per_page=_integer(params, "per_page", 10, MAX_PER_PAGE),
            include=frozenset(id_list(params.get("include", ""))),
        )

    def matches(self, stored: StoredOrder) -> bool:
        status = stored.order.status
        if (status == "trash") if self.statuses is None else (status not in self.statuses):
            return False
        if self.include and stored.order_id not in self.include:
            return False
        if self.modified_after is not None and stored.modified <= self.modified_after:
            return False
        return self.modified_before is None or stored.modified < self.modified_before

    def select(self, orders: list[StoredOrder]) -> Page:
        key = _SORT_KEYS[self.orderby]
        found = sorted((o for o in orders if self.matches(o)), key=key, reverse=self.descending)
        start = (self.page - 1) * self.per_page
        return Page(found[start : start + self.per_page], len(found), math.ceil(len(found) / self.per_page))


_SORT_KEYS: dict[str, Callable[[StoredOrder], tuple[datetime | int, int]]] = {
    "date": lambda o: (o.order.created, o.order_id),
    "modified": lambda o: (o.modified, o.order_id),
    "id": lambda o: (o.order_id, 0),
}


def _boolean(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in _TRUE + _FALSE:
        raise invalid_param(name, f"{name} is not of type boolean.")
    return value in _TRUE


def _integer(params: Mapping[str, str], name: str, default: int, maximum: int | None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit():
        raise invalid_param(name, f"{name} is not of type integer.")
    value = int(raw)
    if value < 1 or (maximum is not None and value > maximum):
        bounds = f"between 1 (inclusive) and {maximum} (inclusive)" if maximum else "greater than or equal to 1"
        raise invalid_param(name, f"{name} must be {bounds}")
    return value


def _date(params: Mapping[str, str], name: str, offset: timedelta) -> datetime | None:
    """An ISO 8601 date; without an offset of its own it is read in `offset` (UTC or site-local)."""
    raw = params.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise invalid_param(name, "Invalid date.") from exc
    if moment.tzinfo is None:
        return (moment - offset).replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _statuses(raw: str) -> frozenset[str] | None:
    names = frozenset(part.strip() for part in raw.split(",") if part.strip())
    if "any" in names:
        return None
    unknown = names - set(STATUSES)
    if unknown or not names:
        raise invalid_param("status", f"status[0] is not one of any, {', '.join(STATUSES)}.")
    return names
