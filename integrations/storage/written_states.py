"""What each stored version of a record said (its state as a metric counts it), by row and ETag, as this process
read or wrote it: a write on an ETag then knows whether it changes the state, so a state is counted once when it is
reached, however often the write was tried again (an ETag conflict) or the record written again in that state."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

S = TypeVar("S")

KEPT = 4096
"""Versions remembered: the newest, well beyond the records a process has in hand at once."""


class WrittenStates(Generic[S]):
    """The state of the last KEPT versions read or written, each by (row, ETag)."""

    def __init__(self) -> None:
        self._states: OrderedDict[tuple[str, str], S] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, row: str, etag: str, state: S) -> None:
        with self._lock:
            self._states[(row, etag)] = state
            self._states.move_to_end((row, etag))
            while len(self._states) > KEPT:
                self._states.popitem(last=False)

    def learn(self, row: str, etag: str, state: S) -> None:
        """Remember `state` as read, unless this process knows that version's state already (it wrote it)."""
        with self._lock:
            if (row, etag) in self._states:
                return
        self.remember(row, etag, state)

    def before(self, row: str, etag: str, read: Callable[[], object]) -> S | None:
        """The state of version `etag` of `row`; when it is not remembered, `read` (which remembers the row's
        version now) is called first. None: the row is no longer at that version, so a write on it fails."""
        with self._lock:
            if (row, etag) in self._states:
                return self._states[(row, etag)]
        read()
        with self._lock:
            return self._states.get((row, etag))
