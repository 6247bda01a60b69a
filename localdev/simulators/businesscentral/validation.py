"""Checks a POST / PATCH body against an entity type, the way the BC API pages reject bad input."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from localdev.simulators.businesscentral.enum_names import enum_member
from localdev.simulators.businesscentral.errors import BCError, bad_request, unknown_property
from localdev.simulators.businesscentral.schema import EntityType, Kind, Prop

MAX_DECIMAL = 999_999_999_999
"""Beyond this an amount is surely a client bug; it also keeps cent arithmetic exact (NaN and inf fail too)."""
GUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def validate_body(entity: EntityType, body: object, navigation: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The body's writable properties; annotations dropped, `navigation` kept unchecked, anything else a 400."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    values: dict[str, Any] = {}
    for name, value in body.items():
        if name.startswith("@odata."):
            continue
        if name in navigation:
            values[name] = value
            continue
        prop = entity.prop(name)
        if prop is None:
            if name in entity.navigation:
                raise bad_request(f"Deep update is not supported for the navigation property '{name}'.")
            raise unknown_property(name, entity.type_name)
        if not prop.editable:
            raise bad_request(f"The property '{name}' is read-only and cannot be modified.")
        values[name] = check_value(prop, value)
    return values


def check_value(prop: Prop, value: object) -> object:
    """The value as stored; an enum given by its OData name (`_x0020_`, `In_x0020_Review`) is stored as its member."""
    if value is None:
        raise _cannot_convert("null", prop)
    if prop.kind is Kind.ENUM and isinstance(value, str):
        value = enum_member(value)
    if not _kind_accepts(prop, value):
        raise _cannot_convert(str(value), prop)
    if prop.max_length is not None and isinstance(value, str) and len(value) > prop.max_length:
        raise BCError(
            400,
            "BadRequest",
            f"The length of the string is {len(value)}, but it must be less than or equal to "
            f"{prop.max_length} characters. Property: {prop.name}",
        )
    if prop.kind is Kind.DECIMAL and isinstance(value, int):
        return float(value)
    if prop.is_code and isinstance(value, str):
        return value.upper()
    return value


def _kind_accepts(prop: Prop, value: object) -> bool:  # noqa: PLR0911 - one answer per EDM kind
    kind = prop.kind
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind is Kind.DECIMAL:
        return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) <= MAX_DECIMAL
    if kind is Kind.INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    if kind is Kind.GUID:
        return GUID_PATTERN.match(value) is not None
    if kind is Kind.ENUM:
        return not prop.choices or value in prop.choices
    if kind is Kind.DATE:
        return _parses(date.fromisoformat, value) and len(value) == 10
    if kind is Kind.DATETIME:
        return _parses(datetime.fromisoformat, value)
    return True


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _cannot_convert(literal: str, prop: Prop) -> BCError:
    return bad_request(
        f"Cannot convert the literal '{literal}' to the expected type '{prop.kind.value}' of property '{prop.name}'."
    )
