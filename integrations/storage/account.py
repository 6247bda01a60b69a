"""Clients for one storage account (Azurite locally), each table, container and queue created once per process;
with a connection string or, in Azure, the app's identity (integrations/storage/connection.py)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError, HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.core.pipeline.transport import RequestsTransport
from azure.data.tables import TableClient, TableServiceClient
from azure.identity import DefaultAzureCredential, ManagedIdentityCredential
from azure.storage.blob import BlobServiceClient, ContainerClient
from azure.storage.blob import ExponentialRetry as BlobRetry
from azure.storage.queue import ExponentialRetry as QueueRetry
from azure.storage.queue import QueueClient, TextBase64EncodePolicy
from pydantic import SecretStr
from urllib3.util.retry import Retry

from domain.errors import StorageUnavailable
from integrations.storage.connection import ConnectionString, IdentityConnection, StorageConnection

EVENTS_TABLE = "events"
ORDERS_TABLE = "orders"
BINDINGS_TABLE = "bindings"
ATTENTION_TABLE = "attention"
SYNC_STATE_TABLE = "syncstate"
SYNC_RUNS_TABLE = "syncruns"
PAYMENTS_TABLE = "payments"
CARRIER_EVENTS_TABLE = "carrierevents"
SHIPMENTS_TABLE = "shipments"
REFUNDS_TABLE = "refunds"
RAW_BODIES_CONTAINER = "webhooks"
ORDERS_QUEUE = "orders"
PAYMENTS_QUEUE = "payments"
BC_NOTIFICATIONS_QUEUE = "bc-notifications"
CARRIER_EVENTS_QUEUE = "carrier-events"
WORK_QUEUES = (ORDERS_QUEUE, PAYMENTS_QUEUE, BC_NOTIFICATIONS_QUEUE, CARRIER_EVENTS_QUEUE)
"""Every queue a worker function drains (each with its `-poison` queue)."""

T = TypeVar("T")
C = TypeVar("C", TableServiceClient, BlobServiceClient, QueueClient)

# Retry a storage hiccup briefly, then fail: intake must answer 5xx within seconds so the sender retries.
TABLE_RETRY: dict[str, Any] = {"retry_total": 2, "retry_backoff_factor": 0.2, "connection_timeout": 5}
R = TypeVar("R", BlobRetry, QueueRetry)


# Connections kept per client: the Python worker runs sync functions on up to 32 threads (PYTHON_THREADPOOL_THREAD_COUNT
# at most 32 by default); requests' default of 10 makes busier moments open and discard connections.
CONNECTION_POOL_SIZE = 32
# The blob and queue SDKs' timeouts and read block size, which they set only on a transport they build themselves.
STORAGE_CONNECTION: dict[str, Any] = {
    "connection_timeout": 20,
    "read_timeout": 60,
    "connection_data_block_size": 256 * 1024,
}


def _brief_retry(policy: type[R]) -> R:
    return policy(initial_backoff=1, increment_base=2, retry_total=2, random_jitter_range=1)


def _transport(**connection: Any) -> RequestsTransport:
    """azure-core's requests transport as the SDK would build it from `connection`, with CONNECTION_POOL_SIZE
    connections instead of requests' 10 (retries stay azure-core's, as in its own adapter)."""
    session = requests.Session()
    session.trust_env = False
    adapter = requests.adapters.HTTPAdapter(
        pool_maxsize=CONNECTION_POOL_SIZE, max_retries=Retry(total=False, redirect=False, raise_on_status=False)
    )
    for scheme in ("http://", "https://"):
        session.mount(scheme, adapter)
    return RequestsTransport(session=session, session_owner=True, **connection)


def _read_environment_once(transport: RequestsTransport, url: str) -> None:
    """Proxy and CA-bundle settings for the endpoint, read from the environment now rather than by requests on
    every call (it walks the whole environment each time: a tenth of a storage call's CPU in the host)."""
    session: requests.Session = transport.session
    session.proxies = requests.utils.get_environ_proxies(url)
    # azure-core passes its own `verify` with every request, which wins over the session's: set it there
    transport.connection_config.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )


def token_credential(connection: IdentityConnection) -> TokenCredential:
    """The app's managed identity (the user-assigned one with the client id) when the settings say `managedidentity`,
    else the first identity DefaultAzureCredential finds (a developer's sign-in locally)."""
    if connection.managed_identity:
        return ManagedIdentityCredential(client_id=connection.client_id)
    return DefaultAzureCredential()


class StorageAccount:
    """The account's clients, from a connection string (a `str` is one) or identity-based settings."""

    def __init__(self, connection: str | StorageConnection) -> None:
        self._connection = ConnectionString(SecretStr(connection)) if isinstance(connection, str) else connection
        self._credential = (
            token_credential(self._connection) if isinstance(self._connection, IdentityConnection) else None
        )
        tables = _transport(connection_timeout=TABLE_RETRY["connection_timeout"])
        self._tables = self._client(TableServiceClient, "table", transport=tables, **TABLE_RETRY)
        _read_environment_once(tables, self._tables.url)
        blobs = _transport(**STORAGE_CONNECTION)
        self._blobs = self._client(BlobServiceClient, "blob", transport=blobs, retry_policy=_brief_retry(BlobRetry))
        _read_environment_once(blobs, self._blobs.url)
        self._ready: dict[str, Any] = {}
        self._lock = threading.Lock()

    def table(self, name: str) -> TableClient:
        return self._once(f"table:{name}", lambda: self._tables.create_table_if_not_exists(name))

    def container(self, name: str) -> ContainerClient:
        def create() -> ContainerClient:
            client = self._blobs.get_container_client(name)
            with suppress(ResourceExistsError):
                client.create_container()
            return client

        return self._once(f"container:{name}", create)

    def queue(self, name: str) -> QueueClient:
        """A queue client that encodes messages in base64, as the Functions host expects by default."""

        def create() -> QueueClient:
            transport = _transport(**STORAGE_CONNECTION)
            client = self._client(
                QueueClient,
                "queue",
                queue_name=name,
                message_encode_policy=TextBase64EncodePolicy(),
                retry_policy=_brief_retry(QueueRetry),
                transport=transport,
            )
            _read_environment_once(transport, client.url)
            with suppress(ResourceExistsError):
                client.create_queue()
            return client

        return self._once(f"queue:{name}", create)

    def _client(self, kind: type[C], service: str, **options: Any) -> C:
        """A client of `kind` for the service: from the connection string, or at the service's URI with the
        identity's tokens."""
        connection = self._connection
        if isinstance(connection, ConnectionString):
            return kind.from_connection_string(connection.value.get_secret_value(), **options)
        return kind(connection.service_uri(service), credential=self._credential, **options)

    def _once(self, key: str, create: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._ready:
                with storage_errors():
                    self._ready[key] = create()
            client: T = self._ready[key]
            return client


@contextmanager
def storage_errors() -> Iterator[None]:
    """Storage that does not answer, or answers 5xx, becomes StorageUnavailable; 4xx stays as it is."""
    try:
        yield
    except (ResourceExistsError, ResourceNotFoundError):
        raise
    except HttpResponseError as error:
        if error.status_code is not None and error.status_code < 500:
            raise
        raise StorageUnavailable(f"storage answered {error.status_code}") from error
    except AzureError as error:
        raise StorageUnavailable(f"storage unreachable: {type(error).__name__}") from error


def escaped_key(text: str) -> str:
    """`text` as a Table key: the characters keys forbid (/ \\ # ? and control characters) escaped."""
    return quote(text, safe="")
