"""Fixtures every test folder may use: one Azurite for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localdev.azurite import Azurite, on_free_ports


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    with on_free_ports() as running:
        yield running
