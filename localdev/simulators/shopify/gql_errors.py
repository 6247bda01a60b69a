"""The two kinds of GraphQL error Shopify gives: `userErrors` inside a payload, and top-level `errors` entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

MAX_INPUT_ARRAY = 250


@dataclass(frozen=True)
class UserError:
    """One entry of a mutation's `userErrors`: `field` is the path into the arguments (indices as strings)."""

    field: tuple[str, ...] | None
    message: str
    code: str | None

    def to_json(self) -> dict[str, Any]:
        return {"field": None if self.field is None else list(self.field), "message": self.message, "code": self.code}


def field_error(
    info: GraphQLResolveInfo, message: str, code: str, argument_path: Sequence[str | int] = ()
) -> GraphQLError:
    """A top-level error about this root field; Shopify extends `path` into the arguments when one is at fault."""
    path = [info.path.key, *argument_path]
    return GraphQLError(message, info.field_nodes, path=path, extensions={"code": code})


def check_input_sizes(info: GraphQLResolveInfo, arguments: Mapping[str, Any], exempt: frozenset[str]) -> None:
    """Refuse any input array over 250 items, as every Admin API does, except at the `exempt` paths.

    Paths are argument names joined by dots without list indices, e.g. `input.variants`.
    """
    for path, size in _arrays(arguments, ()):
        if size > MAX_INPUT_ARRAY and ".".join(str(p) for p in path if isinstance(p, str)) not in exempt:
            message = f"The input array size of {size} is greater than the maximum allowed of {MAX_INPUT_ARRAY}."
            raise field_error(info, message, "MAX_INPUT_SIZE_EXCEEDED", path)


def _arrays(value: object, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], int]]:
    """Every list inside `value` with its path and length."""
    if isinstance(value, Mapping):
        return [found for key, item in value.items() for found in _arrays(item, (*path, key))]
    if isinstance(value, list):
        nested = [found for index, item in enumerate(value) for found in _arrays(item, (*path, index))]
        return [(path, len(value)), *nested]
    return []
