"""WordPress's argument checks (`rest_validate_value_from_schema`), with its codes and sentences.

A route's arguments are checked before WooCommerce runs: every bad one is named in one 400 `rest_invalid_param`,
`data.params` holding each sentence and `data.details` each underlying error. A `None` value is not checked (WP skips
null parameters). The batch routes do not get this for their items: WooCommerce builds those requests itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from localdev.simulators.woocommerce.errors import WooError

_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:\d{2})?)?")
_BOOLEAN_STRINGS = ("false", "true", "0", "1")


@dataclass(frozen=True)
class Rule:
    """One schema entry: `types` in WordPress's names (string, integer, number, boolean, array, object, null)."""

    types: tuple[str, ...]
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    date_time: bool = False
    items: Rule | None = None
    properties: Mapping[str, Rule] = field(default_factory=dict)


def one_of(*values: str) -> Rule:
    return Rule(("string",), enum=values)


STRING = Rule(("string",))
INTEGER = Rule(("integer",))
BOOLEAN = Rule(("boolean",))
NULLABLE_STRING = Rule(("null", "string"))


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    data: dict[str, Any] | None = None


def is_numeric(value: object) -> bool:
    """PHP's is_numeric: numbers and numeric strings, never booleans."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and _NUMERIC.fullmatch(value) is not None)


def is_integer(value: object) -> bool:
    """rest_is_integer: numeric and a whole number ("5" and 5.0 pass, 5.5 does not)."""
    if not is_numeric(value):
        return False
    number = float(value)  # type: ignore[arg-type]
    return round(number) == number


def is_boolean(value: object) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        return value.lower() in _BOOLEAN_STRINGS
    return isinstance(value, int) and value in (0, 1)


def enum_sentence(param: str, values: tuple[str, ...]) -> str:
    """wp_sprintf's `%l`: "a", "a and b", "a, b, and c"."""
    if len(values) == 1:
        return f"{param} is not {values[0]}."
    if len(values) == 2:
        return f"{param} is not one of {values[0]} and {values[1]}."
    return f"{param} is not one of {', '.join(values[:-1])}, and {values[-1]}."


def check(value: Any, rule: Rule, param: str) -> Refusal | None:
    """The first thing wrong with `value`, or None."""
    kind = next((kind for kind in rule.types if _is_type(value, kind)), None)
    if kind is None:
        return Refusal("rest_invalid_type", f"{param} is not of type {','.join(rule.types)}.", {"param": param})
    return _check_parts(value, rule, kind, param) or _check_value(value, rule, kind, param)


def _check_parts(value: Any, rule: Rule, kind: str, param: str) -> Refusal | None:
    """An array's items and an object's known properties, each against its own rule."""
    parts: list[tuple[Any, Rule, str]] = []
    if kind == "array" and rule.items is not None:
        parts = [(item, rule.items, f"{param}[{index}]") for index, item in enumerate(_as_list(value))]
    elif kind == "object" and isinstance(value, dict):
        parts = [
            (value[name], sub, f"{param}[{name}]")
            for name, sub in rule.properties.items()
            if value.get(name) is not None
        ]
    return next((refusal for part in parts if (refusal := check(*part)) is not None), None)


def _check_value(value: Any, rule: Rule, kind: str, param: str) -> Refusal | None:
    if rule.enum is not None and kind == "string" and value not in rule.enum:
        return Refusal("rest_not_in_enum", enum_sentence(param, rule.enum))
    if rule.date_time and kind == "string" and _RFC3339.fullmatch(value) is None:
        return Refusal("rest_invalid_date", "Invalid date.")
    if kind in ("integer", "number"):
        return _bounds(float(value), rule, param)
    return None


def validate(values: Mapping[str, Any], rules: Mapping[str, Rule]) -> None:
    """Raise one `rest_invalid_param` naming every value that breaks its rule, in the rules' order."""
    params: dict[str, str] = {}
    details: dict[str, Any] = {}
    for name, rule in rules.items():
        value = values.get(name)
        if value is None:
            continue
        refusal = check(value, rule, name)
        if refusal is not None:
            params[name] = refusal.message
            details[name] = {"code": refusal.code, "message": refusal.message, "data": refusal.data}
    if params:
        raise WooError(400, "rest_invalid_param", f"Invalid parameter(s): {', '.join(params)}", params, details=details)


def _is_type(value: Any, kind: str) -> bool:
    checks = {
        "null": value is None,
        "string": isinstance(value, str),
        "boolean": is_boolean(value),
        "integer": is_integer(value),
        "number": is_numeric(value),
        "array": isinstance(value, list | str),
        "object": isinstance(value, dict | list) or value == "",
    }
    return checks[kind]


def _as_list(value: Any) -> list[Any]:
    """rest_is_array's reading: a list, or a string split on commas and spaces (wp_parse_list)."""
    if isinstance(value, list):
        return value
    return [part for part in re.split(r"[\s,]+", str(value)) if part]


def _bounds(number: float, rule: Rule, param: str) -> Refusal | None:
    low, high = rule.minimum, rule.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            return Refusal("rest_out_of_bounds", f"{param} must be between {low} (inclusive) and {high} (inclusive)")
        if low is not None:
            return Refusal("rest_out_of_bounds", f"{param} must be greater than or equal to {low}")
        return Refusal("rest_out_of_bounds", f"{param} must be less than or equal to {high}")
    return None
