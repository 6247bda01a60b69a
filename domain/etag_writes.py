"""How a stored record is changed without losing what another writer wrote: it is read with its ETag, changed, and
written on that ETag (the store raises ConcurrencyConflict when someone wrote it in between); where the change can
be made again, the record is read again and the change made on that version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import ConcurrencyConflict

R = TypeVar("R")

Read = Callable[[], tuple[R, str] | None]
"""The record as stored now, with its ETag; None when there is none."""
Write = Callable[[R, str | None], str]
"""Store the record if the stored one still has this ETag (None: if there is none yet); its new ETag, or
ConcurrencyConflict."""


@dataclass
class Versioned(Generic[R]):
    """A record with the ETag of the stored version it was read as or written to (None: not stored yet)."""

    record: R
    etag: str | None = None


def write_on_etag(write: Write[R], held: Versioned[R], changed: R) -> None:
    """Store `changed`, a change of the held record, unless someone wrote the record since (ConcurrencyConflict),
    and hold it with its new ETag."""
    held.etag = write(changed, held.etag)
    held.record = changed


def change_on_etag(
    read: Read[R],
    change: Callable[[R | None], R | None],
    write: Write[R],
    *,
    attempts: int,
    known: tuple[R, str] | None = None,
) -> R | None:
    """Change the record as read (`known`, when the caller has just read it) and write the change on its ETag; when
    someone wrote the record in between, read it again and change that version, `attempts` times in all (then the
    ConcurrencyConflict is raised). `change` gets None when there is no record, and returns None when there is
    nothing to write: the record as read is returned then; else the record as written."""
    found = known if known is not None else read()
    left = attempts
    while True:
        record, etag = found if found is not None else (None, None)
        changed = change(record)
        if changed is None:
            return record
        try:
            write(changed, etag)
        except ConcurrencyConflict:
            left -= 1
            if left <= 0:
                raise
            found = read()
            continue
        return changed
