"""Azurite from the project's node_modules, on free loopback ports: in memory, or on disk so that a restart
keeps the data."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from localdev.ports import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
AZURITE_BIN = ROOT / "node_modules" / ".bin" / "azurite"
ACCOUNT = "devstoreaccount1"
# Azurite's fixed, publicly documented development key: not a secret.
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@dataclass
class Azurite:
    """A running Azurite process with its connection string."""

    blob_port: int
    queue_port: int
    table_port: int
    process: subprocess.Popen[bytes] | None = None
    location: Path | None = None
    """A folder for Azurite's data (`--location`); None keeps everything in memory (`--inMemoryPersistence`)."""

    @property
    def connection_string(self) -> str:
        base = "http://127.0.0.1"
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint={base}:{self.blob_port}/{ACCOUNT};"
            f"QueueEndpoint={base}:{self.queue_port}/{ACCOUNT};"
            f"TableEndpoint={base}:{self.table_port}/{ACCOUNT};"
        )

    def start(self, timeout: float = 30.0) -> Azurite:
        if not AZURITE_BIN.exists():
            raise RuntimeError(f"{AZURITE_BIN} is missing: run 'make setup' (npm ci) first")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [
                str(AZURITE_BIN),
                "--silent",
                *self._persistence(),
                "--disableTelemetry",
                "--skipApiVersionCheck",
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                str(self.blob_port),
                "--queueHost",
                "127.0.0.1",
                "--queuePort",
                str(self.queue_port),
                "--tableHost",
                "127.0.0.1",
                "--tablePort",
                str(self.table_port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in (self.blob_port, self.queue_port, self.table_port):
            if not wait_for_port(port, timeout):
                self.stop()
                raise RuntimeError(f"Azurite did not listen on 127.0.0.1:{port} within {timeout} s")
        return self

    def _persistence(self) -> list[str]:
        if self.location is None:
            return ["--inMemoryPersistence"]
        self.location.mkdir(parents=True, exist_ok=True)
        return ["--location", str(self.location)]

    def restart(self, timeout: float = 30.0) -> Azurite:
        """Stop and start again on the same ports; with a `location` the data survives, in memory it is lost."""
        self.stop()
        return self.start(timeout)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> Azurite:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def on_free_ports(location: Path | None = None) -> Azurite:
    """An Azurite (not yet started) on three free loopback ports, in memory unless given a data folder."""
    return Azurite(blob_port=free_port(), queue_port=free_port(), table_port=free_port(), location=location)
