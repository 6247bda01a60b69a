"""What a poison message does. The host moves a message to `<queue>-poison` once it failed host.json's
maxDequeueCount times; that queue's trigger gives the message up, so a person sees it: the worker that keeps a
record of its own marks that (an order: failed, with its last error), and every event is marked failed with why.
Its raw body stays in the event log."""

from __future__ import annotations

from collections.abc import Callable

import azure.functions as func

from domain.ports import EventLog
from domain.records import EventStatus, StreamMessage

GiveUp = Callable[[StreamMessage], None]


def give_up(msg: func.QueueMessage, give_up_message: GiveUp) -> StreamMessage:
    """Give up the poison message with `give_up_message`; returns it for the trigger's log line."""
    message = StreamMessage.model_validate_json(msg.get_body())
    give_up_message(message)
    return message


def mark_event_failed(events: EventLog, unavailable: str, kept: str) -> GiveUp:
    """The give-up of a worker that keeps no record of its own: the event is marked failed, naming what was
    `unavailable` and that the raw `kept` stays."""
    note = f"gave up after repeated failures ({unavailable} or storage unavailable); the raw {kept} is kept"
    return lambda message: events.mark(message.stream, message.event_id, EventStatus.FAILED, note)
