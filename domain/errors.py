"""The three kinds of failure the design names, plus the ways an inbound request is refused."""

from enum import StrEnum


class RetryableError(Exception):
    """Try again later: the host retries the message and finally moves it to the poison queue."""


class AmbiguousWriteError(RetryableError):
    """A write was sent but no answer came back: it may or may not have been committed."""


class PermanentError(Exception):
    """A person has to act; `reason` says what, in words they understand."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConcurrencyConflict(Exception):
    """Someone else changed the record since it was read (ETag mismatch)."""


class StorageUnavailable(RetryableError):
    """Table, blob or queue storage did not answer: the caller should answer 5xx so the sender retries."""


class Rejection(StrEnum):
    UNKNOWN_SOURCE = "unknown_source"
    UNAUTHENTICATED = "unauthenticated"
    MALFORMED = "malformed"
    TOO_LARGE = "too_large"


class RequestRejected(Exception):
    """An inbound request refused before anything was stored."""

    def __init__(self, kind: Rejection, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class BusinessCentralRejected(Exception):
    """BC answered with a 4xx that retrying will not change."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
