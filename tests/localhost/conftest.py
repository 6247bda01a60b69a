"""Per-test storage settings on the session's Azurite (tests/conftest.py)."""

from __future__ import annotations

import uuid

import pytest

from localdev.azurite import Azurite


@pytest.fixture
def storage(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> str:
    """AzureWebJobsStorage pointing at the session's Azurite; returns the connection string."""
    monkeypatch.setenv("AzureWebJobsStorage", azurite.connection_string)
    return azurite.connection_string


@pytest.fixture
def queue_name() -> str:
    """A fresh queue per test, so tests never see each other's messages."""
    return f"q{uuid.uuid4().hex[:20]}"
