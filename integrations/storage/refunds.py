"""Koppel's refund records in table `refunds`, three kinds in their own partitions: the BC credit memos it pays back
(origin `bc`, keyed by the credit memo's id), the shop refunds it credits in BC (origin `shop`, keyed by web order
and refund id) and the portal's return requests (keyed by their id). Each record is one row (partition its kind,
row its key), written on its ETag; beside it, written before it, a row under its web order's partition naming it,
and while it is unfinished a row under the kind's unfinished partition, so neither an order's records nor the
unfinished ones ever scan the table. Those for a person are under the kind's attention partition.

The credit memo refunds keep the partition names they were first stored under (`creditmemo`, `order:<key>`,
`unfinished`, `attention`); the shop refund credits' are prefixed `shop` (`shoprefund`, `shop-order:<key>`, ...),
the return requests' `return`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from domain.errors import ConcurrencyConflict
from domain.models import WebOrderKey
from domain.refunds.record import CreditMemoRefund, RefundState
from domain.refunds.return_request import ReturnRequest, ReturnState
from domain.refunds.shop_refund_credit import CreditState, ShopRefundCredit
from integrations.storage.account import REFUNDS_TABLE, StorageAccount, escaped_key, storage_errors


class _Record(Protocol):
    @property
    def order(self) -> WebOrderKey: ...

    @property
    def finished(self) -> bool: ...

    def model_dump_json(self) -> str: ...


Record = TypeVar("Record", bound=_Record)


@dataclass(frozen=True)
class _Kind(Generic[Record]):
    """One kind of refund record: its partitions and how a record is named, read, and known to need a person."""

    own: str
    order: str
    unfinished: str
    attention: str
    key: Callable[[Record], str]
    parse: Callable[[str], Record]
    needs_a_person: Callable[[Record], bool]
    label: Callable[[Record], str]
    """Names it in a conflict's message."""


class _RecordTable(Generic[Record]):
    def __init__(self, account: StorageAccount, kind: _Kind[Record]) -> None:
        self._account = account
        self._kind = kind

    def _get(self, key: str) -> tuple[Record, str] | None:
        with storage_errors():
            try:
                row = self._table().get_entity(self._kind.own, escaped_key(key))
            except ResourceNotFoundError:
                return None
        return self._kind.parse(row["record"]), str(row.metadata["etag"])

    def write(self, record: Record, etag: str | None) -> str:
        """The rows that find it first (its order's, unfinished, for a person), then its own row on its ETag; a
        finished one leaves the unfinished rows afterwards."""
        kind = self._kind
        key = kind.key(record)
        pointer = {"RowKey": escaped_key(key), "key": key}
        with storage_errors():
            table = self._table()
            table.upsert_entity({"PartitionKey": self._order_partition(record.order), **pointer}, UpdateMode.REPLACE)
            if not record.finished:
                table.upsert_entity({"PartitionKey": kind.unfinished, **pointer}, mode=UpdateMode.REPLACE)
            if kind.needs_a_person(record):
                table.upsert_entity({"PartitionKey": kind.attention, **pointer}, mode=UpdateMode.REPLACE)
            written = self._write_own_row(table, record, key, etag)
            if record.finished:
                with suppress(ResourceNotFoundError):
                    table.delete_entity(kind.unfinished, escaped_key(key))
        return written

    def unfinished(self) -> Iterator[Record]:
        """Read from the unfinished rows; a row whose record is finished (its delete failed) is passed over."""
        for record in self._named_in(self._kind.unfinished):
            if not record.finished:
                yield record

    def needing_a_person(self) -> list[Record]:
        return [each for each in self._named_in(self._kind.attention) if self._kind.needs_a_person(each)]

    def _of_order(self, order: WebOrderKey) -> list[Record]:
        return [each for each in self._named_in(self._order_partition(order)) if each.order == order]

    def _named_in(self, partition: str) -> Iterator[Record]:
        for row in self._rows(partition):
            found = self._get(str(row["key"]))
            if found is not None:
                yield found[0]

    def _write_own_row(self, table: TableClient, record: Record, key: str, etag: str | None) -> str:
        row = {"PartitionKey": self._kind.own, "RowKey": escaped_key(key), "record": record.model_dump_json()}
        try:
            if etag is None:
                result = table.create_entity(row)
            else:
                result = table.update_entity(
                    row, mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
                )
        except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
            raise ConcurrencyConflict(f"{self._kind.label(record)} was changed by someone else") from None
        return str(result["etag"])

    def _rows(self, partition: str) -> list[dict[str, Any]]:
        with storage_errors():
            rows = self._table().query_entities("PartitionKey eq @partition", parameters={"partition": partition})
            return list(rows)

    def _order_partition(self, order: WebOrderKey) -> str:
        return f"{self._kind.order}:{escaped_key(str(order))}"

    def _table(self) -> TableClient:
        return self._account.table(REFUNDS_TABLE)


