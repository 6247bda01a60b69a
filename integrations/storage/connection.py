"""How Koppel reaches its storage account: a connection string (Azurite locally), or, as the Functions host reads
`AzureWebJobsStorage`, identity-based settings (the service URIs, or the account name they follow from, with a
managed identity in Azure).

learn.microsoft.com/azure/azure-functions/functions-reference ("Connecting to host storage with an identity",
"Common properties for identity-based connections")."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

PREFIX = "AzureWebJobsStorage"
SERVICES = ("blob", "queue", "table")
MANAGED_IDENTITY = "managedidentity"
"""The one value of `AzureWebJobsStorage__credential` the Functions host knows."""


@dataclass(frozen=True)
class ConnectionString:
    """A storage connection string: it holds the account key, so it stays a secret."""

    value: SecretStr


@dataclass(frozen=True)
class IdentityConnection:
    """The data-plane URIs of the account's services and the identity that gets tokens for them: a managed identity
    (the user-assigned one with `client_id`, else the system-assigned one), or, without `managed_identity`, whatever
    DefaultAzureCredential finds (a developer's sign-in locally)."""

    blob_uri: str
    queue_uri: str
    table_uri: str
    managed_identity: bool
    client_id: str | None

    def service_uri(self, service: str) -> str:
        """The URI of the `blob`, `queue` or `table` service."""
        uris = {"blob": self.blob_uri, "queue": self.queue_uri, "table": self.table_uri}
        return uris[service]


StorageConnection = ConnectionString | IdentityConnection


def read_storage_connection(connection_string: SecretStr, identity: dict[str, str]) -> StorageConnection:
    """The connection string when it is set (as for the host, it wins over the identity-based settings), else the
    identity-based connection `identity` describes (keys: `accountName`, `<service>ServiceUri`, `credential`,
    `clientId`); ValueError naming what is missing or wrong."""
    if connection_string.get_secret_value():
        return ConnectionString(connection_string)
    account = identity.get("accountName", "").strip()
    uris = {service: _service_uri(service, account, identity) for service in SERVICES}
    missing = [f"{PREFIX}__{service}ServiceUri" for service, uri in uris.items() if not uri]
    if missing:
        raise ValueError(
            f"{PREFIX} is not set, nor {', '.join(missing)} (or {PREFIX}__accountName): "
            "set a connection string or the identity-based settings"
        )
    credential = identity.get("credential", "").strip()
    if credential and credential.lower() != MANAGED_IDENTITY:
        raise ValueError(f"{PREFIX}__credential is {credential!r}; the only value known is {MANAGED_IDENTITY!r}")
    return IdentityConnection(
        blob_uri=uris["blob"],
        queue_uri=uris["queue"],
        table_uri=uris["table"],
        managed_identity=bool(credential),
        client_id=identity.get("clientId", "").strip() or None,
    )


def _service_uri(service: str, account: str, identity: dict[str, str]) -> str:
    """The service's URI as set, else the global Azure one of the named account (the host's shorthand, which does
    not fit a sovereign cloud or a custom DNS)."""
    uri = identity.get(f"{service}ServiceUri", "").strip()
    if uri or not account:
        return uri
    return f"https://{account}.{service}.core.windows.net"
