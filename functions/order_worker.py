"""Queue triggers: `orders` imports one order version into BC; `orders-poison` records the give-up."""

from __future__ import annotations

import logging
import uuid
from functools import partial

import azure.functions as func

from domain.orders.sync_order import give_up, sync_order
from domain.records import StreamMessage
from functions import poison
from functions.container import container
from integrations.storage.account import ORDERS_QUEUE
from integrations.telemetry.dimensions import about, note

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.queue_trigger(arg_name="msg", queue_name=ORDERS_QUEUE, connection="AzureWebJobsStorage")
def order_worker(msg: func.QueueMessage) -> None:
    message = StreamMessage.model_validate_json(msg.get_body())
    with about(web_order=message.stream):
        record = sync_order(container().order_sync, message, worker=msg.id or str(uuid.uuid4()))
        note(bc_document=record.bc.number if record.bc else "")
        log.info("order %s: %s %s", message.stream, record.status.value, record.bc.number if record.bc else "")


@bp.queue_trigger(arg_name="msg", queue_name=f"{ORDERS_QUEUE}-poison", connection="AzureWebJobsStorage")
def order_poison(msg: func.QueueMessage) -> None:
    message = poison.give_up(msg, partial(give_up, container().order_sync))
    with about(web_order=message.stream):
        log.error("order %s gave up and needs attention (event %s)", message.stream, message.event_id)
