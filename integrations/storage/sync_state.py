"""Watermarks of timed jobs: one row per job and scope."""

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import UpdateMode

from integrations.storage.account import SYNC_STATE_TABLE, StorageAccount, storage_errors


class TableSyncState:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def get(self, job: str, scope: str) -> str | None:
        with storage_errors():
            try:
                row = self._account.table(SYNC_STATE_TABLE).get_entity(job, scope)
            except ResourceNotFoundError:
                return None
        return str(row["value"])

    def put(self, job: str, scope: str, value: str) -> None:
        with storage_errors():
            self._account.table(SYNC_STATE_TABLE).upsert_entity(
                {"PartitionKey": job, "RowKey": scope, "value": value}, mode=UpdateMode.REPLACE
            )
