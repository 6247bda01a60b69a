"""The catalog timer runs every shop's catalog on its own: one failing run does not keep the others from running."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from domain.records import SyncRun
from functions import catalog
from tests.functions.conftest import trigger


def test_a_failing_shop_run_leaves_the_others_running_and_fails_the_invocation(
    app_settings: str, monkeypatch: pytest.MonkeyPatch
):
    ran: list[str] = []

    def run(sync: Any) -> SyncRun:
        ran.append(sync.name)
        if sync.name == "catalog-woocommerce-a":
            raise ValueError("the shop answered HTML")
        moment = datetime(2026, 11, 29, 6, tzinfo=UTC)
        return SyncRun(
            name=sync.name, started_at=moment, finished_at=moment, read=1, changed=0, pushed=0, failed=0, completed=True
        )

    syncs = {name: SimpleNamespace(name=name) for name in ("catalog-woocommerce-a", "catalog-shopify-b")}
    monkeypatch.setattr(catalog, "sync_catalog", run)
    monkeypatch.setattr(catalog, "container", lambda: SimpleNamespace(catalog_syncs=syncs))

    with pytest.raises(RuntimeError, match="catalog-woocommerce-a"):
        trigger("catalog_sync")(SimpleNamespace(past_due=False))

    assert ran == ["catalog-woocommerce-a", "catalog-shopify-b"]
