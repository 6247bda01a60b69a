"""python -m localdev.host: settings file, module discovery, serving, clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from localdev.azurite import ROOT, Azurite
from tests.localhost.support import host_json, producer, raw_client, stored_count, wait_until


def test_cli_serves_module_and_stops_on_sigterm(azurite: Azurite, queue_name: str, tmp_path: Path) -> None:
    settings = tmp_path / "local.settings.json"
    settings.write_text(
        json.dumps(
            {
                "IsEncrypted": False,
                "Values": {
                    "AzureWebJobsStorage": azurite.connection_string,
                    "KOPPEL_CLI_QUEUE": queue_name,
                    "KOPPEL_GREETING": "from-file",
                    "KOPPEL_OVERRIDDEN": "from-file",
                },
            }
        )
    )
    (tmp_path / "host.json").write_text(json.dumps(host_json()))
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("AzureWebJobsStorage", "KOPPEL_CLI_QUEUE", "KOPPEL_GREETING")
    }
    environment["KOPPEL_OVERRIDDEN"] = "from-env"
    command = [sys.executable, "-m", "localdev.host", "--app", "tests.localhost.cli_app", "--port", "0"]
    command += ["--settings", str(settings), "--host-json", str(tmp_path / "host.json")]
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline().strip()
        assert banner.startswith("Koppel local host: http://127.0.0.1:")
        url = banner.removeprefix("Koppel local host: ")
        listing = [process.stdout.readline().strip() for _ in range(2)]
        assert "settings: http [GET] settings" in listing
        assert f"consume: queue {queue_name}" in listing

        assert httpx.get(f"{url}/admin/host/status").json() == {"state": "Running"}
        assert httpx.get(f"{url}/api/settings").json() == {
            "KOPPEL_GREETING": "from-file",
            "KOPPEL_OVERRIDDEN": "from-env",
        }
        producer(azurite.connection_string, queue_name).send_message("via cli")
        wait_until(lambda: stored_count(raw_client(azurite.connection_string, queue_name)) == 0)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "SIGTERM received" in stderr
    assert "Executed 'Functions.consume' (Succeeded" in stderr


def test_cli_reports_startup_error(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text(json.dumps(host_json(batchSize=99)))
    result = subprocess.run(  # noqa: S603 - fixed argv
        [
            *(sys.executable, "-m", "localdev.host", "--app", "tests.localhost.http_app", "--port", "0"),
            *("--settings", str(tmp_path / "absent.json"), "--host-json", str(tmp_path / "host.json")),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert "batchSize must be 1..32" in result.stderr
