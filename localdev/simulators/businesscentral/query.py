"""OData query options ($filter, $orderby, $top, $skip, $select, $expand, $count) and server-side paging."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from localdev.simulators.businesscentral.enum_names import odata_enum_name
from localdev.simulators.businesscentral.errors import bad_request, could_not_find_property
from localdev.simulators.businesscentral.odata_filter import Predicate, parse_filter
from localdev.simulators.businesscentral.schema import EntityType

Record = dict[str, Any]
KNOWN_OPTIONS = frozenset({"$filter", "$orderby", "$top", "$skip", "$select", "$expand", "$count", "$skiptoken"})


@dataclass(frozen=True)
class QueryOptions:
    predicate: Predicate | None = None
    orderby: tuple[tuple[str, bool], ...] = ()
    top: int | None = None
    skip: int = 0
    select: tuple[str, ...] | None = None
    expand: frozenset[str] = frozenset()
    count: bool = False
    offset: int = 0
    filtered: frozenset[str] = frozenset()
    """The fields $filter names."""


@dataclass(frozen=True)
class Page:
    records: list[Record]
    total: int
    """Entities matching $filter, before $skip and $top: the value of @odata.count."""
    next_offset: int | None


def parse_query(query: Mapping[str, str], entity: EntityType) -> QueryOptions:
    """The query options of a request."""
    for name in query:
        if name.startswith("$") and name not in KNOWN_OPTIONS:
            raise bad_request(f"The query parameter '{name}' is not supported.")
    predicate: Predicate | None = None
    filtered: frozenset[str] = frozenset()
    if "$filter" in query:
        predicate, filtered = parse_filter(query["$filter"], entity)
    return QueryOptions(
        predicate=predicate,
        filtered=filtered,
        orderby=_orderby(query.get("$orderby"), entity),
        top=_count_option(query, "$top"),
        skip=_count_option(query, "$skip") or 0,
        select=_select(query.get("$select"), entity),
        expand=_expand(query.get("$expand"), entity),
        count=_flag(query.get("$count")),
        offset=decode_skiptoken(query["$skiptoken"]) if "$skiptoken" in query else 0,
    )


def encode_skiptoken(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_skiptoken(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, number = text.split(":")
        if prefix == "offset" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_request("The $skiptoken is not valid.")


def page_of(records: Sequence[Record], options: QueryOptions, page_size: int) -> Page:
    """Filter, order, $skip/$top, then the page starting at the skiptoken's offset."""
    chosen = sort_records([r for r in records if options.predicate is None or options.predicate(r)], options.orderby)
    total = len(chosen)
    chosen = chosen[options.skip :]
    if options.top is not None:
        chosen = chosen[: options.top]
    end = options.offset + page_size
    return Page(chosen[options.offset : end], total, end if end < len(chosen) else None)


def sort_records(records: list[Record], orderby: tuple[tuple[str, bool], ...]) -> list[Record]:
    ordered = list(records)
    for name, descending in reversed(orderby):
        ordered.sort(key=_sort_key(name), reverse=descending)
    return ordered


def key_order(entity: EntityType) -> tuple[tuple[str, bool], ...]:
    return tuple((name, False) for name in entity.key_order)


def project(
    record: Record, select: tuple[str, ...] | None, hidden: tuple[str, ...] = (), enums: frozenset[str] = frozenset()
) -> Record:
    """The record as served: the $select-ed fields (all if None) and its ETag, never the `hidden` ones; the `enums`
    by their members' OData names, as BC serves every enum ("In Review" as `In_x0020_Review`, " " as `_x0020_`)."""
    if select is None:
        shown = {k: v for k, v in record.items() if k not in hidden}
    else:
        shown = {k: v for k, v in record.items() if k == "@odata.etag" or k in select}
    return {k: odata_enum_name(v) if k in enums and isinstance(v, str) else v for k, v in shown.items()}


def _sort_key(name: str) -> Callable[[Record], tuple[bool, Any]]:
    """Orders by one property, missing values first."""
    return lambda record: (record.get(name) is not None, record.get(name))


def _count_option(query: Mapping[str, str], name: str) -> int | None:
    if name not in query:
        return None
    text = query[name].strip()
    if not text.isdigit():
        raise bad_request(f"Invalid value '{query[name]}' for {name} query option found.")
    return int(text)


def _flag(text: str | None) -> bool:
    if text is None:
        return False
    if text not in ("true", "false"):
        raise bad_request(f"'{text}' is not a valid count option.")
    return text == "true"


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",")]
    if any(not name for name in names):
        raise bad_request(f"Syntax error in query option: '{text}'.")
    return names


def _select(text: str | None, entity: EntityType) -> tuple[str, ...] | None:
    if text is None:
        return None
    names = _names(text)
    for name in names:
        if entity.prop(name) is None:
            raise could_not_find_property(name, entity.type_name)
    return tuple(names)


def _expand(text: str | None, entity: EntityType) -> frozenset[str]:
    if text is None:
        return frozenset()
    names = _names(text)
    for name in names:
        if name not in entity.navigation:
            raise could_not_find_property(name, entity.type_name)
    return frozenset(names)


def _orderby(text: str | None, entity: EntityType) -> tuple[tuple[str, bool], ...]:
    if text is None:
        return key_order(entity)
    keys: list[tuple[str, bool]] = []
    for part in _names(text):
        words = part.split()
        if len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise bad_request(f"Syntax error in the $orderby query option: '{text}'.")
        if entity.prop(words[0]) is None:
            raise could_not_find_property(words[0], entity.type_name)
        keys.append((words[0], len(words) == 2 and words[1] == "desc"))
    return tuple(keys)
