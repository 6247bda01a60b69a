"""The booking timer (schedule: KOPPEL_BOOKING_SCHEDULE): invoices BC posted are filed on their orders and the
matched payments are booked against them. Only the timer runs it: Azure runs a timer on one instance at a time, so
two runs never stage the same payment. `GET /api/ops/sync/payments-bc` shows its latest runs."""

from __future__ import annotations

import azure.functions as func

from domain.booking.book_payments import book_payments
from functions.container import container
from functions.run_log import log_run
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_BOOKING_SCHEDULE%", run_on_startup=False)
def payment_booking(timer: func.TimerRequest) -> None:
    booking = container().payment_booking
    if booking is None:
        return
    with about(run=booking.name):
        log_run(book_payments(booking), timer.past_due)
