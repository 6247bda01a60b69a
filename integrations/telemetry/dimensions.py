"""What the current work is about, as `koppel.*` dimensions (one KQL query finds everything about an order):
`with about(web_order=key): ...` puts them on every log record emitted inside (as record attributes, which the
OpenTelemetry log handler exports, Application Insights' customDimensions) and, once telemetry is set up, on every
span started inside.

Plain Python: it works without OpenTelemetry (tests, plain logging) and costs a context variable read per log
record then."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from domain.models import StreamKey

WEB_ORDER = "koppel.web_order"
BC_DOCUMENT = "koppel.bc_document"
PAYMENT = "koppel.payment"
RUN = "koppel.run"

_current: ContextVar[dict[str, str] | None] = ContextVar("koppel_dimensions", default=None)
_install_lock = threading.Lock()
_installed = False


def stream_name(stream: StreamKey | str) -> str:
    """A web order or payment as the dimensions name it: `source/scope/subject`, e.g. `woocommerce/shop-1/1234`."""
    if isinstance(stream, StreamKey):
        return f"{stream.source}/{stream.scope}/{stream.subject}"
    return stream


@contextmanager
def about(
    web_order: StreamKey | str | None = None,
    payment: StreamKey | str | None = None,
    run: str | None = None,
    bc_document: str | None = None,
) -> Iterator[None]:
    """Within the block, every log record (and span, with telemetry set up) carries these dimensions, besides
    those of an enclosing block; `note` adds one learned on the way (a BC document number)."""
    named = {
        WEB_ORDER: stream_name(web_order) if web_order is not None else None,
        PAYMENT: stream_name(payment) if payment is not None else None,
        RUN: run,
        BC_DOCUMENT: bc_document,
    }
    dimensions = dict(_current.get() or {}) | {key: value for key, value in named.items() if value}
    install_on_log_records()
    token = _current.set(dimensions)
    try:
        yield
    finally:
        _current.reset(token)


def note(bc_document: str) -> None:
    """The BC document the current work turned out to be about, for the rest of the enclosing `about` block
    (nothing outside one)."""
    dimensions = _current.get()
    if dimensions is not None and bc_document:
        dimensions[BC_DOCUMENT] = bc_document


def current() -> Mapping[str, str]:
    """The dimensions in effect here (empty outside every `about` block)."""
    return _current.get() or {}


def install_on_log_records() -> None:
    """Every LogRecord made from now on carries the current dimensions as attributes (once per process)."""
    global _installed  # noqa: PLW0603 - one log record factory per process
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        make_record = logging.getLogRecordFactory()

        def record_with_dimensions(*args: object, **kwargs: object) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            for key, value in (_current.get() or {}).items():
                setattr(record, key, value)
            return record

        logging.setLogRecordFactory(record_with_dimensions)
        _installed = True
