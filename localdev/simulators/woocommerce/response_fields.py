"""WordPress's `_fields` on a REST answer (rest_filter_response_fields, on `rest_post_dispatch`): only the named
fields of the object, or of each object of a list; `a.b` keeps `b` of `a` (WordPress 5.3 on). Names are split on
commas and spaces; none named, or an error answer: the answer as it is.

Source: WordPress/wordpress-develop src/wp-includes/rest-api.php (rest_filter_response_fields,
_rest_array_intersect_key_recursive)."""

from __future__ import annotations

import re
from typing import Any

FieldTree = dict[str, "FieldTree | bool"]


def only_fields(body: Any, raw: str | None) -> Any:
    """The answer's body trimmed to the `_fields` asked for (`raw`: the parameter, None when not sent)."""
    names = [name.strip() for name in re.split(r"[\s,]+", raw or "") if name.strip()]
    if not names:
        return body
    tree = _tree(names)
    if isinstance(body, list):
        return [_kept(item, tree) for item in body]
    return _kept(body, tree)


def _tree(names: list[str]) -> FieldTree:
    """`["id", "billing.email"]` -> `{"id": True, "billing": {"email": True}}`; a parent kept whole wins."""
    tree: FieldTree = {}
    for name in names:
        *parents, last = name.split(".")
        branch = tree
        for parent in parents:
            child = branch.setdefault(parent, {})
            if not isinstance(child, dict):
                break
            branch = child
        else:
            branch[last] = True
    return tree


def _kept(value: Any, tree: FieldTree) -> Any:
    """array_intersect_key, recursively: a list's keys are its indexes (`line_items.0`), a scalar is kept whole."""
    if isinstance(value, list):
        return [_branch(item, tree[str(index)]) for index, item in enumerate(value) if str(index) in tree]
    if not isinstance(value, dict):
        return value
    return {key: _branch(item, tree[key]) for key, item in value.items() if key in tree}


def _branch(value: Any, branch: FieldTree | bool) -> Any:
    return _kept(value, branch) if isinstance(branch, dict) else value
