"""Raw webhook bodies in Blob storage, named by event."""

from integrations.storage.account import RAW_BODIES_CONTAINER, StorageAccount, storage_errors


class BlobRawBodyStore:
    def __init__(self, account: StorageAccount) -> None:
        self._account = account

    def put(self, name: str, body: bytes) -> None:
        with storage_errors():
            self._account.container(RAW_BODIES_CONTAINER).upload_blob(name, body, overwrite=True)

    def get(self, name: str) -> bytes:
        with storage_errors():
            return self._account.container(RAW_BODIES_CONTAINER).download_blob(name).readall()
