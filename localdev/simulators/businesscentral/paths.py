"""OData resource paths: `companies(id)/salesOrders(id)/salesOrderLines` as segments with optional keys."""

from __future__ import annotations

import re
from dataclasses import dataclass

from localdev.simulators.businesscentral.entity_sets import ENTITY_TYPES
from localdev.simulators.businesscentral.errors import bad_request, not_found_segment
from localdev.simulators.businesscentral.validation import GUID_PATTERN

_SEGMENT = re.compile(r"^([A-Za-z$][A-Za-z0-9.$]*)(?:\((.*)\))?$")


@dataclass(frozen=True)
class Segment:
    name: str
    key: str | None


def parse_path(tail: str) -> list[Segment]:
    segments: list[Segment] = []
    for part in tail.strip("/").split("/"):
        if not part:
            continue
        match = _SEGMENT.match(part)
        if match is None:
            raise not_found_segment(part)
        key = match.group(2)
        if key is not None:
            key = key.strip()
            if not GUID_PATTERN.match(key):
                raise bad_request(f"Bad Request - Error in query syntax. The key value '{key}' is not a valid Guid.")
            key = key.lower()
        segments.append(Segment(match.group(1), key))
    return segments


def entity_of(tail: str) -> str | None:
    """The last entity set named in a path, for statistics; None when the path names none."""
    names = [m.group(1) for part in tail.split("/") if (m := _SEGMENT.match(part))]
    return next((name for name in reversed(names) if name in ENTITY_TYPES), None)
