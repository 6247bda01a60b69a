"""Order records in Table Storage, one row per web order, written only with ETag conditions; beside them, in
partition `document:<externalDocumentNumber>`, which web order holds a BC document number (claimed with an insert
before the document is created, so two web orders never both create one; and so which web order a BC document and
its invoices belong to), and in partition `invoice:<invoice id>`, which web order a filed BC invoice (and so a
credit memo applied to it) belongs to."""

from __future__ import annotations

from urllib.parse import quote

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from domain.errors import ConcurrencyConflict
from domain.models import WebOrderKey
from domain.records import OrderRecord
from integrations.storage.account import ORDERS_TABLE, StorageAccount, storage_errors
from integrations.storage.written_states import WrittenStates
from integrations.telemetry import metrics
from integrations.telemetry.metrics import OrderOutcome

ROW = "order"
DOCUMENT_PARTITION = "document"
INVOICE_PARTITION = "invoice"


class TableOrderStore:
    """Each write that brings a record into a state `koppel.orders` counts is counted once (integrations/telemetry/
    metrics.py), the record's first write as `received`."""

    def __init__(self, account: StorageAccount) -> None:
        self._account = account
        self._states: WrittenStates[frozenset[OrderOutcome]] = WrittenStates()

    def get(self, key: WebOrderKey) -> tuple[OrderRecord, str] | None:
        with storage_errors():
            try:
                row = self._account.table(ORDERS_TABLE).get_entity(str(key), ROW)
            except ResourceNotFoundError:
                return None
        record, etag = OrderRecord.model_validate_json(row["record"]), str(row.metadata["etag"])
        self._states.learn(str(key), etag, metrics.order_outcomes(record))
        return record, etag

    def create(self, record: OrderRecord) -> str:
        with storage_errors():
            try:
                result = self._account.table(ORDERS_TABLE).create_entity(_entity(record))
            except ResourceExistsError:
                raise ConcurrencyConflict(f"order record {record.key} exists already") from None
        metrics.count_orders(record.key.source, ["received"])
        self._counted(record, frozenset(), str(result["etag"]))
        self._file_document(record)
        return str(result["etag"])

    def replace(self, record: OrderRecord, etag: str) -> str:
        before = self._states.before(str(record.key), etag, lambda: self.get(record.key)) or frozenset()
        with storage_errors():
            try:
                result = self._account.table(ORDERS_TABLE).update_entity(
                    _entity(record),
                    mode=UpdateMode.REPLACE,
                    etag=etag,
                    match_condition=MatchConditions.IfNotModified,
                )
            except (ResourceModifiedError, ResourceNotFoundError):
                raise ConcurrencyConflict(f"order record {record.key} was changed by someone else") from None
        self._counted(record, before, str(result["etag"]))
        self._file_document(record)
        return str(result["etag"])

    def claim_document(self, external_document_number: str, key: WebOrderKey) -> WebOrderKey:
        partition = _document_partition(external_document_number)
        if self._insert_key(partition, key):
            return key
        holder = self._key_in(partition)
        if holder is None:
            raise ConcurrencyConflict(f"the claim on {external_document_number} was given up while claiming it")
        return holder

    def release_document(self, external_document_number: str, key: WebOrderKey) -> None:
        partition = _document_partition(external_document_number)
        table = self._account.table(ORDERS_TABLE)
        with storage_errors():
            try:
                row = table.get_entity(partition, ROW)
                if row["key"] == str(key):
                    table.delete_entity(
                        partition, ROW, etag=row.metadata["etag"], match_condition=MatchConditions.IfNotModified
                    )
            except (ResourceNotFoundError, ResourceModifiedError):
                return

    def key_for_document(self, external_document_number: str) -> WebOrderKey | None:
        return self._key_in(_document_partition(external_document_number))

    def file_invoice(self, invoice_id: str, key: WebOrderKey) -> None:
        entity = {"PartitionKey": _invoice_partition(invoice_id), "RowKey": ROW, "key": str(key)}
        with storage_errors():
            self._account.table(ORDERS_TABLE).upsert_entity(entity, mode=UpdateMode.REPLACE)

    def key_for_invoice(self, invoice_id: str) -> WebOrderKey | None:
        return self._key_in(_invoice_partition(invoice_id))

    def _key_in(self, partition: str) -> WebOrderKey | None:
        with storage_errors():
            try:
                row = self._account.table(ORDERS_TABLE).get_entity(partition, ROW)
            except ResourceNotFoundError:
                return None
        return WebOrderKey.parse(row["key"])

    def _counted(self, record: OrderRecord, before: frozenset[OrderOutcome], etag: str) -> None:
        """The record written as version `etag`: counted in each state it is in now and was not in `before`."""
        outcomes = metrics.order_outcomes_written(record, before)
        metrics.count_orders(record.key.source, outcomes - before)
        self._states.remember(str(record.key), etag, outcomes)

    def _file_document(self, record: OrderRecord) -> None:
        """Remember which web order the record's BC document belongs to (once it has one), unless its number is
        held already: by this web order's claim, or by another's, which is never overwritten."""
        if record.bc is not None and record.bc.external_document_number:
            self._insert_key(_document_partition(record.bc.external_document_number), record.key)

    def _insert_key(self, partition: str, key: WebOrderKey) -> bool:
        """Insert the row naming `key`; False when the partition's row exists."""
        entity = {"PartitionKey": partition, "RowKey": ROW, "key": str(key)}
        with storage_errors():
            try:
                self._account.table(ORDERS_TABLE).create_entity(entity)
            except ResourceExistsError:
                return False
        return True


def _entity(record: OrderRecord) -> dict[str, object]:
    return {
        "PartitionKey": str(record.key),
        "RowKey": ROW,
        "status": record.status.value,
        "record": record.model_dump_json(),
    }


def _document_partition(external_document_number: str) -> str:
    """BC keeps the number upper case; the characters Table keys forbid are escaped."""
    return f"{DOCUMENT_PARTITION}:{quote(external_document_number.upper(), safe='')}"


def _invoice_partition(invoice_id: str) -> str:
    return f"{INVOICE_PARTITION}:{quote(invoice_id.lower(), safe='')}"
