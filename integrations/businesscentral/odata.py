"""OData query text, built so that webshop text can never change the meaning of a filter."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime

_ENCODED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")


def literal(value: str) -> str:
    """An OData string literal: single quotes, a quote inside doubled ('O''Brien')."""
    return "'" + value.replace("'", "''") + "'"


def any_of(field: str, values: Iterable[str]) -> str:
    """`field eq 'a' or field eq 'b' ...`"""
    return " or ".join(f"{field} eq {literal(value)}" for value in values)


def moment(value: datetime) -> str:
    """An OData v4 DateTimeOffset literal (no quotes), in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def enum_value(served: object) -> str:
    """An enum member as BC means it, from the name its OData layer serves.

    API v2.0 and published pages serve enum members by name with every character not allowed in an identifier
    XML-encoded: "In Review" is `In_x0020_Review`, "G/L Account" `G_x002F_L_x0020_Account`, a blank member
    `_x0020_` (which decodes to " " and is stripped to ""). Every enum read from BC goes through here once, in
    the adapter, so the domain compares plain values. A value already plain passes unchanged; null is "".
    """
    if served is None:
        return ""
    return _ENCODED_CHARACTER.sub(lambda match: chr(int(match.group(1), 16)), str(served)).strip()


EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
"""No reference, as BC serves one and takes one (a blank Location Code from an empty locationId)."""


def reference(value: object) -> str:
    """A reference (an id) as BC serves it, "" for none: BC answers an empty reference as the all-zero GUID."""
    text = str(value or "")
    return "" if set(text) <= {"0", "-"} else text
