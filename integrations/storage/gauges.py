"""What the telemetry sampler reads from storage and records as gauges (integrations/telemetry/metrics.py): each
queue Koppel uses, its host-made poison queue included, with its length and the age of its oldest visible message,
and the attention list's length."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.orders.ports import AttentionList
from domain.ports import Clock
from integrations.storage.account import WORK_QUEUES, StorageAccount, storage_errors
from integrations.telemetry import metrics

POISON_SUFFIX = "-poison"
"""The Functions host moves a message it gave up on to `<queue>-poison`."""
KOPPEL_QUEUES = tuple(name for queue in WORK_QUEUES for name in (queue, queue + POISON_SUFFIX))


class StorageGauges:
    def __init__(
        self, account: StorageAccount, attention: AttentionList, clock: Clock, queues: tuple[str, ...] = KOPPEL_QUEUES
    ) -> None:
        self._account = account
        self._attention = attention
        self._clock = clock
        self._queues = queues

    def sample(self) -> None:
        """Every queue's length and oldest message's age, and the attention list's length, recorded as of now."""
        for queue in self._queues:
            length, oldest_age = self._queue_depth(queue)
            metrics.queue_sampled(queue, length, oldest_age)
        metrics.attention_sampled(len(self._attention.all()))

    def _queue_depth(self, queue: str) -> tuple[int, float]:
        """The queue's approximate length, and the seconds since its first visible message was inserted (0: none
        is visible)."""
        client = self._account.queue(queue)
        with storage_errors():
            length = client.get_queue_properties().approximate_message_count or 0
            oldest = next(iter(client.peek_messages(max_messages=1)), None)
        if oldest is None or oldest.inserted_on is None:
            return length, 0.0
        return length, max(0.0, (self._clock.now() - _utc(oldest.inserted_on)).total_seconds())


def _utc(moment: datetime) -> datetime:
    """`moment`, read as UTC when it carries no zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
