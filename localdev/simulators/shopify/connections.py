"""Relay connections as Shopify serves them: `first`/`after` or `last`/`before`, at most 250 a page, opaque
cursors, `nodes`, `edges { cursor node }` and `pageInfo`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from graphql import GraphQLError, GraphQLResolveInfo

MAX_PAGE = 250
T = TypeVar("T")


def connection(
    info: GraphQLResolveInfo, items: Sequence[T], key: Callable[[T], str], arguments: Mapping[str, Any]
) -> dict[str, Any]:
    """One page of `items` (already in order); `key` gives the id a cursor stands for."""
    first, last = _page_size(info, arguments)
    ordered = list(reversed(items)) if arguments.get("reverse") else list(items)
    keys = [key(item) for item in ordered]
    after, before = arguments.get("after"), arguments.get("before")
    start = _position(info, keys, after) + 1 if after else 0
    end = _position(info, keys, before) if before else len(ordered)
    window = list(range(start, end))
    chosen = window[:first] if first is not None else window[max(0, len(window) - (last or 0)) :]
    return _page(ordered, keys, chosen, start, end)


def _page(ordered: Sequence[T], keys: list[str], chosen: list[int], start: int, end: int) -> dict[str, Any]:
    edges = [{"cursor": _cursor(keys[i]), "node": ordered[i]} for i in chosen]
    return {
        "nodes": [ordered[i] for i in chosen],
        "edges": edges,
        "pageInfo": {
            "hasNextPage": bool(chosen) and chosen[-1] < end - 1,
            "hasPreviousPage": bool(chosen) and chosen[0] > start,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _page_size(info: GraphQLResolveInfo, arguments: Mapping[str, Any]) -> tuple[int | None, int | None]:
    first, last = arguments.get("first"), arguments.get("last")
    if (first is None) == (last is None):
        raise GraphQLError(
            "you must provide one of first or last", info.field_nodes, extensions={"code": "BAD_REQUEST"}
        )
    size = first if first is not None else last
    if size is not None and not 0 <= size <= MAX_PAGE:
        name = "first" if first is not None else "last"
        message = f"The '{name}' argument must be between 0 and {MAX_PAGE}."
        raise GraphQLError(message, info.field_nodes, extensions={"code": "BAD_REQUEST"})
    return first, last


def _cursor(key: str) -> str:
    return base64.urlsafe_b64encode(f"cursor:{key}".encode()).decode()


def _position(info: GraphQLResolveInfo, keys: list[str], cursor: str) -> int:
    try:
        key = base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("cursor:")
        return keys.index(key)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise GraphQLError("Invalid cursor.", info.field_nodes, extensions={"code": "BAD_REQUEST"}) from error
