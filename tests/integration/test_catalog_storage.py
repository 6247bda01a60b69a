"""What channels accepted and run summaries, on Azurite."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.catalog.listing import PushedListing
from domain.records import SyncRun
from integrations.storage.account import StorageAccount
from integrations.storage.pushed_listings import TablePushedListings, row_key
from integrations.storage.sync_runs import TableSyncRuns
from localdev.azurite import Azurite


def test_pushed_listings_are_kept_per_channel_in_transactions_beyond_one_hundred(azurite: Azurite) -> None:
    account = StorageAccount(azurite.connection_string)
    shop = TablePushedListings(account, f"woocommerce:{uuid.uuid4().hex[:8]}")
    other = TablePushedListings(account, f"woocommerce:{uuid.uuid4().hex[:8]}")
    rows = [PushedListing(sku=f"ART-{n:04d}", fingerprint=f"f{n}", channel_id=str(1000 + n)) for n in range(230)]
    odd = PushedListing(sku="KOF/1001#?", fingerprint="x", channel_id="7")

    shop.remember([*rows, odd])
    shop.remember([rows[0].model_copy(update={"fingerprint": "changed"})])

    stored = shop.all()
    assert len(stored) == 231
    assert stored["ART-0000"].fingerprint == "changed"
    assert stored["ART-0229"] == rows[229]
    assert stored["KOF/1001#?"] == odd
    assert other.all() == {}


def test_a_sku_table_storage_refuses_as_a_key_is_encoded():
    assert row_key("KOF-1001") == "KOF-1001"
    assert row_key("KOF/1001").startswith("b64-")
    assert "/" not in row_key("KOF/1001")


def test_the_latest_runs_come_newest_first(azurite: Azurite) -> None:
    runs = TableSyncRuns(StorageAccount(azurite.connection_string))
    name = f"catalog-{uuid.uuid4().hex[:8]}"
    start = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    recorded = [
        SyncRun(
            name=name,
            started_at=start + timedelta(minutes=15 * n),
            finished_at=start + timedelta(minutes=15 * n, seconds=4),
            read=250,
            changed=n,
            pushed=n,
            failed=0,
            completed=True,
        )
        for n in range(4)
    ]
    for run in recorded:
        runs.record(run)

    assert runs.latest(name, 2) == [recorded[3], recorded[2]]
    assert runs.latest("nothing-ran", 5) == []
