"""The integration log: one row per accepted delivery, partitioned by event stream (a web order, a payment, a day's
BC notifications) so a dossier is one query.

The raw body rides in the row itself when it fits a Table binary property, so accepting a webhook is one write
that both stores it and tells whether it is a duplicate; a larger body goes to blob storage first.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from domain.models import StreamKey
from domain.records import EventStatus, WebhookEvent
from integrations.storage.account import EVENTS_TABLE, StorageAccount, storage_errors
from integrations.storage.raw_bodies import BlobRawBodyStore

INLINE_BODY_LIMIT = 60 * 1024
"""Bodies up to this size are kept in the row (a Table binary property holds at most 64 KiB)."""
_EVENT_COLUMNS = ["PartitionKey", "RowKey", "topic", "dedupKey", "blobName", "receivedAt", "status", "note"]
_NEEDS_A_PERSON = frozenset({EventStatus.PARKED, EventStatus.FAILED})
_INDEX_PARTITION = "needing-a-person:{source}"
"""Per source, one row per event a person must look at (RowKey `<event partition>|<event id>`): listing them is
one partition query instead of a scan over every event the source ever sent. A row is written before its event is
parked or failed, so it is never missing; one whose event has since moved on is dropped when listed."""


class TableEventLog:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account
        self._blobs = BlobRawBodyStore(account)

    def add(self, event: WebhookEvent, body: bytes) -> bool:
        if event.status in _NEEDS_A_PERSON:
            self._index(event.stream, event.event_id)
        row = _entity(event)
        if len(body) <= INLINE_BODY_LIMIT:
            row["body"] = body
        else:
            self._blobs.put(event.blob_name, body)
        with storage_errors():
            try:
                self._account.table(EVENTS_TABLE).create_entity(row)
            except ResourceExistsError:
                return False
        return True

    def get(self, stream: StreamKey, event_id: str) -> WebhookEvent | None:
        row = self._row(stream, event_id, _EVENT_COLUMNS)
        return None if row is None else _event(stream, row)

    def body(self, stream: StreamKey, event_id: str) -> bytes | None:
        row = self._row(stream, event_id, ["blobName", "body"])
        if row is None:
            return None
        inline = row.get("body")
        return bytes(inline) if inline is not None else self._blobs.get(row["blobName"])

    def mark(self, stream: StreamKey, event_id: str, status: EventStatus, note: str = "") -> None:
        if status in _NEEDS_A_PERSON:
            self._index(stream, event_id)
        patch = {"PartitionKey": str(stream), "RowKey": event_id, "status": status.value, "note": note}
        with storage_errors():
            self._account.table(EVENTS_TABLE).update_entity(patch, mode=UpdateMode.MERGE)

    def for_stream(self, stream: StreamKey) -> list[WebhookEvent]:
        with storage_errors():
            rows = self._account.table(EVENTS_TABLE).query_entities(
                "PartitionKey eq @key", parameters={"key": str(stream)}, select=_EVENT_COLUMNS
            )
            return [_event(stream, row) for row in rows]

    def needing_a_person(self, sources: Collection[str]) -> list[WebhookEvent]:
        """The events of `sources` that are parked or failed: one partition query per source, then each event."""
        needing: list[WebhookEvent] = []
        for source in sources:
            with storage_errors():
                rows = list(
                    self._account.table(EVENTS_TABLE).query_entities(
                        "PartitionKey eq @index", parameters={"index": _INDEX_PARTITION.format(source=source)}
                    )
                )
            for row in rows:
                stream, event_id = StreamKey.parse(row["eventPartition"]), row["eventId"]
                event = self.get(stream, event_id)
                if event is not None and event.status in _NEEDS_A_PERSON:
                    needing.append(event)
                else:
                    self._drop_index(row["PartitionKey"], row["RowKey"])
        return needing

    def _index(self, stream: StreamKey, event_id: str) -> None:
        row = {
            "PartitionKey": _INDEX_PARTITION.format(source=stream.source),
            "RowKey": f"{stream}|{event_id}",
            "eventPartition": str(stream),
            "eventId": event_id,
        }
        with storage_errors():
            self._account.table(EVENTS_TABLE).upsert_entity(row)

    def _drop_index(self, partition: str, row_key: str) -> None:
        with storage_errors():
            try:
                self._account.table(EVENTS_TABLE).delete_entity(partition, row_key)
            except ResourceNotFoundError:
                return

    def _row(self, stream: StreamKey, event_id: str, columns: list[str]) -> dict[str, Any] | None:
        with storage_errors():
            try:
                row: dict[str, Any] = self._account.table(EVENTS_TABLE).get_entity(
                    str(stream), event_id, select=columns
                )
            except ResourceNotFoundError:
                return None
        return row


def _entity(event: WebhookEvent) -> dict[str, Any]:
    return {
        "PartitionKey": str(event.stream),
        "RowKey": event.event_id,
        "topic": event.topic,
        "dedupKey": event.dedup_key,
        "blobName": event.blob_name,
        "receivedAt": event.received_at,
        "status": event.status.value,
        "note": event.note,
    }


def _event(stream: StreamKey, row: dict[str, Any]) -> WebhookEvent:
    return WebhookEvent(
        stream=stream,
        event_id=row["RowKey"],
        topic=row["topic"],
        dedup_key=row["dedupKey"],
        blob_name=row["blobName"],
        received_at=row["receivedAt"],
        status=EventStatus(row["status"]),
        note=row.get("note", ""),
    )
