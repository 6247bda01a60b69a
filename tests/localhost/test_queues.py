"""Queue triggers against Azurite: decoding, deletion, retries, poison queue, visibility, batching."""

from __future__ import annotations

import asyncio
import base64
import itertools
import threading
import time
from datetime import timedelta

import azure.functions as func
import pytest

from localdev.host import LocalHost
from localdev.host.host_config import QueueOptions
from localdev.host.invoker import Invoker
from localdev.host.metadata import QueueFunction
from localdev.host.queue_listener import QueueListener
from localdev.host.settings import SettingError
from tests.localhost.support import host_json, producer, raw_client, stored_count, wait_until


def queue_app(handler, queue: str = "%KOPPEL_TEST_QUEUE%") -> func.FunctionApp:
    app = func.FunctionApp()
    app.queue_trigger(arg_name="msg", queue_name=queue, connection="AzureWebJobsStorage")(handler)
    return app


def ignore(msg: func.QueueMessage) -> None:
    """A queue function that does nothing."""


def test_message_decoded_processed_and_deleted(storage: str, queue_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOPPEL_TEST_QUEUE", queue_name)
    received: list[func.QueueMessage] = []

    def handle(msg: func.QueueMessage) -> None:
        received.append(msg)

    with LocalHost(queue_app(handle), host_json(), port=0):
        sent = producer(storage, queue_name).send_message('{"order": "café-1"}')
        wait_until(lambda: len(received) == 1)
        wait_until(lambda: stored_count(raw_client(storage, queue_name)) == 0)
    message = received[0]
    assert message.get_body() == '{"order": "café-1"}'.encode()
    assert message.get_json() == {"order": "café-1"}
    assert message.id == sent.id
    assert message.dequeue_count == 1
    assert message.insertion_time is not None
    assert message.pop_receipt


def test_message_encoding_none_passes_text_as_is(storage: str, queue_name: str) -> None:
    received: list[bytes] = []
    with LocalHost(
        queue_app(lambda msg: received.append(msg.get_body()), queue_name),
        host_json(messageEncoding="none"),
        port=0,
    ):
        raw_client(storage, queue_name).send_message("plain text, not base64")
        wait_until(lambda: received == [b"plain text, not base64"])


def test_unknown_setting_in_queue_name_fails_at_startup(storage: str) -> None:
    with pytest.raises(SettingError, match="NO_SUCH_SETTING"):
        LocalHost(queue_app(ignore, "%NO_SUCH_SETTING%"), host_json(), port=0)


def test_failing_message_retried_then_poisoned_with_same_content(storage: str, queue_name: str) -> None:
    attempts: list[int | None] = []

    def handle(msg: func.QueueMessage) -> None:
        attempts.append(msg.dequeue_count)
        raise RuntimeError("BC answered 503")

    with LocalHost(queue_app(handle, queue_name), host_json(maxDequeueCount=3), port=0):
        producer(storage, queue_name).send_message("order 17")
        poison = raw_client(storage, f"{queue_name}-poison")
        wait_until(lambda: stored_count(poison) == 1)
        wait_until(lambda: stored_count(raw_client(storage, queue_name)) == 0)
    assert attempts == [1, 2, 3]
    [parked] = poison.receive_messages()
    assert parked.content == base64.b64encode(b"order 17").decode()


def test_invalid_base64_goes_to_poison_without_invocation(storage: str, queue_name: str) -> None:
    calls: list[object] = []

    def handle(msg: func.QueueMessage) -> None:
        calls.append(msg)

    with LocalHost(queue_app(handle, queue_name), host_json(maxDequeueCount=2), port=0):
        raw_client(storage, queue_name).send_message("this is not base64!")
        poison = raw_client(storage, f"{queue_name}-poison")
        wait_until(lambda: stored_count(poison) == 1)
    assert calls == []
    assert next(iter(poison.receive_messages())).content == "this is not base64!"


def test_visibility_timeout_delays_retry(storage: str, queue_name: str) -> None:
    attempts: list[float] = []

    def handle(msg: func.QueueMessage) -> None:
        attempts.append(time.monotonic())
        if msg.dequeue_count == 1:
            raise RuntimeError("first attempt fails")

    with LocalHost(queue_app(handle, queue_name), host_json(visibilityTimeout="00:00:02"), port=0):
        producer(storage, queue_name).send_message("retry me")
        wait_until(lambda: len(attempts) == 2)
        wait_until(lambda: stored_count(raw_client(storage, queue_name)) == 0)
    assert attempts[1] - attempts[0] >= 1.8


def test_batch_size_bounds_concurrency(storage: str, queue_name: str) -> None:
    lock = threading.Lock()
    running = peak = 0
    done: list[str] = []

    async def handle(msg: func.QueueMessage) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        await asyncio.sleep(0.3)
        with lock:
            running -= 1
            done.append(msg.get_body().decode())

    client = producer(storage, queue_name)
    client.create_queue()
    for number in range(12):
        client.send_message(f"m{number}")
    with LocalHost(queue_app(handle, queue_name), host_json(batchSize=4, newBatchThreshold=0), port=0):
        wait_until(lambda: len(done) == 12)
    assert sorted(done) == sorted(f"m{number}" for number in range(12))
    assert 2 <= peak <= 4


def test_polling_backs_off_when_queue_is_empty(storage: str, queue_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    polls: list[float] = []
    receive = QueueListener._receive

    async def counting_receive(listener: QueueListener):
        polls.append(time.monotonic())
        return await receive(listener)

    monkeypatch.setattr(QueueListener, "_receive", counting_receive)
    with LocalHost(queue_app(ignore, queue_name), host_json(maxPollingInterval="00:00:00.400"), port=0):
        time.sleep(2.0)
    gaps = [later - earlier for earlier, later in itertools.pairwise(polls)]
    assert gaps[0] < 0.3
    assert all(0.3 < gap < 0.7 for gap in gaps[4:])
    assert len(polls) <= 9


def test_lease_is_renewed_while_function_runs(storage: str, queue_name: str) -> None:
    """A function outliving the receive lease is not handed the message a second time."""
    dequeues: list[int | None] = []

    def slow(msg: func.QueueMessage) -> None:
        dequeues.append(msg.dequeue_count)
        time.sleep(3)

    function = QueueFunction("slow", "msg", slow, queue_name, "AzureWebJobsStorage")
    options = QueueOptions.from_json(host_json()["extensions"]["queues"])  # type: ignore[index]

    async def run() -> None:
        invoker = Invoker()
        listener = QueueListener(function, options, invoker, storage, lease=timedelta(seconds=2))
        await listener.start()
        producer(storage, queue_name).send_message("long job")
        while not dequeues:
            await asyncio.sleep(0.05)
        await asyncio.sleep(3.3)
        await listener.stop(grace=10)
        invoker.shutdown()

    asyncio.run(run())
    assert dequeues == [1]
    assert stored_count(raw_client(storage, queue_name)) == 0


def test_stop_lets_running_invocation_finish(storage: str, queue_name: str) -> None:
    started = threading.Event()
    finished: list[str] = []

    def slow(msg: func.QueueMessage) -> None:
        started.set()
        time.sleep(1)
        finished.append(msg.get_body().decode())

    host = LocalHost(queue_app(slow, queue_name), host_json(), port=0).start()
    producer(storage, queue_name).send_message("in flight")
    assert started.wait(10)
    host.stop()
    assert finished == ["in flight"]
    assert host.state == "Stopped"
    assert stored_count(raw_client(storage, queue_name)) == 0


def test_function_disabled_by_app_setting_leaves_its_messages(
    storage: str, queue_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: list[func.QueueMessage] = []

    def handle(msg: func.QueueMessage) -> None:
        received.append(msg)

    monkeypatch.setenv("AzureWebJobs.handle.Disabled", "1")
    with LocalHost(queue_app(handle, queue_name), host_json(), port=0) as host:
        queue = producer(storage, queue_name)
        queue.create_queue()
        queue.send_message("left for another instance")
        time.sleep(1.0)
        assert host.disabled == ["handle"]
    assert received == []
    assert stored_count(raw_client(storage, queue_name)) == 1