_CREDIT_MEMO_REFUNDS = _Kind[CreditMemoRefund](
    own="creditmemo",
    order="order",
    unfinished="unfinished",
    attention="attention",
    key=lambda refund: refund.credit_memo_id,
    parse=CreditMemoRefund.model_validate_json,
    needs_a_person=lambda refund: refund.state is RefundState.NEEDS_ATTENTION,
    label=lambda refund: f"the refund of credit memo {refund.credit_memo_number}",
)

_SHOP_REFUND_CREDITS = _Kind[ShopRefundCredit](
    own="shoprefund",
    order="shop-order",
    unfinished="shop-unfinished",
    attention="shop-attention",
    key=lambda credit: credit.key,
    parse=ShopRefundCredit.model_validate_json,
    needs_a_person=lambda credit: credit.state is CreditState.NEEDS_ATTENTION,
    label=lambda credit: f"the credit of shop refund {credit.key}",
)


_RETURN_REQUESTS = _Kind[ReturnRequest](
    own="return",
    order="return-order",
    unfinished="return-unfinished",
    attention="return-attention",
    key=lambda request: request.return_id,
    parse=ReturnRequest.model_validate_json,
    needs_a_person=lambda request: request.state is ReturnState.NEEDS_ATTENTION,
    label=lambda request: f"return request {request.return_id}",
)


class TableRefundStore(_RecordTable[CreditMemoRefund]):
    """The credit memos Koppel pays back (RefundStore)."""

    def __init__(self, account: StorageAccount) -> None:
        super().__init__(account, _CREDIT_MEMO_REFUNDS)

    def get(self, credit_memo_id: str) -> tuple[CreditMemoRefund, str] | None:
        return self._get(credit_memo_id)

    def for_order(self, order: WebOrderKey) -> list[CreditMemoRefund]:
        return sorted(self._of_order(order), key=lambda each: (each.first_seen_at, each.credit_memo_number))


class TableShopRefundCredits(_RecordTable[ShopRefundCredit]):
    """The shop refunds Koppel credits in BC (ShopRefundCredits)."""

    def __init__(self, account: StorageAccount) -> None:
        super().__init__(account, _SHOP_REFUND_CREDITS)

    def get(self, order: WebOrderKey, refund_id: str) -> tuple[ShopRefundCredit, str] | None:
        return self._get(ShopRefundCredit.key_of(order, refund_id))

    def for_order(self, order: WebOrderKey) -> list[ShopRefundCredit]:
        return sorted(self._of_order(order), key=lambda each: (each.first_seen_at, each.refund_id))


class TableReturnRequests(_RecordTable[ReturnRequest]):
    """The portal's return requests (ReturnRequests)."""

    def __init__(self, account: StorageAccount) -> None:
        super().__init__(account, _RETURN_REQUESTS)

    def get(self, return_id: str) -> tuple[ReturnRequest, str] | None:
        return self._get(return_id)

    def for_order(self, order: WebOrderKey) -> list[ReturnRequest]:
        return sorted(self._of_order(order), key=lambda each: (each.requested_at, each.return_id))
