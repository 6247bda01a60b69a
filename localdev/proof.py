"""What the proof runs (chaos, payments, collisions) share: a local stack of their own on disk, counters their
threads add to, and a look at an order's dossier."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from localdev.azurite import ROOT, on_free_ports
from localdev.stack import LocalStack

R = TypeVar("R")


def on_own_stack(workdir: Path, run: Callable[[LocalStack], R], **options: Any) -> R:
    """Start a stack of its own: the host in a process of its own (its log in `workdir`), Azurite keeping its data
    under `workdir`, the repository's host.json; run `run` on it, stop everything."""
    stack = LocalStack(
        host_json=json.loads((ROOT / "host.json").read_text()),
        in_process=False,
        host_log=workdir / "host.log",
        azurite=on_free_ports(location=workdir / "azurite"),
        **options,
    )
    try:
        stack.start()
        return run(stack)
    finally:
        stack.stop()


class Tally:
    """Counters shared by the placing threads."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts
        self._lock = threading.Lock()

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self.counts[name] += amount


def read_dossier(http: httpx.Client, stack: LocalStack, path: str) -> dict[str, Any] | None:
    """The dossier at `path` (`/api/orders/<source>/<shop>/<id>`), or None while the host does not answer it."""
    try:
        response = http.get(f"{stack.host_url}{path}")
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    body: dict[str, Any] = response.json()
    return body
