"""Credit memo refunds in table `refunds`: one row per credit memo (partition `creditmemo`, row its BC id), written
on its ETag; beside it, written before it, a row under its web order's partition (`order:<key>`) naming it, and
while it is unfinished a row under partition `unfinished`, so neither an order's refunds nor the unfinished ones
ever scan the table. Those for a person are under partition `attention`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from domain.errors import ConcurrencyConflict
from domain.models import WebOrderKey
from domain.refunds.record import CreditMemoRefund, RefundState
from integrations.storage.account import REFUNDS_TABLE, StorageAccount, escaped_key, storage_errors

OWN_PARTITION = "creditmemo"
ORDER_PARTITION = "order"
UNFINISHED_PARTITION = "unfinished"
ATTENTION_PARTITION = "attention"


class TableRefundStore:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def get(self, credit_memo_id: str) -> tuple[CreditMemoRefund, str] | None:
        with storage_errors():
            try:
                row = self._table().get_entity(OWN_PARTITION, escaped_key(credit_memo_id))
            except ResourceNotFoundError:
                return None
        return CreditMemoRefund.model_validate_json(row["record"]), str(row.metadata["etag"])

    def write(self, refund: CreditMemoRefund, etag: str | None) -> str:
        """The rows that find it first (its order's, unfinished, for a person), then its own row on its ETag; a
        finished one leaves the unfinished rows afterwards."""
        row_key = escaped_key(refund.credit_memo_id)
        pointer = {"RowKey": row_key, "creditMemoId": refund.credit_memo_id}
        with storage_errors():
            table = self._table()
            table.upsert_entity({"PartitionKey": _order_partition(refund.order), **pointer}, mode=UpdateMode.REPLACE)
            if not refund.finished:
                table.upsert_entity({"PartitionKey": UNFINISHED_PARTITION, **pointer}, mode=UpdateMode.REPLACE)
            if refund.state is RefundState.NEEDS_ATTENTION:
                table.upsert_entity({"PartitionKey": ATTENTION_PARTITION, **pointer}, mode=UpdateMode.REPLACE)
            written = self._write_own_row(table, refund, etag)
            if refund.finished:
                with suppress(ResourceNotFoundError):
                    table.delete_entity(UNFINISHED_PARTITION, row_key)
        return written

    def unfinished(self) -> Iterator[CreditMemoRefund]:
        """Read from the unfinished rows; a row whose record is finished (its delete failed) is passed over."""
        for refund in self._named_in(UNFINISHED_PARTITION):
            if not refund.finished:
                yield refund

    def for_order(self, order: WebOrderKey) -> list[CreditMemoRefund]:
        refunds = [each for each in self._named_in(_order_partition(order)) if each.order == order]
        return sorted(refunds, key=lambda each: (each.first_seen_at, each.credit_memo_number))

    def needing_a_person(self) -> list[CreditMemoRefund]:
        named = self._named_in(ATTENTION_PARTITION)
        return [each for each in named if each.state is RefundState.NEEDS_ATTENTION]

    def _named_in(self, partition: str) -> Iterator[CreditMemoRefund]:
        for row in self._rows(partition):
            found = self.get(str(row["creditMemoId"]))
            if found is not None:
                yield found[0]

    def _write_own_row(self, table: TableClient, refund: CreditMemoRefund, etag: str | None) -> str:
        row = {
            "PartitionKey": OWN_PARTITION,
            "RowKey": escaped_key(refund.credit_memo_id),
            "state": refund.state.value,
            "record": refund.model_dump_json(),
        }
        try:
            if etag is None:
                result = table.create_entity(row)
            else:
                result = table.update_entity(
                    row, mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
                )
        except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
            number = refund.credit_memo_number
            raise ConcurrencyConflict(f"the refund of credit memo {number} was changed by someone else") from None
        return str(result["etag"])

    def _rows(self, partition: str) -> list[dict[str, Any]]:
        with storage_errors():
            rows = self._table().query_entities("PartitionKey eq @partition", parameters={"partition": partition})
            return list(rows)

    def _table(self) -> TableClient:
        return self._account.table(REFUNDS_TABLE)


def _order_partition(order: WebOrderKey) -> str:
    return f"{ORDER_PARTITION}:{escaped_key(str(order))}"
