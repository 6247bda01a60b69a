"""The parts of host.json the local host honours: the HTTP route prefix and the queue trigger options."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from localdev.host.timespan import parse_timespan

MessageEncoding = Literal["base64", "none"]


@dataclass(frozen=True)
class QueueOptions:
    """host.json `extensions.queues`, with the real host's defaults."""

    batch_size: int = 16
    new_batch_threshold: int = 8
    max_polling_interval: timedelta = timedelta(minutes=1)
    visibility_timeout: timedelta = timedelta(0)
    max_dequeue_count: int = 5
    message_encoding: MessageEncoding = "base64"

    @classmethod
    def from_json(cls, queues: dict[str, Any]) -> QueueOptions:
        batch_size = int(queues.get("batchSize", 16))
        if not 1 <= batch_size <= 32:
            raise ValueError(f"extensions.queues.batchSize must be 1..32, got {batch_size}")
        encoding = str(queues.get("messageEncoding", "base64")).lower()
        if encoding not in ("base64", "none"):
            raise ValueError(f"extensions.queues.messageEncoding must be base64 or none, got {encoding!r}")
        return cls(
            batch_size=batch_size,
            new_batch_threshold=int(queues.get("newBatchThreshold", batch_size // 2)),
            max_polling_interval=parse_timespan(str(queues.get("maxPollingInterval", "00:01:00"))),
            visibility_timeout=parse_timespan(str(queues.get("visibilityTimeout", "00:00:00"))),
            max_dequeue_count=int(queues.get("maxDequeueCount", 5)),
            message_encoding="base64" if encoding == "base64" else "none",
        )


@dataclass(frozen=True)
class HostConfig:
    route_prefix: str = "api"
    queues: QueueOptions = field(default_factory=QueueOptions)

    @classmethod
    def from_json(cls, host_json: dict[str, Any]) -> HostConfig:
        extensions = host_json.get("extensions") or {}
        http = extensions.get("http") or {}
        return cls(
            route_prefix=str(http.get("routePrefix", "api")).strip("/"),
            queues=QueueOptions.from_json(extensions.get("queues") or {}),
        )

    @classmethod
    def from_file(cls, path: Path) -> HostConfig:
        """A missing host.json means all defaults, as with the real host."""
        if not path.exists():
            return cls()
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
