"""Run summaries in table `syncruns`: each run's counts under its own names, rows stored before and after that
read by either version."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from domain.records import SyncRun
from integrations.storage.account import SYNC_RUNS_TABLE, StorageAccount
from integrations.storage.sync_runs import TableSyncRuns
from localdev.azurite import Azurite
from tests.fakes import a_booking_run

STARTED = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


class SummaryBeforeCountNames(BaseModel):
    """The summary's JSON as Koppel read it before runs named their counts (extra keys refused)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    started_at: datetime
    finished_at: datetime
    full: bool = True
    read: int
    changed: int
    pushed: int
    failed: int
    completed: bool
    problems: tuple[str, ...] = ()


def _booking_run(name: str) -> SyncRun:
    return a_booking_run(name, STARTED)


def test_a_run_reads_back_with_its_counts_named_and_its_row_in_the_shape_older_code_reads(azurite: Azurite) -> None:
    account = StorageAccount(azurite.connection_string)
    name = f"payments-bc-{uuid.uuid4().hex[:8]}"
    TableSyncRuns(account).record(_booking_run(name))

    [run] = TableSyncRuns(account).latest(name, 1)

    assert run.counts == {"looked at": 5, "invoices filed": 2, "booked": 3, "parked": 1}
    [row] = account.table(SYNC_RUNS_TABLE).query_entities("PartitionKey eq @name", parameters={"name": name})
    older = SummaryBeforeCountNames.model_validate_json(row["run"])
    assert (older.read, older.changed, older.pushed, older.failed) == (5, 2, 3, 1)


def test_a_row_stored_before_runs_named_their_counts_still_reads(azurite: Azurite) -> None:
    account = StorageAccount(azurite.connection_string)
    name = f"catalog-{uuid.uuid4().hex[:8]}"
    stored = {
        "name": name,
        "started_at": STARTED.isoformat(),
        "finished_at": STARTED.isoformat(),
        "full": True,
        "read": 250,
        "changed": 1,
        "pushed": 1,
        "failed": 0,
        "completed": True,
        "problems": [],
    }
    account.table(SYNC_RUNS_TABLE).upsert_entity({"PartitionKey": name, "RowKey": "0", "run": json.dumps(stored)})

    [run] = TableSyncRuns(account).latest(name, 1)

    assert (run.read, run.changed, run.pushed, run.failed) == (250, 1, 1, 0)
    assert run.counts == {"read": 250, "changed": 1, "pushed": 1, "failed": 0}
