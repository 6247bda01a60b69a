"""The `orders` queue, written in the encoding the Functions host reads."""

from datetime import timedelta

from domain.records import OrderMessage
from integrations.storage.account import ORDERS_QUEUE, StorageAccount, storage_errors


class StorageOrderQueue:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def send(self, message: OrderMessage, delay: timedelta | None = None) -> None:
        visible_after = int(delay.total_seconds()) if delay else None
        with storage_errors():
            self._account.queue(ORDERS_QUEUE).send_message(message.model_dump_json(), visibility_timeout=visible_after)
