"""Helpers for the local host tests: fast host.json options, queue clients, a polling wait."""

from __future__ import annotations

import time
from collections.abc import Callable

from azure.storage.queue import QueueClient, TextBase64EncodePolicy

FAST_QUEUES = {
    "batchSize": 16,
    "newBatchThreshold": 8,
    "maxPollingInterval": "00:00:00.200",
    "visibilityTimeout": "00:00:00",
    "maxDequeueCount": 5,
    "messageEncoding": "base64",
}


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


def host_json(**queues: object) -> dict[str, object]:
    """A host.json with fast polling, overridden by the given extensions.queues options."""
    return {"version": "2.0", "extensions": {"queues": {**FAST_QUEUES, **queues}}}


def producer(connection_string: str, queue: str) -> QueueClient:
    """A client that enqueues the way Koppel's producers do: text, base64-encoded."""
    return QueueClient.from_connection_string(connection_string, queue, message_encode_policy=TextBase64EncodePolicy())


def raw_client(connection_string: str, queue: str) -> QueueClient:
    """A client that reads and writes message text exactly as stored."""
    return QueueClient.from_connection_string(connection_string, queue)


def stored_count(client: QueueClient) -> int:
    """Messages still in the queue, visible or not."""
    return client.get_queue_properties().approximate_message_count or 0
