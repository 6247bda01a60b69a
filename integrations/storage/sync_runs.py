"""Summaries of timed runs: table `syncruns`, partition = run name, newest first (inverted time as row key).

A row keeps the summary's JSON in `run` (its counts as `read`, `changed`, `pushed`, `failed`, whatever they count)
and what those four count for the run in `countNames`; a row written before `countNames` was kept reads with the
catalog push's names."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from domain.records import SyncRun
from integrations.storage.account import SYNC_RUNS_TABLE, StorageAccount, storage_errors
from integrations.telemetry import metrics

_LATEST = 10**15


class TableSyncRuns:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def record(self, run: SyncRun) -> None:
        """The run's summary stored, and counted in `koppel.runs`."""
        entity = {
            "PartitionKey": run.name,
            "RowKey": _newest_first(run.started_at),
            "run": run.model_dump_json(),
            "countNames": run.count_names.model_dump_json(),
        }
        with storage_errors():
            self._account.table(SYNC_RUNS_TABLE).upsert_entity(entity)
        metrics.run_finished(run)

    def latest(self, name: str, count: int) -> list[SyncRun]:
        with storage_errors():
            rows = self._account.table(SYNC_RUNS_TABLE).query_entities(
                "PartitionKey eq @name",
                parameters={"name": name},
                results_per_page=count,
                select=["run", "countNames"],
            )
            runs = []
            for row in rows:
                runs.append(_run(row))
                if len(runs) == count:
                    break
            return runs


def _run(row: dict[str, Any]) -> SyncRun:
    summary = json.loads(row["run"])
    if row.get("countNames"):
        summary["count_names"] = json.loads(row["countNames"])
    return SyncRun.model_validate(summary)


def _newest_first(started_at: datetime) -> str:
    return f"{_LATEST - int(started_at.timestamp() * 1000):015d}"
