"""Unpaid orders in table `payments`, partition `unpaid:<source>:<shop>`, row the order id: only orders still
waiting for their money, so a payment that names no order reads one shop's few rows around its time."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from azure.data.tables import TableClient, UpdateMode

from domain.models import WebOrderKey
from domain.payments.payment import Money
from domain.payments.unpaid import UnpaidOrder
from integrations.storage.account import PAYMENTS_TABLE, StorageAccount, storage_errors

PARTITION = "unpaid"


class TableUnpaidOrders:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def add(self, order: UnpaidOrder) -> None:
        entity = {
            "PartitionKey": _partition(order.key.source, order.key.shop),
            "RowKey": order.key.order_id,
            "total": str(order.total.amount),
            "currency": order.total.currency,
            "customer": order.customer,
            "ordered_at": order.ordered_at,
        }
        with storage_errors():
            self._table().upsert_entity(entity, mode=UpdateMode.REPLACE)

    def remove(self, key: WebOrderKey) -> None:
        with storage_errors():
            self._table().delete_entity(_partition(key.source, key.shop), key.order_id)

    def around(self, source: str, shop: str, moment: datetime, window: timedelta) -> list[UnpaidOrder]:
        with storage_errors():
            rows = self._table().query_entities(
                "PartitionKey eq @partition and ordered_at ge @earliest and ordered_at le @latest",
                parameters={
                    "partition": _partition(source, shop),
                    "earliest": moment - window,
                    "latest": moment + window,
                },
            )
            return [
                UnpaidOrder(
                    key=WebOrderKey(source=source, shop=shop, order_id=row["RowKey"]),
                    total=Money(amount=Decimal(row["total"]), currency=row["currency"]),
                    customer=row["customer"],
                    ordered_at=row["ordered_at"],
                )
                for row in rows
            ]

    def _table(self) -> TableClient:
        return self._account.table(PAYMENTS_TABLE)


def _partition(source: str, shop: str) -> str:
    return f"{PARTITION}:{source}:{shop}"
