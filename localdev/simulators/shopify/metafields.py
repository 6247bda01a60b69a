"""`MetafieldInput` lists as `productSet` treats them: entries are matched by namespace and key, given ones are
created or updated, existing ones not given are deleted."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from localdev.simulators.shopify.catalog import IdSequence, Metafield
from localdev.simulators.shopify.gql_errors import UserError

DEFAULT_NAMESPACE = "$app"


def _is_int(value: str) -> bool:
    return re.fullmatch(r"-?\d+", value) is not None


def _is_decimal(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _is_json_list(value: str) -> bool:
    return _is_json(value) and isinstance(json.loads(value), list)


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "single_line_text_field": lambda value: "\n" not in value,
    "multi_line_text_field": lambda _value: True,
    "number_integer": _is_int,
    "number_decimal": _is_decimal,
    "boolean": lambda value: value in ("true", "false"),
    "json": _is_json,
    "url": lambda value: re.match(r"https?://\S+$", value) is not None,
    "date": _is_date,
    "date_time": _is_date_time,
    "color": lambda value: re.fullmatch(r"#[0-9A-Fa-f]{6}", value) is not None,
}


def metafield_errors(
    entries: list[Mapping[str, Any]], existing: list[Metafield], path: tuple[str, ...]
) -> Iterator[UserError]:
    """What is wrong with a `metafields` list; `existing` supplies the type of entries that omit it."""
    known = {(m.namespace, m.key): m.type for m in existing}
    for index, entry in enumerate(entries):
        where = (*path, str(index))
        key = entry.get("key")
        if not key:
            yield UserError((*where, "key"), "Key can't be blank", "INVALID_METAFIELD")
            continue
        kind = entry.get("type") or known.get((entry.get("namespace") or DEFAULT_NAMESPACE, key))
        yield from _value_errors(kind, entry.get("value"), where)


def _value_errors(kind: str | None, value: str | None, where: tuple[str, ...]) -> Iterator[UserError]:
    if kind is None:
        yield UserError((*where, "type"), "Type can't be blank", "INVALID_METAFIELD")
    elif not (kind in VALIDATORS or kind.startswith("list.")):
        yield UserError((*where, "type"), f"Type '{kind}' is not a valid metafield type.", "INVALID_METAFIELD")
    elif value is None:
        yield UserError((*where, "value"), "Value can't be blank", "INVALID_METAFIELD")
    elif not VALIDATORS.get(kind, _is_json_list)(value):
        yield UserError((*where, "value"), f"Value is invalid for type '{kind}'.", "INVALID_METAFIELD")


def set_metafields(ids: IdSequence, existing: list[Metafield], entries: list[Mapping[str, Any]]) -> list[Metafield]:
    """The list after `productSet`: existing entries keep their id when namespace and key match."""
    by_key = {(m.namespace, m.key): m for m in existing}
    result = []
    for entry in entries:
        namespace = entry.get("namespace") or DEFAULT_NAMESPACE
        previous = by_key.get((namespace, entry["key"]))
        kind = entry.get("type") or (previous.type if previous else "")
        metafield_id = previous.id if previous else ids.next("Metafield")
        result.append(Metafield(metafield_id, namespace, entry["key"], kind, entry["value"]))
    return result
