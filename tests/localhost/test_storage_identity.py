"""Koppel's storage clients with the identity-based settings, end to end on this machine: ManagedIdentityCredential
gets a token for the user-assigned identity from an App Service style token endpoint (IDENTITY_ENDPOINT,
IDENTITY_HEADER), and the queue and blob clients send it as a bearer token to a storage endpoint over HTTPS (bearer
tokens go over TLS only; the endpoint's certificate is a throw-away one, put in place of requests' CA bundle)."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from integrations.storage.account import ORDERS_QUEUE, RAW_BODIES_CONTAINER, StorageAccount
from integrations.storage.connection import IdentityConnection

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
IDENTITY_HEADER = "the-identity-header"
TOKEN = "the-storage-token"


class Recorder(BaseHTTPRequestHandler):
    """Answers as the token endpoint (GET) or as storage creating a queue or container (PUT: 201), and records
    each request's path, query and headers on the server."""

    def do_GET(self) -> None:
        self._record()
        body = json.dumps(
            {
                "access_token": TOKEN,
                "expires_on": str(int(time.time()) + 3600),
                "resource": "https://storage.azure.com",
                "token_type": "Bearer",
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._record()
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _record(self) -> None:
        url = urlsplit(self.path)
        requests: list[dict[str, Any]] = self.server.requests  # type: ignore[attr-defined]
        requests.append({"path": url.path, "query": parse_qs(url.query), "headers": dict(self.headers)})

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(context: ssl.SSLContext | None = None) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []  # type: ignore[attr-defined]
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "storage.pem", folder / "storage.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def token_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadingHTTPServer]:
    for server in _serve():
        monkeypatch.setenv("IDENTITY_ENDPOINT", f"http://127.0.0.1:{server.server_port}/msi/token")
        monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
        yield server


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadingHTTPServer]:
    cert_file, key_file = _certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_file))  # as an installation behind a TLS proxy sets it
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    yield from _serve(context)


def test_the_user_assigned_identitys_token_reaches_storage_as_a_bearer_token(
    token_endpoint: ThreadingHTTPServer, storage: ThreadingHTTPServer
) -> None:
    account_url = f"https://127.0.0.1:{storage.server_port}/koppel"
    account = StorageAccount(
        IdentityConnection(
            blob_uri=account_url,
            queue_uri=account_url,
            table_uri=account_url,
            managed_identity=True,
            client_id=CLIENT_ID,
        )
    )
    account.queue(ORDERS_QUEUE)
    account.container(RAW_BODIES_CONTAINER)

    token_requests: list[dict[str, Any]] = token_endpoint.requests  # type: ignore[attr-defined]
    assert len(token_requests) == 1, "the token is fetched once and cached"
    query, headers = token_requests[0]["query"], token_requests[0]["headers"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["resource"] == ["https://storage.azure.com"]
    assert headers["X-IDENTITY-HEADER"] == IDENTITY_HEADER
    storage_requests: list[dict[str, Any]] = storage.requests  # type: ignore[attr-defined]
    assert [request["path"] for request in storage_requests] == [
        f"/koppel/{ORDERS_QUEUE}",
        f"/koppel/{RAW_BODIES_CONTAINER}",
    ]
    assert {request["headers"]["Authorization"] for request in storage_requests} == {f"Bearer {TOKEN}"}
