"""The storage account's connection, read from the settings in either form the Functions host reads
`AzureWebJobsStorage`: a connection string, or identity-based settings; and the clients built for each."""

from __future__ import annotations

import pytest
from azure.identity import DefaultAzureCredential, ManagedIdentityCredential
from azure.storage.queue import QueueClient

from integrations.settings import Settings
from integrations.storage.account import StorageAccount
from integrations.storage.connection import ConnectionString, IdentityConnection

CONNECTION_STRING = (
    "DefaultEndpointsProtocol=https;AccountName=koppel;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net"
)
KOPPEL_REQUIRED = {
    "KOPPEL_BC_TENANT_ID": "t",
    "KOPPEL_BC_COMPANY_ID": "c",
    "KOPPEL_BC_CLIENT_ID": "id",
    "KOPPEL_BC_CLIENT_SECRET": "s",
    "KOPPEL_BC_SHIPPING_ACCOUNT": "8090",
}
FLEX_CONSUMPTION = {
    "AzureWebJobsStorage__credential": "managedidentity",
    "AzureWebJobsStorage__clientId": "11111111-2222-3333-4444-555555555555",
    "AzureWebJobsStorage__blobServiceUri": "https://koppel.blob.core.windows.net/",
    "AzureWebJobsStorage__queueServiceUri": "https://koppel.queue.core.windows.net/",
    "AzureWebJobsStorage__tableServiceUri": "https://koppel.table.core.windows.net/",
}
"""The app settings of Microsoft's Flex Consumption samples (a user-assigned identity, no shared key)."""


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in KOPPEL_REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AzureWebJobsStorage", raising=False)
    return monkeypatch


def _set(environment: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        environment.setenv(name, value)


def test_a_connection_string_is_read_as_a_secret(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("AzureWebJobsStorage", CONNECTION_STRING)
    connection = Settings().storage
    assert isinstance(connection, ConnectionString)
    assert connection.value.get_secret_value() == CONNECTION_STRING
    assert "c2VjcmV0" not in repr(connection)


def test_the_connection_string_wins_over_identity_based_settings(environment: pytest.MonkeyPatch) -> None:
    _set(environment, FLEX_CONSUMPTION | {"AzureWebJobsStorage": CONNECTION_STRING})
    assert isinstance(Settings().storage, ConnectionString)


def test_the_flex_consumption_settings_are_a_user_assigned_identity_with_its_uris(
    environment: pytest.MonkeyPatch,
) -> None:
    _set(environment, FLEX_CONSUMPTION)
    assert Settings().storage == IdentityConnection(
        blob_uri="https://koppel.blob.core.windows.net/",
        queue_uri="https://koppel.queue.core.windows.net/",
        table_uri="https://koppel.table.core.windows.net/",
        managed_identity=True,
        client_id="11111111-2222-3333-4444-555555555555",
    )


def test_an_account_name_stands_for_the_uris_it_does_not_override(environment: pytest.MonkeyPatch) -> None:
    _set(
        environment,
        {"AzureWebJobsStorage__accountName": "koppel", "AzureWebJobsStorage__credential": "managedidentity"},
    )
    environment.setenv("AzureWebJobsStorage__queueServiceUri", "https://queues.example.net")
    connection = Settings().storage
    assert isinstance(connection, IdentityConnection)
    assert (connection.blob_uri, connection.queue_uri, connection.table_uri) == (
        "https://koppel.blob.core.windows.net",
        "https://queues.example.net",
        "https://koppel.table.core.windows.net",
    )
    assert connection.client_id is None


@pytest.mark.parametrize("absent", ["AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri"])
def test_neither_form_complete_names_what_is_missing(environment: pytest.MonkeyPatch, absent: str) -> None:
    _set(environment, {name: value for name, value in FLEX_CONSUMPTION.items() if name != absent})
    with pytest.raises(ValueError, match=f"AzureWebJobsStorage is not set, nor {absent} ") as raised:
        Settings()
    assert "blobServiceUri" not in str(raised.value).split("nor ", 1)[1].split("(", 1)[0]


def test_no_storage_setting_at_all_names_the_connection_string_and_the_uris(environment: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="AzureWebJobsStorage is not set, nor AzureWebJobsStorage__blobServiceUri"):
        Settings()


def test_a_credential_other_than_a_managed_identity_is_refused(environment: pytest.MonkeyPatch) -> None:
    _set(environment, FLEX_CONSUMPTION | {"AzureWebJobsStorage__credential": "clientsecret"})
    with pytest.raises(ValueError, match="AzureWebJobsStorage__credential is 'clientsecret'"):
        Settings()


def _identity(*, managed_identity: bool, client_id: str | None) -> IdentityConnection:
    return IdentityConnection(
        blob_uri="https://koppel.blob.core.windows.net/",
        queue_uri="https://koppel.queue.core.windows.net/",
        table_uri="https://koppel.table.core.windows.net/",
        managed_identity=managed_identity,
        client_id=client_id,
    )


def test_the_clients_use_the_user_assigned_identity_at_the_service_uris(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str | None] = []

    class Recorded(ManagedIdentityCredential):
        def __init__(self, *, client_id: str | None = None) -> None:
            built.append(client_id)
            super().__init__(client_id=client_id)

    monkeypatch.setattr("integrations.storage.account.ManagedIdentityCredential", Recorded)
    account = StorageAccount(_identity(managed_identity=True, client_id="the-client-id"))
    queue = account._client(QueueClient, "queue", queue_name="orders")
    assert built == ["the-client-id"]
    assert account._tables.url.startswith("https://koppel.table.core.windows.net")
    assert account._blobs.url.startswith("https://koppel.blob.core.windows.net")
    assert queue.url.startswith("https://koppel.queue.core.windows.net/orders")
    credentials = {account._tables.credential, account._blobs.credential, queue.credential}
    assert len(credentials) == 1
    assert isinstance(credentials.pop(), Recorded)


def test_without_a_managed_identity_the_default_credential_chain_is_used() -> None:
    account = StorageAccount(_identity(managed_identity=False, client_id=None))
    assert isinstance(account._blobs.credential, DefaultAzureCredential)


def test_a_connection_string_uses_the_account_key_and_no_token_credential() -> None:
    account = StorageAccount(CONNECTION_STRING)
    assert account._credential is None
    assert account._blobs.account_name == "koppel"
    assert account._blobs.url.startswith("https://koppel.blob.core.windows.net")
