"""A work queue (`orders`, `payments`, `bc-notifications`), written in the encoding the Functions host reads."""

from datetime import timedelta

from domain.records import StreamMessage
from integrations.storage.account import ORDERS_QUEUE, StorageAccount, storage_errors


class StorageWorkQueue:
    def __init__(self, account: StorageAccount, name: str = ORDERS_QUEUE) -> None:
        self._account = account
        self._name = name

    def send(self, message: StreamMessage, delay: timedelta | None = None) -> None:
        visible_after = int(delay.total_seconds()) if delay else None
        with storage_errors():
            self._account.queue(self._name).send_message(message.model_dump_json(), visibility_timeout=visible_after)
