"""OData query text, built so that webshop text can never change the meaning of a filter."""

from collections.abc import Iterable
from datetime import UTC, datetime


def literal(value: str) -> str:
    """An OData string literal: single quotes, a quote inside doubled ('O''Brien')."""
    return "'" + value.replace("'", "''") + "'"


def any_of(field: str, values: Iterable[str]) -> str:
    """`field eq 'a' or field eq 'b' ...`"""
    return " or ".join(f"{field} eq {literal(value)}" for value in values)


def moment(value: datetime) -> str:
    """An OData v4 DateTimeOffset literal (no quotes), in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
