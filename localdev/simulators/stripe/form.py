"""Stripe's form encoding: `metadata[order]=1001` is a map, `expand[]=latest_charge` a list."""

from __future__ import annotations

import re
from collections.abc import Iterable

from localdev.simulators.stripe.objects import StripeError

Form = dict[str, "str | list[str] | dict[str, str]"]
_KEY = re.compile(r"^([A-Za-z_]+)(?:\[([^\[\]]*)\])?$")


def parse_form(pairs: Iterable[tuple[str, str]]) -> Form:
    """400 `parameter_invalid` for keys nested deeper than one level, which no route here takes."""
    form: Form = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise StripeError(400, f"Invalid parameter: {key}", "parameter_invalid_string", key)
        name, inner = match.group(1), match.group(2)
        if inner is None:
            form[name] = value
        elif inner == "":
            listed = form.setdefault(name, [])
            if isinstance(listed, list):
                listed.append(value)
        else:
            mapped = form.setdefault(name, {})
            if isinstance(mapped, dict):
                mapped[inner] = value
    return form


def text(form: Form, name: str) -> str | None:
    value = form.get(name)
    if value is not None and not isinstance(value, str):
        raise StripeError(400, f"Invalid string: {value!r}", "parameter_invalid_string", name)
    return value


def positive_int(form: Form, name: str, required: bool) -> int | None:
    raw = text(form, name)
    if raw is None:
        if required:
            raise StripeError(400, f"Missing required param: {name}.", "parameter_missing", name)
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise StripeError(400, f"Invalid positive integer: {raw}", "parameter_invalid_integer", name)
    return int(raw)


def mapping(form: Form, name: str) -> dict[str, str]:
    value = form.get(name, {})
    if not isinstance(value, dict):
        raise StripeError(400, f"Invalid object: {name}", "parameter_invalid_object", name)
    return value


def only(form: Form, allowed: frozenset[str]) -> None:
    """Stripe refuses parameters it does not know."""
    for name in form:
        if name not in allowed:
            raise StripeError(400, f"Received unknown parameter: {name}", "parameter_unknown", name)
