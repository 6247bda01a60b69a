"""Summaries of timed runs: table `syncruns`, partition = run name, newest first (inverted time as row key)."""

from __future__ import annotations

from datetime import datetime

from domain.records import SyncRun
from integrations.storage.account import SYNC_RUNS_TABLE, StorageAccount, storage_errors

_LATEST = 10**15


class TableSyncRuns:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def record(self, run: SyncRun) -> None:
        entity = {"PartitionKey": run.name, "RowKey": _newest_first(run.started_at), "run": run.model_dump_json()}
        with storage_errors():
            self._account.table(SYNC_RUNS_TABLE).upsert_entity(entity)

    def latest(self, name: str, count: int) -> list[SyncRun]:
        with storage_errors():
            rows = self._account.table(SYNC_RUNS_TABLE).query_entities(
                "PartitionKey eq @name", parameters={"name": name}, results_per_page=count, select=["run"]
            )
            found = []
            for row in rows:
                found.append(SyncRun.model_validate_json(row["run"]))
                if len(found) == count:
                    break
            return found


def _newest_first(started_at: datetime) -> str:
    return f"{_LATEST - int(started_at.timestamp() * 1000):015d}"
