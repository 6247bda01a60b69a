"""Keys of the `@idempotent(key:)` directive: a repeat with the same arguments answers the first result again
without applying anything; the same key with other arguments is refused. Keys are kept 24 hours per mutation."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

RETENTION_S = 24 * 3600
MISMATCH = "The same idempotency key cannot be used with different operation parameters."


@dataclass(frozen=True)
class _Entry:
    fingerprint: str
    payload: dict[str, Any]
    at: float


class IdempotencyStore:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], _Entry] = {}

    def recall(self, mutation: str, key: str, arguments: Mapping[str, Any]) -> dict[str, Any] | None:
        """The payload answered before for this key, or None when the key is new (or expired).

        Raises KeyMismatch when the key was used with other arguments.
        """
        entry = self._entries.get((mutation, key))
        if entry is None or self._clock() - entry.at > RETENTION_S:
            return None
        if entry.fingerprint != _fingerprint(arguments):
            raise KeyMismatch(MISMATCH)
        return entry.payload

    def remember(self, mutation: str, key: str, arguments: Mapping[str, Any], payload: dict[str, Any]) -> None:
        self._entries[(mutation, key)] = _Entry(_fingerprint(arguments), payload, self._clock())


class KeyMismatch(Exception):
    """The key was used before with different arguments: `IDEMPOTENCY_KEY_PARAMETER_MISMATCH`."""


def _fingerprint(arguments: Mapping[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, default=str)
