"""Stay inside BC online's limits from this process: requests in flight and requests per sliding window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class RequestThrottle:
    def __init__(self, max_in_flight: int, max_per_window: int, window_seconds: float = 300.0) -> None:
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._max_per_window = max_per_window
        self._window = window_seconds
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a free in-flight slot, then for room in the window (so the request is counted in the window it is
        sent in); hold the slot while the request runs."""
        with self._slots:
            self._wait_for_window()
            yield

    def _wait_for_window(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                while self._sent and now - self._sent[0] >= self._window:
                    self._sent.popleft()
                if len(self._sent) < self._max_per_window:
                    self._sent.append(now)
                    return
                pause = self._window - (now - self._sent[0])
            time.sleep(min(max(pause, 0.01), 1.0))
