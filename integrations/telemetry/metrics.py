"""Koppel's metrics: the instruments of meter `koppel` and a function to record each fact, under the names and
attributes Application Insights' `customMetrics` (and the alerts in infra/) know them by. They record nothing until
a MeterProvider is set (integrations/telemetry/setup.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Literal

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Meter, MeterProvider, Observation
from opentelemetry.sdk.metrics import MeterProvider as SdkMeterProvider

from domain.models import OrderStatus
from domain.payments.booking import BookingState
from domain.payments.record import MatchStatus, PaymentRecord
from domain.records import OrderRecord, SyncRun

METER = "koppel"

OrderOutcome = Literal["received", "in_bc", "parked", "failed"]
PaymentOutcome = Literal["matched", "booked", "parked"]
RunOutcome = Literal["completed", "failed"]

OUTCOME = "koppel.outcome"
ORDER_OUTCOMES: dict[OrderStatus, OrderOutcome] = {
    OrderStatus.IN_BC: "in_bc",
    OrderStatus.NEEDS_ATTENTION: "parked",
    OrderStatus.FAILED: "failed",
}
"""The order record's states the metric counts (`received` is counted when its record is first written)."""
PASSING = frozenset({OrderStatus.RECEIVED, OrderStatus.IMPORTING})
"""The states a record passes through while a worker holds it."""


class _Samples:
    """The latest sample of each series of a gauge, reported once, at the next collection: a process that sampled
    earlier (the sampler runs on one instance at a time) does not keep reporting what it saw then."""

    def __init__(self) -> None:
        self._pending: dict[tuple[tuple[str, str], ...], float] = {}
        self._lock = threading.Lock()

    def put(self, value: float, attributes: dict[str, str]) -> None:
        with self._lock:
            self._pending[tuple(sorted(attributes.items()))] = value

    def observe(self, options: CallbackOptions) -> Iterable[Observation]:  # noqa: ARG002  # the API's signature
        with self._lock:
            taken, self._pending = self._pending, {}
        return [Observation(value, dict(attributes)) for attributes, value in taken.items()]


class _Instruments:
    def __init__(self, meter: Meter) -> None:
        self.orders = meter.create_counter("koppel.orders", "{order}", "Web orders by outcome and source")
        self.payments = meter.create_counter("koppel.payments", "{payment}", "Payments by outcome and provider")
        self.bc_requests = meter.create_counter("koppel.bc.requests", "{request}", "BC's answers by status")
        self.bc_throttled = meter.create_counter("koppel.bc.throttled", "{request}", "BC's 429 answers")
        self.runs = meter.create_counter("koppel.runs", "{run}", "Timed runs finished, by name and outcome")
        self.queue_length = _Samples()
        self.queue_oldest_age = _Samples()
        self.attention_size = _Samples()
        meter.create_observable_gauge(
            "koppel.queue.length", [self.queue_length.observe], "{message}", "Messages in each queue"
        )
        meter.create_observable_gauge(
            "koppel.queue.oldest_age", [self.queue_oldest_age.observe], "s", "Age of each queue's oldest message"
        )
        meter.create_observable_gauge(
            "koppel.attention.size", [self.attention_size.observe], "{order}", "Orders on the attention list"
        )


_instruments = _Instruments(metrics.get_meter(METER))


@contextmanager
def recording_into(provider: MeterProvider) -> Iterator[None]:
    """Record into `provider` rather than the global one while inside (a process sets the global one once: tests
    use this)."""
    global _instruments  # noqa: PLW0603  # the one seam: which provider the instruments belong to
    before = _instruments
    _instruments = _Instruments(provider.get_meter(METER))
    try:
        yield
    finally:
        _instruments = before


def order_outcomes(record: OrderRecord) -> frozenset[OrderOutcome]:
    """What the metric counts of the order record's state as read; one passing while a worker holds it is `in_bc`
    when it has a BC document."""
    if record.status in PASSING:
        return frozenset({"in_bc"}) if record.bc is not None else frozenset()
    outcome = ORDER_OUTCOMES.get(record.status)
    return frozenset() if outcome is None else frozenset({outcome})


def order_outcomes_written(record: OrderRecord, before: frozenset[OrderOutcome]) -> frozenset[OrderOutcome]:
    """What the metric counts of the order record's state as written over a version in state `before`: a worker's
    claim keeps the state it had, so an order taken up again (a newer version, a replay) and ending where it was
    is not counted again."""
    return before if record.status in PASSING else order_outcomes(record)


def payment_outcomes(record: PaymentRecord) -> frozenset[PaymentOutcome]:
    """What the metric counts of the payment record's state: matched to its order, its line posted in BC, left to
    a person (not matched, or its booking stuck); waiting for its order is none of them."""
    outcomes: set[PaymentOutcome] = set()
    if record.status is MatchStatus.MATCHED:
        outcomes.add("matched")
    if record.booking is not None and record.booking.state is BookingState.BOOKED:
        outcomes.add("booked")
    if record.status is MatchStatus.NEEDS_ATTENTION or record.booking_problem:
        outcomes.add("parked")
    return frozenset(outcomes)


def count_orders(source: str, outcomes: Iterable[OrderOutcome]) -> None:
    """Web orders of shop channel `source` (woocommerce, shopify, portal) reaching each of `outcomes`."""
    for outcome in outcomes:
        _instruments.orders.add(1, {OUTCOME: outcome, "koppel.source": source})


def count_payments(provider: str, outcomes: Iterable[PaymentOutcome]) -> None:
    """Payments of `provider` (mollie, stripe, or a shop channel for a shop's own payment) reaching each outcome."""
    for outcome in outcomes:
        _instruments.payments.add(1, {OUTCOME: outcome, "koppel.provider": provider})


def bc_answer(method: str, status_code: int) -> None:
    """One HTTP answer of BC (every attempt, retries included)."""
    _instruments.bc_requests.add(1, {"http.response.status_code": status_code, "http.request.method": method})
    if status_code == 429:
        _instruments.bc_throttled.add(1)


def run_finished(run: SyncRun) -> None:
    """A timed run's summary recorded: completed, or stopped early / with failures."""
    outcome: RunOutcome = "completed" if run.completed else "failed"
    _instruments.runs.add(1, {"koppel.run": run.name, OUTCOME: outcome})


def queue_sampled(queue: str, length: int, oldest_age_seconds: float) -> None:
    """A queue's length and the age of its oldest visible message (0 when it has none), as sampled now."""
    _instruments.queue_length.put(length, {"koppel.queue": queue})
    _instruments.queue_oldest_age.put(oldest_age_seconds, {"koppel.queue": queue})


def attention_sampled(size: int) -> None:
    """The attention list's length, as sampled now."""
    _instruments.attention_size.put(size, {})


def export_now() -> None:
    """Export what was recorded now, not at the reader's next export (every 60 s): the instance that sampled the
    gauges may be stopped before then."""
    provider = metrics.get_meter_provider()
    if isinstance(provider, SdkMeterProvider):
        provider.force_flush(timeout_millis=10_000)
