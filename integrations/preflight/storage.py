"""Preflight of Koppel's own storage account, read-only: each service (tables, queues, blobs) answers a listing with
the app's configured credential (the connection string, or the identity the `AzureWebJobsStorage__*` settings
name). A table, queue or container Koppel uses that is not there yet is named, not created: Koppel creates it on
first use, which the identity's Data Contributor roles allow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from domain.preflight import Check, failed, passed
from integrations.storage.account import (
    ATTENTION_TABLE,
    BINDINGS_TABLE,
    CARRIER_EVENTS_TABLE,
    EVENTS_TABLE,
    ORDERS_TABLE,
    PAYMENTS_TABLE,
    RAW_BODIES_CONTAINER,
    REFUNDS_TABLE,
    SHIPMENTS_TABLE,
    SYNC_RUNS_TABLE,
    SYNC_STATE_TABLE,
    WORK_QUEUES,
    token_credential,
)
from integrations.storage.connection import PREFIX, ConnectionString, StorageConnection
from integrations.storage.portal_catalog import PORTAL_CUSTOMERS_TABLE, PORTAL_ITEMS_TABLE

NEEDED = {
    "table": (
        EVENTS_TABLE,
        ORDERS_TABLE,
        BINDINGS_TABLE,
        ATTENTION_TABLE,
        SYNC_STATE_TABLE,
        SYNC_RUNS_TABLE,
        PAYMENTS_TABLE,
        SHIPMENTS_TABLE,
        CARRIER_EVENTS_TABLE,
        REFUNDS_TABLE,
        PORTAL_ITEMS_TABLE,
        PORTAL_CUSTOMERS_TABLE,
    ),
    "queue": WORK_QUEUES,
    "blob": (RAW_BODIES_CONTAINER,),
}
ROLES = {
    "table": "Storage Table Data Contributor",
    "queue": "Storage Queue Data Contributor",
    "blob": "Storage Blob Data Owner",
}
KINDS = {"table": "tables", "queue": "queues", "blob": "blob containers"}
NO_RETRY: dict[str, Any] = {"retry_total": 0, "connection_timeout": 5, "read_timeout": 10}
"""One try, briefly: the preflight reports; it does not wait storage out."""


class StoragePreflight:
    what = "Koppel's storage"

    def __init__(self, connection: StorageConnection) -> None:
        self._connection = connection

    def checks(self) -> Iterator[Check]:
        for service in NEEDED:
            yield self._service(service)

    def _service(self, service: str) -> Check:
        name = f"Storage: {KINDS[service]}"
        try:
            present = set(self._names(service))
        except ClientAuthenticationError as error:
            return failed(name, _first_line(error), self._credential_fix(service))
        except HttpResponseError as error:
            detail = f"storage answered {error.status_code}: {_first_line(error)}"
            fix = self._credential_fix(service) if error.status_code in (401, 403) else self._address_fix(service)
            return failed(name, detail, fix)
        except AzureError as error:
            return failed(name, f"storage unreachable: {type(error).__name__}", self._address_fix(service))
        missing = [needed for needed in NEEDED[service] if needed not in present]
        later = f"; not there yet (Koppel creates them on first use): {', '.join(missing)}" if missing else ""
        return passed(name, f"listed with the app's credential{later}")

    def _names(self, service: str) -> list[str]:
        listings: dict[str, Callable[[], list[str]]] = {
            "table": lambda: [table.name for table in self._client(TableServiceClient, service).list_tables()],
            "queue": lambda: [str(queue.name) for queue in self._client(QueueServiceClient, service).list_queues()],
            "blob": lambda: [str(box.name) for box in self._client(BlobServiceClient, service).list_containers()],
        }
        return listings[service]()

    def _client(self, kind: Any, service: str) -> Any:
        connection = self._connection
        if isinstance(connection, ConnectionString):
            return kind.from_connection_string(connection.value.get_secret_value(), **NO_RETRY)
        return kind(connection.service_uri(service), credential=token_credential(connection), **NO_RETRY)

    def _credential_fix(self, service: str) -> str:
        if isinstance(self._connection, ConnectionString):
            return f"set {PREFIX} to a connection string with the account's current key"
        return (
            f"give the app's identity the role {ROLES[service]} on the storage account, and set "
            f"{PREFIX}__credential=managedidentity and {PREFIX}__clientId to that identity's client id"
        )

    def _address_fix(self, service: str) -> str:
        if isinstance(self._connection, ConnectionString):
            return f"check the endpoints in {PREFIX} and that the storage account lets this app in (its network rules)"
        return (
            f"check {PREFIX}__{service}ServiceUri (or {PREFIX}__accountName) and that the storage account lets this "
            "app in (its network rules)"
        )


def _first_line(error: Exception) -> str:
    """An SDK error's first line: the rest repeats the request, URLs and headers included."""
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
