"""Shop customer -> BC customer number, so a returning buyer is never looked up or created twice."""

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import UpdateMode

from integrations.storage.account import BINDINGS_TABLE, StorageAccount, storage_errors


class TableCustomerBindings:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def get(self, source: str, external_id: str) -> str | None:
        with storage_errors():
            try:
                row = self._account.table(BINDINGS_TABLE).get_entity(f"customer:{source}", external_id)
            except ResourceNotFoundError:
                return None
        return str(row["bcNumber"])

    def put(self, source: str, external_id: str, bc_customer_number: str) -> None:
        row = {"PartitionKey": f"customer:{source}", "RowKey": external_id, "bcNumber": bc_customer_number}
        with storage_errors():
            self._account.table(BINDINGS_TABLE).upsert_entity(row, mode=UpdateMode.REPLACE)
