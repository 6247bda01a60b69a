"""The integration log: one row per accepted delivery, partitioned by web order so a dossier is one query."""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from domain.models import WebOrderKey
from domain.records import EventStatus, WebhookEvent
from integrations.storage.account import EVENTS_TABLE, StorageAccount, storage_errors


class TableEventLog:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def add(self, event: WebhookEvent) -> bool:
        with storage_errors():
            try:
                self._account.table(EVENTS_TABLE).create_entity(_entity(event))
            except ResourceExistsError:
                return False
        return True

    def get(self, order_key: WebOrderKey, event_id: str) -> WebhookEvent | None:
        with storage_errors():
            try:
                row = self._account.table(EVENTS_TABLE).get_entity(str(order_key), event_id)
            except ResourceNotFoundError:
                return None
        return _event(order_key, row)

    def mark(self, order_key: WebOrderKey, event_id: str, status: EventStatus, note: str = "") -> None:
        patch = {"PartitionKey": str(order_key), "RowKey": event_id, "status": status.value, "note": note}
        with storage_errors():
            self._account.table(EVENTS_TABLE).update_entity(patch, mode=UpdateMode.MERGE)

    def for_order(self, order_key: WebOrderKey) -> list[WebhookEvent]:
        with storage_errors():
            rows = self._account.table(EVENTS_TABLE).query_entities(
                "PartitionKey eq @key", parameters={"key": str(order_key)}
            )
            return [_event(order_key, row) for row in rows]


def _entity(event: WebhookEvent) -> dict[str, Any]:
    return {
        "PartitionKey": str(event.order_key),
        "RowKey": event.event_id,
        "topic": event.topic,
        "dedupKey": event.dedup_key,
        "blobName": event.blob_name,
        "receivedAt": event.received_at,
        "status": event.status.value,
        "note": event.note,
    }


def _event(order_key: WebOrderKey, row: dict[str, Any]) -> WebhookEvent:
    return WebhookEvent(
        order_key=order_key,
        event_id=row["RowKey"],
        topic=row["topic"],
        dedup_key=row["dedupKey"],
        blob_name=row["blobName"],
        received_at=row["receivedAt"],
        status=EventStatus(row["status"]),
        note=row.get("note", ""),
    )
