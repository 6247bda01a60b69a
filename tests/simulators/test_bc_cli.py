"""`python -m localdev.simulators.businesscentral`: serves until SIGTERM; refuses to start without a secret."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from localdev.ports import free_port
from tests.simulators.conftest import token_form

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "localdev.simulators.businesscentral"]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BC_SIM_CLIENT_SECRET"}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def test_cli_serves_until_sigterm():
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [*COMMAND, "--port", str(port), "--client-id", "koppel-test", "--latency-ms", "1"],
        cwd=ROOT,
        env=environment(BC_SIM_CLIENT_SECRET="bc-test-secret"),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"BC simulator listening on http://127.0.0.1:{port}"
        token = httpx.post(f"http://127.0.0.1:{port}/koppel-demo/oauth2/v2.0/token", data=token_form())
        assert token.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_needs_the_client_secret():
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [*COMMAND, "--port", str(free_port())],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode != 0
    assert "BC_SIM_CLIENT_SECRET" in result.stderr
