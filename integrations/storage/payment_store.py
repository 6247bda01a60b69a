"""Payment records in table `payments`: one row per payment (partition `provider:account`, row the payment id);
a copy filed under its order (partition `order:<web order key>`) so an order's payments are one query, one under
partition `tobook` while its booking in BC is due and one under partition `person` while it needs a person, so
neither the booking run nor the list of what needs a person ever scans the table."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from domain.errors import ConcurrencyConflict
from domain.models import WebOrderKey
from domain.payments.record import PaymentRecord
from integrations.storage.account import PAYMENTS_TABLE, StorageAccount, storage_errors
from integrations.storage.written_states import WrittenStates
from integrations.telemetry import metrics
from integrations.telemetry.metrics import PaymentOutcome

PAYMENT_ROW = "payment"
ORDER_ROW = "order"
TO_BOOK_PARTITION = "tobook"
PERSON_PARTITION = "person"


class TablePaymentStore:
    """Each write that brings a record into a state `koppel.payments` counts is counted once (integrations/
    telemetry/metrics.py)."""

    def __init__(self, account: StorageAccount) -> None:
        self._account = account
        self._states: WrittenStates[frozenset[PaymentOutcome]] = WrittenStates()

    def read(self, provider: str, account: str, payment_id: str) -> tuple[PaymentRecord, str] | None:
        with storage_errors():
            try:
                row = self._table().get_entity(f"{provider}:{account}", payment_id)
            except ResourceNotFoundError:
                return None
        record, etag = PaymentRecord.model_validate_json(row["record"]), str(row.metadata["etag"])
        self._states.learn(_payment_key(record), etag, metrics.payment_outcomes(record))
        return record, etag

    def write(self, record: PaymentRecord, etag: str | None) -> str:
        """The payment's own row first, on its ETag; then the copies derived from it (under its order, among the
        payments to book), which any later write of the record puts right."""
        main = _payment_row(record)
        before = self._before(record, etag)
        with storage_errors():
            try:
                if etag is None:
                    result = self._table().create_entity(main)
                else:
                    result = self._table().update_entity(
                        main, mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
                    )
            except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
                raise ConcurrencyConflict(f"payment {_payment_key(record)} was changed by someone else") from None
            self._counted(record, before, str(result["etag"]))
            self._file_copies(record)
        return str(result["etag"])

    def _before(self, record: PaymentRecord, etag: str | None) -> frozenset[PaymentOutcome]:
        """What the metric counted of the version written on (none when the record is new)."""
        if etag is None:
            return frozenset()
        payment = record.payment
        read = partial(self.read, payment.provider, payment.account, payment.payment_id)
        return self._states.before(_payment_key(record), etag, read) or frozenset()

    def _counted(self, record: PaymentRecord, before: frozenset[PaymentOutcome], etag: str) -> None:
        """The record written as version `etag`: counted in each state it is in now and was not in `before`."""
        outcomes = metrics.payment_outcomes(record)
        metrics.count_payments(record.payment.provider, outcomes - before)
        self._states.remember(_payment_key(record), etag, outcomes)

    def _file_copies(self, record: PaymentRecord) -> None:
        text = record.model_dump_json()
        if record.order_key is not None:
            copy = {
                "PartitionKey": f"{ORDER_ROW}:{record.order_key}",
                "RowKey": _payment_key(record),
                "kind": ORDER_ROW,
                "status": record.status.value,
                "record": text,
            }
            self._table().upsert_entity(copy, mode=UpdateMode.REPLACE)
        self._file_if(record.to_book, TO_BOOK_PARTITION, record, text)
        self._file_if(record.needs_a_person, PERSON_PARTITION, record, text)

    def _file_if(self, wanted: bool, partition: str, record: PaymentRecord, text: str) -> None:
        """A copy in `partition` while `wanted`, none otherwise."""
        if wanted:
            row = {"PartitionKey": partition, "RowKey": _payment_key(record), "record": text}
            self._table().upsert_entity(row, mode=UpdateMode.REPLACE)
        else:
            self._table().delete_entity(partition, _payment_key(record))

    def for_order(self, key: WebOrderKey) -> list[PaymentRecord]:
        with storage_errors():
            rows = self._table().query_entities(
                "PartitionKey eq @partition", parameters={"partition": f"{ORDER_ROW}:{key}"}, select=["record"]
            )
            return [PaymentRecord.model_validate_json(row["record"]) for row in rows]

    def needing_a_person(self) -> list[PaymentRecord]:
        with storage_errors():
            rows = self._table().query_entities(
                "PartitionKey eq @partition", parameters={"partition": PERSON_PARTITION}, select=["record"]
            )
            return [PaymentRecord.model_validate_json(row["record"]) for row in rows]

    def awaiting_booking(self) -> Iterator[PaymentRecord]:
        with storage_errors():
            rows = self._table().query_entities(
                "PartitionKey eq @partition", parameters={"partition": TO_BOOK_PARTITION}, select=["record"]
            )
            yield from (PaymentRecord.model_validate_json(row["record"]) for row in rows)

    def _table(self) -> TableClient:
        return self._account.table(PAYMENTS_TABLE)


def _payment_key(record: PaymentRecord) -> str:
    payment = record.payment
    return f"{payment.provider}:{payment.account}:{payment.payment_id}"


def _payment_row(record: PaymentRecord) -> dict[str, object]:
    payment = record.payment
    return {
        "PartitionKey": f"{payment.provider}:{payment.account}",
        "RowKey": payment.payment_id,
        "kind": PAYMENT_ROW,
        "status": record.status.value,
        "record": record.model_dump_json(),
    }
