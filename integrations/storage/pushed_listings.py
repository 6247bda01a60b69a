"""What each channel last accepted, per SKU: the listing's fingerprint and the channel's id, in `syncstate`
(partition `listing:<channel>`), written in entity-group transactions of up to 100 rows."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping, Sequence

from azure.data.tables import TransactionOperation

from domain.catalog.listing import PushedListing
from integrations.storage.account import SYNC_STATE_TABLE, StorageAccount, storage_errors

TRANSACTION_LIMIT = 100
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9 ._:-]{1,200}$")


class TablePushedListings:
    def __init__(self, account: StorageAccount, channel: str) -> None:
        """`channel`: e.g. `woocommerce:shop-a`."""
        self._account = account
        self._partition = f"listing:{channel}"

    def all(self) -> Mapping[str, PushedListing]:
        with storage_errors():
            rows = self._account.table(SYNC_STATE_TABLE).query_entities(
                "PartitionKey eq @partition",
                parameters={"partition": self._partition},
                select=["sku", "fingerprint", "channelId", "inputs"],
            )
            return _Accepted(
                {row["sku"]: (row["fingerprint"], row["channelId"], row.get("inputs") or "") for row in rows}
            )

    def remember(self, pushed: Sequence[PushedListing]) -> None:
        table = self._account.table(SYNC_STATE_TABLE)
        for start in range(0, len(pushed), TRANSACTION_LIMIT):
            operations = [
                (TransactionOperation.UPSERT, self._entity(row)) for row in pushed[start : start + TRANSACTION_LIMIT]
            ]
            with storage_errors():
                table.submit_transaction(operations)

    def _entity(self, row: PushedListing) -> dict[str, str]:
        return {
            "PartitionKey": self._partition,
            "RowKey": row_key(row.sku),
            "sku": row.sku,
            "fingerprint": row.fingerprint,
            "channelId": row.channel_id,
            "inputs": row.inputs,
        }


def row_key(sku: str) -> str:
    """The SKU itself when Table Storage allows it as a key, else its base64 (SKUs may hold '/', '#', '?')."""
    if _PLAIN_KEY.fullmatch(sku):
        return sku
    return "b64-" + base64.urlsafe_b64encode(sku.encode()).decode()


class _Accepted(Mapping[str, PushedListing]):
    """(fingerprint, channel id, inputs) per SKU, made into PushedListing when read: a shop of 50,000 products
    stays small."""

    def __init__(self, rows: dict[str, tuple[str, str, str]]) -> None:
        self._rows = rows

    def __getitem__(self, sku: str) -> PushedListing:
        fingerprint, channel_id, inputs = self._rows[sku]
        return PushedListing(sku=sku, fingerprint=fingerprint, channel_id=channel_id, inputs=inputs)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)
