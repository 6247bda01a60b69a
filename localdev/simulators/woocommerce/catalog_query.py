"""`GET /products` and `GET /products/{id}/variations` parameters, checked as WordPress does, and the page they pick.

`status` defaults to `any`: every status but trash (and auto-draft). `sku` takes a comma-separated list, matches
exactly (case-insensitively, as MySQL does) and also finds variations, which /products then shows as type
`variation`. Dates are compared in UTC; `after`/`before` bounds are exclusive. Paging is by `page` or `offset`, with
`X-WP-Total` and `X-WP-TotalPages`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from localdev.simulators.woocommerce.catalog_schema import PRODUCT_TYPES, STOCK_STATUSES
from localdev.simulators.woocommerce.products import Product
from localdev.simulators.woocommerce.site_time import parse_query_date
from localdev.simulators.woocommerce.wc_values import to_bool
from localdev.simulators.woocommerce.wp_schema import BOOLEAN, INTEGER, STRING, Rule, one_of, validate

MAX_PER_PAGE = 100
PRODUCT_ORDER_BY = ("date", "id", "include", "title", "slug", "modified", "menu_order", "price", "popularity", "rating")
VARIATION_ORDER_BY = PRODUCT_ORDER_BY[:7]
LIST_STATUSES = ("any", "future", "trash", "draft", "pending", "private", "publish")
HIDDEN_FROM_ANY = frozenset({"trash", "auto-draft"})
_DATE = Rule(("string",), date_time=True)
ID_LIST = Rule(("array",), items=INTEGER)
"""A list of ids (`include`, `exclude`): an array, or a string of ids split on commas and spaces."""
SortKey = Callable[[Product], tuple[Any, ...]]


def _rules(order_by: tuple[str, ...], with_type: bool) -> dict[str, Rule]:
    rules: dict[str, Rule] = {
        "context": one_of("view", "edit"),
        "page": Rule(("integer",), minimum=1),
        "per_page": Rule(("integer",), minimum=1, maximum=MAX_PER_PAGE),
        "search": STRING,
        "after": _DATE,
        "before": _DATE,
        "modified_after": _DATE,
        "modified_before": _DATE,
        "dates_are_gmt": BOOLEAN,
        "exclude": ID_LIST,
        "include": ID_LIST,
        "offset": INTEGER,
        "order": one_of("asc", "desc"),
        "orderby": one_of(*order_by),
        "slug": STRING,
        "status": one_of(*LIST_STATUSES),
        "sku": STRING,
        "stock_status": one_of(*STOCK_STATUSES),
    }
    if with_type:
        rules["type"] = one_of(*PRODUCT_TYPES)
    return rules


PRODUCT_RULES = _rules(PRODUCT_ORDER_BY, with_type=True)
VARIATION_RULES = _rules(VARIATION_ORDER_BY, with_type=False)


@dataclass(frozen=True)
class Page:
    items: list[Product]
    total: int
    total_pages: int


@dataclass(frozen=True)
class CatalogQuery:
    page: int = 1
    per_page: int = 10
    offset: int | None = None
    statuses: frozenset[str] | None = None
    product_type: str | None = None
    skus: tuple[str, ...] = ()
    slug: str | None = None
    stock_status: str | None = None
    search: tuple[str, ...] = ()
    include: tuple[int, ...] = ()
    exclude: frozenset[int] = field(default_factory=frozenset)
    after: datetime | None = None
    before: datetime | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    orderby: str = "date"
    descending: bool = True
    edit: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str], site_offset: timedelta, variations: bool = False) -> CatalogQuery:
        validate(params, VARIATION_RULES if variations else PRODUCT_RULES)
        offset = timedelta(0) if to_bool(params.get("dates_are_gmt", "false")) else site_offset
        status = params.get("status", "any")
        sku = params.get("sku", "")
        skus = [part for part in sku.split(",") if part] + ([sku] if "," in sku else [])

        def moment(name: str) -> datetime | None:
            raw = params.get(name)
            return None if raw is None else parse_query_date(raw, offset)

        return cls(
            page=int(float(params.get("page", "1"))),
            per_page=int(float(params.get("per_page", "10"))),
            offset=abs(int(float(params["offset"]))) if "offset" in params else None,
            statuses=None if status == "any" else frozenset({status}),
            product_type=params.get("type"),
            skus=tuple(dict.fromkeys(part.strip().casefold() for part in skus if part.strip())),
            slug=params.get("slug"),
            stock_status=params.get("stock_status"),
            search=tuple(params.get("search", "").casefold().split()),
            include=id_list(params.get("include", "")),
            exclude=frozenset(id_list(params.get("exclude", ""))),
            after=moment("after"),
            before=moment("before"),
            modified_after=moment("modified_after"),
            modified_before=moment("modified_before"),
            orderby=params.get("orderby", "date"),
            descending=params.get("order", "desc") == "desc",
            edit=params.get("context") == "edit",
        )

    @property
    def reads_trash(self) -> bool:
        return self.statuses is not None and "trash" in self.statuses

    def matches(self, item: Product) -> bool:
        if (item.status in HIDDEN_FROM_ANY) if self.statuses is None else (item.status not in self.statuses):
            return False
        if self.skus and item.sku.casefold() not in self.skus:
            return False
        if self.product_type is not None and item.type != self.product_type:
            return False
        checks = (
            self.slug is None or item.slug == self.slug,
            self.stock_status is None or item.stock_status == self.stock_status,
            not self.include or item.id in self.include,
            item.id not in self.exclude,
            all(term in _haystack(item) for term in self.search),
        )
        return all(checks) and self._in_dates(item)

    def select(self, items: Iterable[Product], price_key: SortKey) -> Page:
        found = sorted((item for item in items if self.matches(item)), key=self._sort_key(price_key))
        if self.descending and self.orderby != "include":
            found.reverse()
        start = self.offset if self.offset is not None else (self.page - 1) * self.per_page
        return Page(found[start : start + self.per_page], len(found), math.ceil(len(found) / self.per_page))

    def _in_dates(self, item: Product) -> bool:
        return (
            (self.after is None or item.created > self.after)
            and (self.before is None or item.created < self.before)
            and (self.modified_after is None or item.modified > self.modified_after)
            and (self.modified_before is None or item.modified < self.modified_before)
        )

    def _sort_key(self, price_key: SortKey) -> SortKey:
        """WooCommerce's catalog ordering; ties go by id, as `date ID` does. `popularity` and `rating` have nothing
        to go on here (no sales, no reviews), so they order by id."""
        place = {item_id: index for index, item_id in enumerate(self.include)}
        keys: dict[str, SortKey] = {
            "date": lambda item: (item.created, item.id),
            "modified": lambda item: (item.modified, item.id),
            "title": lambda item: (item.name.casefold(), item.id),
            "slug": lambda item: (item.slug, item.id),
            "menu_order": lambda item: (item.menu_order, item.name.casefold(), item.id),
            "include": lambda item: (place.get(item.id, len(place)), item.id),
            "price": price_key,
        }
        return keys.get(self.orderby, lambda item: (item.id,))


def _haystack(item: Product) -> str:
    return f"{item.name}\n{item.short_description}\n{item.description}".casefold()


def id_list(raw: str) -> tuple[int, ...]:
    """wp_parse_id_list: comma- or space-separated, absolute values, no repeats."""
    parts = (part for part in raw.replace(",", " ").split() if part)
    return tuple(dict.fromkeys(abs(int(float(part))) for part in parts))
