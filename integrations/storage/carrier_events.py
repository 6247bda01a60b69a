"""Carrier events, one row per event: under its parcel (`parcel:<platform>:<account>:<parcel id>`) and, once matched,
under its web order too (`order:<web order key>`), so a parcel's history and an order's are one query each. The
RowKey is the delivery's event id, so a replay writes the same row again; rows are sorted by happened_at when read.

What the order's shop was told of an event is kept in columns of its own (`shopTelling`, `shopWords`), written only
by `settle`: recording the event again (merged) leaves them. A matched event has, from before its own rows are
written, a row under partition `totell` naming it, deleted once it is settled; so the events to tell are read
without scanning the table (a row whose event is settled is deleted when read)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from domain.models import StreamKey, WebOrderKey
from domain.shipments.models import RecordedCarrierEvent, ShopTelling
from integrations.storage.account import CARRIER_EVENTS_TABLE, StorageAccount, storage_errors

TO_TELL_PARTITION = "totell"
TELLING_FIELDS = frozenset({"shop_telling", "shop_words"})
"""Kept in their own columns, not in `record`."""


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
            "record": recorded.model_dump_json(exclude=set(TELLING_FIELDS)),
        }
        parcel = _parcel_partition(event.platform, event.account, event.parcel_id)
        if recorded.order is not None:
            self._upsert(_to_tell_row(parcel, recorded.event_id))
        self._upsert(row | {"PartitionKey": parcel})
        if recorded.order is not None:
            self._upsert(row | {"PartitionKey": _order_partition(recorded.order)})

    def for_parcel(self, platform: str, account: str, parcel_id: str) -> list[RecordedCarrierEvent]:
        return self._in(_parcel_partition(platform, account, parcel_id))

    def for_order(self, key: WebOrderKey) -> list[RecordedCarrierEvent]:
        return self._in(_order_partition(key))

    def to_tell(self) -> Iterator[RecordedCarrierEvent]:
        with storage_errors():
            rows = list(
                self._table().query_entities("PartitionKey eq @partition", parameters={"partition": TO_TELL_PARTITION})
            )
        for row in rows:
            recorded = self._get(row["parcel"], row["eventId"])
            if recorded is not None and recorded.to_tell:
                yield recorded
            elif recorded is not None:
                self._forget_to_tell(row["parcel"], row["eventId"])

    def settle(self, recorded: RecordedCarrierEvent) -> None:
        event = recorded.event
        telling = {"RowKey": recorded.event_id, "shopTelling": recorded.shop_telling.value}
        telling["shopWords"] = recorded.shop_words
        parcel = _parcel_partition(event.platform, event.account, event.parcel_id)
        self._upsert(telling | {"PartitionKey": parcel})
        if recorded.order is not None:
            self._upsert(telling | {"PartitionKey": _order_partition(recorded.order)})
        if not recorded.to_tell:
            self._forget_to_tell(parcel, recorded.event_id)

    def _get(self, parcel: str, event_id: str) -> RecordedCarrierEvent | None:
        with storage_errors():
            try:
                row = self._table().get_entity(parcel, event_id, select=["record", "shopTelling", "shopWords"])
            except ResourceNotFoundError:
                return None
        return _recorded(row)

    def _forget_to_tell(self, parcel: str, event_id: str) -> None:
        with storage_errors(), suppress(ResourceNotFoundError):
            self._table().delete_entity(TO_TELL_PARTITION, _to_tell_key(parcel, event_id))

    def _upsert(self, row: dict[str, Any]) -> None:
        with storage_errors():
            self._table().upsert_entity(row, mode=UpdateMode.MERGE)

    def _in(self, partition: str) -> list[RecordedCarrierEvent]:
        with storage_errors():
            rows = self._table().query_entities(
                "PartitionKey eq @partition",
                parameters={"partition": partition},
                select=["record", "shopTelling", "shopWords"],
            )
            found = [_recorded(row) for row in rows]
        return sorted(found, key=lambda each: (each.event.happened_at, each.event_id))

    def _table(self) -> TableClient:
        return self._account.table(CARRIER_EVENTS_TABLE)


def _recorded(row: dict[str, Any]) -> RecordedCarrierEvent:
    """The stored record with what its shop was told (pending when nothing is written yet)."""
    telling = {
        "shop_telling": row.get("shopTelling") or ShopTelling.PENDING.value,
        "shop_words": row.get("shopWords") or "",
    }
    return RecordedCarrierEvent.model_validate(json.loads(row["record"]) | telling)


def _to_tell_row(parcel: str, event_id: str) -> dict[str, Any]:
    return {
        "PartitionKey": TO_TELL_PARTITION,
        "RowKey": _to_tell_key(parcel, event_id),
        "parcel": parcel,
        "eventId": event_id,
    }


def _to_tell_key(parcel: str, event_id: str) -> str:
    return f"{parcel}|{event_id}"


def _parcel_partition(platform: str, account: str, parcel_id: str) -> str:
    """The parcel's stream key as text: its parts are valid Table keys (StreamKey checks them)."""
    return "parcel:" + str(StreamKey(source=platform, scope=account, subject=parcel_id))


def _order_partition(key: WebOrderKey) -> str:
    return f"order:{key}"
