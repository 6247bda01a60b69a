"""Recorded shipments in table `shipments`: one row per shipment in its web order's partition (`order:<key>`),
written on its ETag; beside it, written before it, a row under partition `tracking:<tracking number>` naming it
(a row left by a number since changed is passed over when read) and, while its shop is to be told of it, a row
under partition `topush` with the version to push; shipments listed for a person under partition `unmatched`. So
neither an order's shipments, a tracking number's, the pushes due nor the list for a person ever scans the table.
Records are stored as zlib-compressed JSON (column `record`): a shipment of hundreds of lines stays within a
property's 64 KiB."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import suppress
from typing import Any, TypeVar

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from domain.errors import ConcurrencyConflict
from domain.models import WebOrderKey
from domain.shipments.models import tracking_key
from domain.shipments.recorded import RecordedShipment, UnmatchedShipment
from integrations.storage.account import SHIPMENTS_TABLE, StorageAccount, escaped_key, storage_errors

R = TypeVar("R", RecordedShipment, UnmatchedShipment)

ORDER_PARTITION = "order"
TRACKING_PARTITION = "tracking"
TO_PUSH_PARTITION = "topush"
UNMATCHED_PARTITION = "unmatched"


class TableShipmentStore:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def get(self, key: WebOrderKey, number: str) -> tuple[RecordedShipment, str] | None:
        with storage_errors():
            try:
                row = self._table().get_entity(_order_partition(key), escaped_key(number))
            except ResourceNotFoundError:
                return None
        return _record(RecordedShipment, row), str(row.metadata["etag"])

    def write(self, recorded: RecordedShipment, etag: str | None) -> str:
        """The rows that find it first (a push due, its tracking number), then its own row on its ETag; the push
        row goes once the shop has taken the version it names."""
        with storage_errors():
            if recorded.to_push:
                self._table().upsert_entity(_push_row(recorded), mode=UpdateMode.REPLACE)
            if recorded.shipment.tracking_number:
                self._table().upsert_entity(_tracking_row(recorded), mode=UpdateMode.REPLACE)
            written = self._write_own_row(recorded, etag)
            if not recorded.to_push:
                self._clear_push(recorded)
        return written

    def write_trying(self, tried: RecordedShipment, etag: str) -> str:
        """Its own row only: the push row and the tracking row already say what `tried` says."""
        with storage_errors():
            return self._write_own_row(tried, etag)

    def for_order(self, key: WebOrderKey) -> list[RecordedShipment]:
        recorded = [_record(RecordedShipment, row) for row in self._rows(_order_partition(key))]
        return sorted(recorded, key=lambda each: (each.shipment.posting_date, each.shipment.number))

    def order_for(self, tracking_number: str) -> WebOrderKey | None:
        """The web order of the shipment that carries this tracking number now (of the one BC changed last, should
        two carry it)."""
        wanted = tracking_key(tracking_number)
        if not wanted:
            return None
        carrying = []
        for row in self._rows(_tracking_partition(wanted)):
            current = self.get(WebOrderKey.parse(row["key"]), row["number"])
            if current is not None and tracking_key(current[0].shipment.tracking_number) == wanted:
                carrying.append(current[0])
        latest = max(carrying, key=lambda recorded: recorded.shipment.changed_at, default=None)
        return latest.key if latest is not None else None

    def to_push(self) -> Iterator[tuple[RecordedShipment, str]]:
        """Read from the push rows; a row whose version is not stored yet (its write failed) is passed over."""
        for row in self._rows(TO_PUSH_PARTITION):
            current = self.get(WebOrderKey.parse(row["key"]), row["number"])
            if current is not None and current[0].to_push:
                yield current

    def list_unmatched(self, unmatched: UnmatchedShipment) -> None:
        row = {
            "PartitionKey": UNMATCHED_PARTITION,
            "RowKey": escaped_key(unmatched.shipment.number),
            "record": _stored(unmatched),
        }
        with storage_errors():
            self._table().upsert_entity(row, mode=UpdateMode.REPLACE)

    def unmatched(self) -> list[UnmatchedShipment]:
        return [_record(UnmatchedShipment, row) for row in self._rows(UNMATCHED_PARTITION)]

    def unlist(self, number: str) -> None:
        with storage_errors(), suppress(ResourceNotFoundError):
            self._table().delete_entity(UNMATCHED_PARTITION, escaped_key(number))

    def _write_own_row(self, recorded: RecordedShipment, etag: str | None) -> str:
        row = {
            "PartitionKey": _order_partition(recorded.key),
            "RowKey": escaped_key(recorded.shipment.number),
            "version": recorded.version,
            "pushedVersion": recorded.pushed_version,
            "record": _stored(recorded),
        }
        try:
            if etag is None:
                result = self._table().create_entity(row)
            else:
                result = self._table().update_entity(
                    row, mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
                )
        except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
            number = recorded.shipment.number
            raise ConcurrencyConflict(f"shipment {number} of {recorded.key} was changed by someone else") from None
        return str(result["etag"])

    def _clear_push(self, recorded: RecordedShipment) -> None:
        """Delete the push row if it names a version the shop has taken; one naming a later version (recorded
        meanwhile) stays."""
        table, row_key = self._table(), _push_row_key(recorded)
        with suppress(ResourceNotFoundError, ResourceModifiedError):
            row = table.get_entity(TO_PUSH_PARTITION, row_key)
            if int(row["version"]) <= recorded.pushed_version:
                table.delete_entity(
                    TO_PUSH_PARTITION, row_key, etag=row.metadata["etag"], match_condition=MatchConditions.IfNotModified
                )

    def _rows(self, partition: str) -> list[dict[str, Any]]:
        with storage_errors():
            rows = self._table().query_entities("PartitionKey eq @partition", parameters={"partition": partition})
            return list(rows)

    def _table(self) -> TableClient:
        return self._account.table(SHIPMENTS_TABLE)


def _push_row(recorded: RecordedShipment) -> dict[str, Any]:
    return {
        "PartitionKey": TO_PUSH_PARTITION,
        "RowKey": _push_row_key(recorded),
        "key": str(recorded.key),
        "number": recorded.shipment.number,
        "version": recorded.version,
    }


def _push_row_key(recorded: RecordedShipment) -> str:
    return f"{escaped_key(str(recorded.key))}|{escaped_key(recorded.shipment.number)}"


def _tracking_row(recorded: RecordedShipment) -> dict[str, Any]:
    return {
        "PartitionKey": _tracking_partition(tracking_key(recorded.shipment.tracking_number)),
        "RowKey": _push_row_key(recorded),
        "key": str(recorded.key),
        "number": recorded.shipment.number,
    }


def _order_partition(key: WebOrderKey) -> str:
    return f"{ORDER_PARTITION}:{key}"


def _tracking_partition(normal_tracking: str) -> str:
    return f"{TRACKING_PARTITION}:{escaped_key(normal_tracking)}"


def _stored(record: RecordedShipment | UnmatchedShipment) -> bytes:
    return zlib.compress(record.model_dump_json().encode())


def _record(kind: type[R], row: dict[str, Any]) -> R:
    return kind.model_validate_json(zlib.decompress(row["record"]))
