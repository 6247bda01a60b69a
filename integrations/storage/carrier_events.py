"""Carrier events, one row per event: under its parcel (`parcel:<platform>:<account>:<parcel id>`) and, once matched,
under its web order too (`order:<web order key>`), so a parcel's history and an order's are one query each. The
RowKey is the delivery's event id, so a replay writes the same row again; rows are sorted by happened_at when read."""

from __future__ import annotations

from typing import Any

from azure.data.tables import UpdateMode

from domain.models import StreamKey, WebOrderKey
from domain.shipments.models import RecordedCarrierEvent
from integrations.storage.account import CARRIER_EVENTS_TABLE, StorageAccount, storage_errors


class TableCarrierEvents:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def record(self, recorded: RecordedCarrierEvent) -> None:
        event = recorded.event
        row = {
            "RowKey": recorded.event_id,
            "happenedAt": event.happened_at,
            "statusId": event.status_id,
            "phase": event.phase.value,
            "order": str(recorded.order) if recorded.order else "",
            "record": recorded.model_dump_json(),
        }
        self._upsert(row | {"PartitionKey": _parcel_partition(event.platform, event.account, event.parcel_id)})
        if recorded.order is not None:
            self._upsert(row | {"PartitionKey": _order_partition(recorded.order)})

    def for_parcel(self, platform: str, account: str, parcel_id: str) -> list[RecordedCarrierEvent]:
        return self._in(_parcel_partition(platform, account, parcel_id))

    def for_order(self, key: WebOrderKey) -> list[RecordedCarrierEvent]:
        return self._in(_order_partition(key))

    def _upsert(self, row: dict[str, Any]) -> None:
        with storage_errors():
            self._account.table(CARRIER_EVENTS_TABLE).upsert_entity(row, mode=UpdateMode.REPLACE)

    def _in(self, partition: str) -> list[RecordedCarrierEvent]:
        with storage_errors():
            rows = self._account.table(CARRIER_EVENTS_TABLE).query_entities(
                "PartitionKey eq @partition", parameters={"partition": partition}, select=["record"]
            )
            found = [RecordedCarrierEvent.model_validate_json(row["record"]) for row in rows]
        return sorted(found, key=lambda each: (each.event.happened_at, each.event_id))


def _parcel_partition(platform: str, account: str, parcel_id: str) -> str:
    """The parcel's stream key as text: its parts are valid Table keys (StreamKey checks them)."""
    return "parcel:" + str(StreamKey(source=platform, scope=account, subject=parcel_id))


def _order_partition(key: WebOrderKey) -> str:
    return f"order:{key}"
