"""Storage clients read proxy settings once, at start, and still honour them as requests would."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import StorageUnavailable
from integrations.storage.account import StorageAccount
from localdev.azurite import Azurite
from localdev.ports import free_port


def test_a_proxy_from_the_environment_is_used(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.raises(StorageUnavailable):
        StorageAccount(azurite.connection_string).table(f"t{uuid.uuid4().hex[:12]}")


def test_no_proxy_exempts_the_storage_endpoint(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    table = StorageAccount(azurite.connection_string).table(f"t{uuid.uuid4().hex[:12]}")
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    assert table.get_entity("p", "r")["RowKey"] == "r"
