"""A queue trigger's listener: polls a storage queue with the Functions host's batching, back-off,
retry and poison-queue semantics (host.json `extensions.queues`)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
from datetime import timedelta

from azure.core.exceptions import AzureError, ResourceExistsError
from azure.functions.queue import QueueMessage as TriggerMessage
from azure.storage.queue import QueueMessage
from azure.storage.queue.aio import QueueClient

from localdev.host.host_config import QueueOptions
from localdev.host.invoker import Invoker
from localdev.host.metadata import QueueFunction

log = logging.getLogger("koppel.localhost.queue")

FASTEST_POLL = timedelta(milliseconds=100)
DEFAULT_LEASE = timedelta(minutes=1)


class MessageEncodingError(ValueError):
    """The message text is not valid for the configured messageEncoding."""


class QueueListener:
    def __init__(
        self,
        function: QueueFunction,
        options: QueueOptions,
        invoker: Invoker,
        connection_string: str,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        """lease: how long a received message stays invisible; renewed at half-time while it runs."""
        self._function = function
        self._options = options
        self._invoker = invoker
        self._queue = QueueClient.from_connection_string(connection_string, function.queue_name)
        self._poison = QueueClient.from_connection_string(connection_string, f"{function.queue_name}-poison")
        self._lease_seconds = max(1, round(lease.total_seconds()))
        self._in_flight: set[asyncio.Task[None]] = set()
        self._slot_freed = asyncio.Event()
        self._stopping = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Create the queue and its poison queue if missing, then start polling."""
        for client in (self._queue, self._poison):
            with contextlib.suppress(ResourceExistsError):
                await client.create_queue()
        self._poller = asyncio.create_task(self._poll(), name=f"poll {self._function.queue_name}")

    async def stop(self, grace: float) -> None:
        """Stop polling; give running invocations up to grace seconds to finish, then close the clients."""
        self._stopping.set()
        self._slot_freed.set()
        if self._poller is not None:
            await self._poller
        if self._in_flight:
            _, unfinished = await asyncio.wait(self._in_flight, timeout=grace)
            for task in unfinished:
                log.warning("Functions.%s: invocation still running at shutdown, abandoned", self._function.name)
                task.cancel()
        await self._queue.close()
        await self._poison.close()

    async def _poll(self) -> None:
        delay = FASTEST_POLL
        while not self._stopping.is_set():
            await self._wait_for_capacity()
            if self._stopping.is_set():
                return
            try:
                messages = await self._receive()
            except AzureError as error:
                log.warning(
                    "Functions.%s: polling %s failed: %s",
                    self._function.name,
                    self._function.queue_name,
                    error,
                )
                messages = []
            for message in messages:
                task = asyncio.create_task(self._process(message), name=f"message {message.id}")
                self._in_flight.add(task)
                task.add_done_callback(self._finished)
            if messages:
                delay = FASTEST_POLL
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay.total_seconds())
            delay = min(delay * 2, max(self._options.max_polling_interval, FASTEST_POLL))

    async def _wait_for_capacity(self) -> None:
        """Fetch the next batch only once in-flight work has dropped to newBatchThreshold."""
        while len(self._in_flight) > self._options.new_batch_threshold and not self._stopping.is_set():
            self._slot_freed.clear()
            await self._slot_freed.wait()

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slot_freed.set()

    async def _receive(self) -> list[QueueMessage]:
        batch = self._options.batch_size
        pages = self._queue.receive_messages(
            messages_per_page=batch, max_messages=batch, visibility_timeout=self._lease_seconds
        )
        return [message async for message in pages]

    async def _process(self, message: QueueMessage) -> None:
        renewal = asyncio.create_task(self._keep_leased(message))
        try:
            succeeded = await self._run(message)
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
        try:
            await self._settle(message, succeeded)
        except AzureError:
            log.exception("Functions.%s: could not settle message %s", self._function.name, message.id)

    async def _run(self, message: QueueMessage) -> bool:
        function = self._function
        try:
            body = self._decode(message.content)
        except MessageEncodingError as error:
            log.error("Functions.%s: message %s failed to bind: %s", function.name, message.id, error)
            return False
        # azure.functions.queue.QueueMessage: func.QueueMessage plus metadata, with an untyped __init__.
        trigger = TriggerMessage(  # type: ignore[no-untyped-call]
            id=message.id,
            body=body,
            dequeue_count=message.dequeue_count,
            insertion_time=message.inserted_on,
            expiration_time=message.expires_on,
            time_next_visible=message.next_visible_on,
            pop_receipt=message.pop_receipt,
        )
        reason = f"New queue message detected on '{function.queue_name}' (MessageId={message.id})"
        try:
            await self._invoker.invoke(function.name, function.user_function, function.parameter, trigger, reason)
        except Exception:
            return False
        return True

    def _decode(self, content: object) -> bytes:
        text = content if isinstance(content, str) else ""
        if self._options.message_encoding == "none":
            return text.encode("utf-8")
        try:
            return base64.b64decode(text, validate=True)
        except binascii.Error as error:
            raise MessageEncodingError(f"message text is not valid base64 ({error})") from error

    async def _keep_leased(self, message: QueueMessage) -> None:
        """Extend the message's invisibility while the function runs; each update issues a new pop receipt."""
        while True:
            await asyncio.sleep(self._lease_seconds / 2)
            try:
                receipt = await self._queue.update_message(
                    message, pop_receipt=message.pop_receipt, visibility_timeout=self._lease_seconds
                )
            except AzureError as error:
                log.warning("Functions.%s: lease renewal of %s failed: %s", self._function.name, message.id, error)
                continue
            message.pop_receipt = receipt.pop_receipt
            message.next_visible_on = receipt.next_visible_on

    async def _settle(self, message: QueueMessage, succeeded: bool) -> None:
        """Delete on success; after a failure retry later, or at maxDequeueCount move to the poison queue."""
        if succeeded:
            await self._queue.delete_message(message, pop_receipt=message.pop_receipt)
            return
        if message.dequeue_count is not None and message.dequeue_count >= self._options.max_dequeue_count:
            await self._poison.send_message(message.content)
            await self._queue.delete_message(message, pop_receipt=message.pop_receipt)
            log.warning(
                "Functions.%s: message %s moved to %s-poison after %d attempts",
                self._function.name,
                message.id,
                self._function.queue_name,
                message.dequeue_count,
            )
            return
        await self._queue.update_message(
            message,
            pop_receipt=message.pop_receipt,
            visibility_timeout=round(self._options.visibility_timeout.total_seconds()),
        )
