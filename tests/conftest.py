"""Fixtures every test folder may use: one Azurite for the whole session (per pytest-xdist worker), and loopback
ports of each worker's own."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from localdev.azurite import Azurite, on_free_ports
from localdev.ports import FREE_PORTS_SETTING

TEST_PORTS = range(20000, 32000)
"""Below the kernel's ephemeral ports (32768 and up on Linux), so no connection or bind to port 0 takes one."""


def pytest_configure(config: pytest.Config) -> None:
    """Each worker (`make test` runs pytest-xdist's gw0, gw1, ...) hands out ports from its own share of TEST_PORTS, so
    two workers never start a server on one port; a run without workers has them all."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    share = len(TEST_PORTS) // workers
    first = TEST_PORTS.start + worker * share
    os.environ[FREE_PORTS_SETTING] = f"{first}-{first + share - 1}"


STARTED_FIRST = ("tests/reliability/", "tests/package/")
"""The longest test files (proof runs of a minute or two, a virtual environment built): with `make test`'s workers
taking files in collection order, each starts on one of these, and none is left to run alone at the end."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_start_rank)


def _start_rank(item: pytest.Item) -> int:
    """The place of the item's folder in STARTED_FIRST; every other folder after them, in its own order."""
    ranks = (rank for rank, folder in enumerate(STARTED_FIRST) if item.nodeid.startswith(folder))
    return next(ranks, len(STARTED_FIRST))


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    with on_free_ports() as running:
        yield running
