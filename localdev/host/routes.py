"""ASP.NET-style route templates as the Functions host matches them: {name}, {name?}, {name=default},
{*rest} and constraints such as {id:int} or {code:alpha:length(2)}."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

Check = Callable[[str], bool]

_PARAMETER = re.compile(r"\{([^{}]+)\}")
_NUMBER = r"-?\d+(?:\.\d+)?"
_PATTERNS: dict[str, str] = {
    "int": r"-?\d+",
    "long": r"-?\d+",
    "alpha": r"[A-Za-z]+",
    "bool": r"(?i:true|false)",
    "guid": r"\{?[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}\}?",
    "decimal": _NUMBER,
    "double": _NUMBER,
    "float": _NUMBER,
}
_LITERAL, _MIXED, _CONSTRAINED, _PLAIN, _OPTIONAL, _CATCH_ALL = range(6)
"""Segment kinds in match precedence: a literal segment beats a parameter, and so on."""


class RouteError(ValueError):
    """A route template the local host cannot parse."""


@dataclass(frozen=True)
class RouteTemplate:
    template: str
    pattern: re.Pattern[str]
    checks: tuple[tuple[str, Check], ...]
    defaults: tuple[tuple[str, str], ...]
    precedence: tuple[int, ...]

    def match(self, raw_path: str) -> dict[str, str] | None:
        """Route values for a percent-encoded path without leading or trailing '/', or None."""
        found = self.pattern.fullmatch(raw_path)
        if found is None:
            return None
        values = dict(self.defaults)
        values.update({name: unquote(value) for name, value in found.groupdict().items() if value is not None})
        if all(check(values[name]) for name, check in self.checks if name in values):
            return values
        return None


def compile_route(template: str) -> RouteTemplate:
    segments = [segment for segment in template.strip("/").split("/") if segment] or [""]
    parts: list[str] = []
    checks: list[tuple[str, Check]] = []
    defaults: list[tuple[str, str]] = []
    precedence: list[int] = []
    for index, segment in enumerate(segments):
        separator = "/" if index else ""
        whole = _PARAMETER.fullmatch(segment)
        if whole is None:
            parts.append(separator + _mixed_segment(segment, template, checks))
            precedence.append(_MIXED if _PARAMETER.search(segment) else _LITERAL)
            continue
        parameter = _Parameter.parse(whole.group(1), template)
        checks.extend((parameter.name, check) for check in parameter.checks)
        if parameter.default is not None:
            defaults.append((parameter.name, parameter.default))
        group = f"(?P<{parameter.name}>{parameter.pattern})"
        if parameter.optional:
            if index != len(segments) - 1:
                raise RouteError(f"route {template!r}: only the last segment may be optional")
            parts.append(f"(?:{separator}{group})?")
        else:
            parts.append(separator + group)
        precedence.append(parameter.kind)
    try:
        pattern = re.compile("".join(parts), re.IGNORECASE)
    except re.error as error:
        raise RouteError(f"route {template!r}: {error}") from error
    return RouteTemplate(template, pattern, tuple(checks), tuple(defaults), tuple(precedence))


def _mixed_segment(segment: str, template: str, checks: list[tuple[str, Check]]) -> str:
    """Regex for a segment of literals with embedded required parameters, such as 'file.{ext}'."""
    pattern, position = "", 0
    for found in _PARAMETER.finditer(segment):
        parameter = _Parameter.parse(found.group(1), template)
        if parameter.optional:
            raise RouteError(f"route {template!r}: a parameter sharing a segment cannot be optional")
        checks.extend((parameter.name, check) for check in parameter.checks)
        literal = segment[position : found.start()]
        pattern += re.escape(literal) + f"(?P<{parameter.name}>{parameter.pattern})"
        position = found.end()
    return pattern + re.escape(segment[position:])


@dataclass(frozen=True)
class _Parameter:
    name: str
    pattern: str
    checks: tuple[Check, ...]
    optional: bool
    default: str | None
    kind: int

    @classmethod
    def parse(cls, text: str, template: str) -> _Parameter:
        catch_all = text.startswith("*")
        text = text.lstrip("*")
        text, _, default = text.partition("=")
        optional = text.endswith("?") or bool(default) or catch_all
        name, *constraints = text.rstrip("?").split(":")
        if not name.isidentifier():
            raise RouteError(f"route {template!r}: invalid parameter name {name!r}")
        pattern = ".*" if catch_all else r"[^/]+"
        checks: list[Check] = []
        for constraint in constraints:
            pattern, extra = _constraint(constraint, pattern, template)
            checks.extend(extra)
        if catch_all:
            kind = _CATCH_ALL
        elif optional:
            kind = _OPTIONAL
        else:
            kind = _CONSTRAINED if constraints else _PLAIN
        return cls(name, pattern, tuple(checks), optional, default or None, kind)


def _constraint(constraint: str, pattern: str, template: str) -> tuple[str, list[Check]]:
    """The value pattern and checks a constraint such as 'int' or 'maxlength(8)' imposes."""
    if constraint in _PATTERNS:
        return _PATTERNS[constraint], [_PARSERS[constraint]] if constraint in _PARSERS else []
    if constraint == "datetime":
        return pattern, [_parses(datetime.fromisoformat)]
    found = re.fullmatch(r"(\w+)\((-?\d+)(?:,(-?\d+))?\)", constraint)
    if found is None or found.group(1) not in _RANGES:
        raise RouteError(f"route {template!r}: unsupported constraint {constraint!r}")
    low = int(found.group(2))
    high = int(found.group(3)) if found.group(3) is not None else None
    return pattern, [_RANGES[found.group(1)](low, high)]


def _parses(parser: Callable[[str], object]) -> Check:
    def check(value: str) -> bool:
        try:
            parser(value)
        except ValueError:
            return False
        return True

    return check


def _between(low: int, high: int) -> Check:
    def check(value: str) -> bool:
        try:
            return low <= int(value) <= high
        except ValueError:
            return False

    return check


_PARSERS: dict[str, Check] = {
    "int": _between(-(2**31), 2**31 - 1),
    "long": _between(-(2**63), 2**63 - 1),
    "guid": _parses(uuid.UUID),
}
_RANGES: dict[str, Callable[[int, int | None], Check]] = {
    "minlength": lambda low, _: lambda value: len(value) >= low,
    "maxlength": lambda high, _: lambda value: len(value) <= high,
    "length": lambda low, high: lambda value: low <= len(value) <= (low if high is None else high),
    "min": lambda low, _: _between(low, 2**63),
    "max": lambda high, _: _between(-(2**63), high),
    "range": lambda low, high: _between(low, low if high is None else high),
}
