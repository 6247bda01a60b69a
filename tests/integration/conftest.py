"""One local stack (Azurite, BC simulator, local host running function_app.py) per test module."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator

import pytest

from localdev.azurite import ROOT
from localdev.stack import LocalStack
from tests.integration.support import clear_sim_faults

PORTAL_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()

FAST_QUEUES = {
    "batchSize": 8,
    "newBatchThreshold": 4,
    "maxPollingInterval": "00:00:01",
    "visibilityTimeout": "00:00:01",
    "maxDequeueCount": 3,
    "messageEncoding": "base64",
}


def running_stack(**settings: str) -> Iterator[LocalStack]:
    """The local stack the integration tests share, with fast queues; `settings` win over its own."""
    host_json = json.loads((ROOT / "host.json").read_text())
    host_json["extensions"]["queues"] = FAST_QUEUES
    own = {
        "KOPPEL_BC_MAX_ATTEMPTS": "4",
        "KOPPEL_MAX_WEBHOOK_BYTES": "65536",
        "KOPPEL_PORTAL_SECRET": PORTAL_SECRET,
        "KOPPEL_BC_RELEASE_API": "koppel/sales/v1.0",
        "KOPPEL_BC_SHIPPING_API": "koppel/shipping/v1.0",
    }
    with LocalStack(host_json=host_json, extra_settings=own | settings) as running:
        yield running


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    yield from running_stack()


@pytest.fixture(autouse=True)
def no_faults(stack: LocalStack) -> Iterator[None]:
    yield
    clear_sim_faults(stack)
