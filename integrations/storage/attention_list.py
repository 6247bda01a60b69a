"""Orders that need a person, one row each in one partition, so the list is one query."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import UpdateMode

from domain.models import OrderStatus, WebOrderKey
from domain.records import AttentionItem
from integrations.storage.account import ATTENTION_TABLE, StorageAccount, storage_errors

PARTITION = "orders"


class TableAttentionList:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def flag(self, item: AttentionItem) -> None:
        row = {
            "PartitionKey": PARTITION,
            "RowKey": str(item.key),
            "status": item.status.value,
            "problem": item.problem,
            "webNumber": item.web_number,
            "since": item.since,
        }
        with storage_errors():
            self._account.table(ATTENTION_TABLE).upsert_entity(row, mode=UpdateMode.REPLACE)

    def clear(self, key: WebOrderKey) -> None:
        with storage_errors(), suppress(ResourceNotFoundError):
            self._account.table(ATTENTION_TABLE).delete_entity(PARTITION, str(key))

    def all(self) -> list[AttentionItem]:
        with storage_errors():
            rows = self._account.table(ATTENTION_TABLE).query_entities(
                "PartitionKey eq @partition", parameters={"partition": PARTITION}
            )
            return [_item(row) for row in rows]


def _item(row: dict[str, Any]) -> AttentionItem:
    return AttentionItem(
        key=WebOrderKey.parse(row["RowKey"]),
        status=OrderStatus(row["status"]),
        problem=row.get("problem", ""),
        web_number=row.get("webNumber", ""),
        since=row["since"],
    )
