"""Payment records in table `payments`: one row per payment (partition `provider:account`, row the payment id);
a copy filed under its order (partition `order:<web order key>`) so an order's payments are one query, and one
under partition `tobook` while its booking in BC is due, so a booking run never scans the table."""

from __future__ import annotations

from itertools import islice

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from domain.models import WebOrderKey
from domain.payments.record import MatchStatus, PaymentRecord
from integrations.storage.account import PAYMENTS_TABLE, StorageAccount, storage_errors

PAYMENT_ROW = "payment"
ORDER_ROW = "order"
TO_BOOK_PARTITION = "tobook"


class TablePaymentStore:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def get(self, provider: str, account: str, payment_id: str) -> PaymentRecord | None:
        with storage_errors():
            try:
                row = self._table().get_entity(f"{provider}:{account}", payment_id)
            except ResourceNotFoundError:
                return None
        return PaymentRecord.model_validate_json(row["record"])

    def put(self, record: PaymentRecord) -> None:
        payment = record.payment
        text = record.model_dump_json()
        rows = [
            {
                "PartitionKey": f"{payment.provider}:{payment.account}",
                "RowKey": payment.payment_id,
                "kind": PAYMENT_ROW,
                "status": record.status.value,
                "problem": bool(record.booking_problem),
                "record": text,
            }
        ]
        if record.order_key is not None:
            rows.append(
                {
                    "PartitionKey": f"{ORDER_ROW}:{record.order_key}",
                    "RowKey": _payment_key(record),
                    "kind": ORDER_ROW,
                    "status": record.status.value,
                    "record": text,
                }
            )
        to_book = {"PartitionKey": TO_BOOK_PARTITION, "RowKey": _payment_key(record)}
        with storage_errors():
            for row in rows:
                self._table().upsert_entity(row, mode=UpdateMode.REPLACE)
            if record.to_book:
                self._table().upsert_entity({**to_book, "record": text}, mode=UpdateMode.REPLACE)
            else:
                self._table().delete_entity(TO_BOOK_PARTITION, to_book["RowKey"])

    def for_order(self, key: WebOrderKey) -> list[PaymentRecord]:
        with storage_errors():
            rows = self._table().query_entities(
                "PartitionKey eq @partition", parameters={"partition": f"{ORDER_ROW}:{key}"}, select=["record"]
            )
            return [PaymentRecord.model_validate_json(row["record"]) for row in rows]

    def needing_a_person(self) -> list[PaymentRecord]:
        with storage_errors():
            rows = self._table().query_entities(
                "kind eq @kind and (status ne @matched or problem eq true)",
                parameters={"kind": PAYMENT_ROW, "matched": MatchStatus.MATCHED.value},
                select=["record"],
            )
            return [PaymentRecord.model_validate_json(row["record"]) for row in rows]

    def awaiting_booking(self, limit: int) -> list[PaymentRecord]:
        with storage_errors():
            rows = self._table().query_entities(
                "PartitionKey eq @partition", parameters={"partition": TO_BOOK_PARTITION}, select=["record"]
            )
            return [PaymentRecord.model_validate_json(row["record"]) for row in islice(rows, limit)]

    def _table(self) -> TableClient:
        return self._account.table(PAYMENTS_TABLE)


def _payment_key(record: PaymentRecord) -> str:
    payment = record.payment
    return f"{payment.provider}:{payment.account}:{payment.payment_id}"
