"""The portal's catalog in two tables, which the portal API reads with point reads only.

`portalitems`: PartitionKey `items-<h>`, h the first hex digit of the SHA-256 of the item number, so that writes
and reads spread over 16 partitions and a run's changed items still fill entity-group transactions; RowKey the item
number (base64 when not key-safe). Columns `item`, `fingerprint`, `parts` and `document0`, `document1` ...: the
PortalItem as zlib-compressed JSON cut into binary properties of 64,000 bytes (a property holds 64 KiB, an entity
1 MiB), so one row holds an item with tens of thousands of price list lines. An item that does not fit is refused
and its row removed: the portal then finds no item rather than stale prices.

`portalcustomers`: PartitionKey `customers`, RowKey the customer number; columns `customer`, `customerPriceGroup`,
`customerDiscountGroup`, `currencyCode`, `fingerprint`.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TransactionOperation, UpdateMode

from domain.portal.catalog import PortalCustomer, PortalItem
from integrations.storage.account import StorageAccount, storage_errors
from integrations.storage.pushed_listings import row_key

PORTAL_ITEMS_TABLE = "portalitems"
PORTAL_CUSTOMERS_TABLE = "portalcustomers"
CUSTOMERS_PARTITION = "customers"
ITEM_PARTITIONS = 16
TRANSACTION_LIMIT = 100
TRANSACTION_BYTES = 3_000_000
"""Of a transaction's 4 MiB payload, leaving room for the request's framing."""
PART_BYTES = 64_000
MAX_PARTS = 15
"""15 parts of 64,000 bytes keep an entity under 1 MiB."""
READERS = 8
"""Point reads in flight for one portal request."""


class TablePortalCatalog:
    limit = TRANSACTION_LIMIT * ITEM_PARTITIONS
    """Enough for a full transaction in every item partition when everything changed."""

    def __init__(self, account: StorageAccount) -> None:
        self._account = account
        self._readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="portal-catalog")

    def item_fingerprints(self) -> Mapping[str, str]:
        with storage_errors():
            rows = self._account.table(PORTAL_ITEMS_TABLE).list_entities(select=["item", "fingerprint"])
            return {row["item"]: row["fingerprint"] for row in rows}

    def store_items(self, items: Sequence[PortalItem]) -> Mapping[str, str]:
        entities, refused = [], {}
        for item in items:
            document = zlib.compress(item.model_dump_json().encode())
            if len(document) > PART_BYTES * MAX_PARTS:
                refused[item.number] = (
                    f"{len(document):,} bytes compressed, more than a portal row holds ({PART_BYTES * MAX_PARTS:,})"
                )
            else:
                entities.append(_item_entity(item, document))
        self._write(PORTAL_ITEMS_TABLE, entities)
        self.remove_items(list(refused))
        return refused

    def remove_items(self, numbers: Sequence[str]) -> None:
        table = self._account.table(PORTAL_ITEMS_TABLE)
        for number in numbers:
            with storage_errors():
                table.delete_entity(_item_partition(number), row_key(number))

    def items(self, numbers: Iterable[str]) -> dict[str, PortalItem]:
        stored = self._readers.map(self._item, list(dict.fromkeys(numbers)))
        return {item.number: item for item in stored if item is not None}

    def _item(self, number: str) -> PortalItem | None:
        with storage_errors():
            try:
                row = self._account.table(PORTAL_ITEMS_TABLE).get_entity(_item_partition(number), row_key(number))
            except ResourceNotFoundError:
                return None
        document = b"".join(row[f"document{part}"] for part in range(row["parts"]))
        return PortalItem.model_validate_json(zlib.decompress(document))

    def customer_fingerprints(self) -> Mapping[str, str]:
        with storage_errors():
            rows = self._account.table(PORTAL_CUSTOMERS_TABLE).query_entities(
                "PartitionKey eq @partition",
                parameters={"partition": CUSTOMERS_PARTITION},
                select=["customer", "fingerprint"],
            )
            return {row["customer"]: row["fingerprint"] for row in rows}

    def store_customers(self, customers: Sequence[PortalCustomer]) -> None:
        self._write(PORTAL_CUSTOMERS_TABLE, [_customer_entity(customer) for customer in customers])

    def remove_customers(self, numbers: Sequence[str]) -> None:
        table = self._account.table(PORTAL_CUSTOMERS_TABLE)
        for number in numbers:
            with storage_errors():
                table.delete_entity(CUSTOMERS_PARTITION, row_key(number))

    def customer(self, number: str) -> PortalCustomer | None:
        with storage_errors():
            try:
                row = self._account.table(PORTAL_CUSTOMERS_TABLE).get_entity(CUSTOMERS_PARTITION, row_key(number))
            except ResourceNotFoundError:
                return None
        return PortalCustomer(
            number=row["customer"],
            customer_price_group=row["customerPriceGroup"],
            customer_discount_group=row["customerDiscountGroup"],
            currency_code=row["currencyCode"],
        )

    def _write(self, table_name: str, entities: Iterable[dict[str, Any]]) -> None:
        """Each entity in place of the stored one (replace, not merge: no part of a longer document survives)."""
        table = self._account.table(table_name)
        for transaction in _transactions(entities):
            with storage_errors():
                table.submit_transaction(
                    [(TransactionOperation.UPSERT, entity, {"mode": UpdateMode.REPLACE}) for entity in transaction]
                )


def _item_partition(number: str) -> str:
    return f"items-{hashlib.sha256(number.encode()).hexdigest()[0]}"


def _item_entity(item: PortalItem, document: bytes) -> dict[str, Any]:
    parts = [document[start : start + PART_BYTES] for start in range(0, len(document), PART_BYTES)]
    return {
        "PartitionKey": _item_partition(item.number),
        "RowKey": row_key(item.number),
        "item": item.number,
        "fingerprint": item.fingerprint(),
        "parts": len(parts),
        **{f"document{index}": part for index, part in enumerate(parts)},
    }


def _customer_entity(customer: PortalCustomer) -> dict[str, Any]:
    return {
        "PartitionKey": CUSTOMERS_PARTITION,
        "RowKey": row_key(customer.number),
        "customer": customer.number,
        "customerPriceGroup": customer.customer_price_group,
        "customerDiscountGroup": customer.customer_discount_group,
        "currencyCode": customer.currency_code,
        "fingerprint": customer.fingerprint(),
    }


def _transactions(entities: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The entities grouped by partition, at most TRANSACTION_LIMIT and about TRANSACTION_BYTES in each group."""
    by_partition: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entity in entities:
        by_partition[entity["PartitionKey"]].append(entity)
    for partition in by_partition.values():
        transaction: list[dict[str, Any]] = []
        size = 0
        for entity in partition:
            weight = _weight(entity)
            if transaction and (len(transaction) == TRANSACTION_LIMIT or size + weight > TRANSACTION_BYTES):
                yield transaction
                transaction, size = [], 0
            transaction.append(entity)
            size += weight
        if transaction:
            yield transaction


def _weight(entity: Mapping[str, Any]) -> int:
    """About what the entity adds to a transaction's payload: binary travels as base64, names and types as JSON."""
    return sum(64 + (len(value) * 4 // 3 if isinstance(value, bytes) else len(str(value))) for value in entity.values())
