"""The `orders` queue (and `payments`, whose messages name a payment's key), written in the encoding the Functions
host reads."""

from datetime import timedelta

from domain.records import OrderMessage
from integrations.storage.account import ORDERS_QUEUE, StorageAccount, storage_errors


class StorageOrderQueue:
    def __init__(self, account: StorageAccount, name: str = ORDERS_QUEUE) -> None:
        self._account = account
        self._name = name

    def send(self, message: OrderMessage, delay: timedelta | None = None) -> None:
        visible_after = int(delay.total_seconds()) if delay else None
        with storage_errors():
            self._account.queue(self._name).send_message(message.model_dump_json(), visibility_timeout=visible_after)
