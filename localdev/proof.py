"""What the proof runs (chaos, payments) share: a local stack of their own on disk, and counters their threads add
to."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

from localdev.azurite import on_free_ports
from localdev.stack import LocalStack


def stack_on_disk(workdir: Path, **options: Any) -> LocalStack:
    """The host in a process of its own (its log in `workdir`), Azurite keeping its data under `workdir`."""
    return LocalStack(
        in_process=False, host_log=workdir / "host.log", azurite=on_free_ports(location=workdir / "azurite"), **options
    )


class Tally:
    """Counters shared by the placing threads."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts
        self._lock = threading.Lock()

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self.counts[name] += amount
