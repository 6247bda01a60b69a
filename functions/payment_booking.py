"""The booking timer (schedule: KOPPEL_BOOKING_SCHEDULE): invoices BC posted are filed on their orders and the
matched payments are booked against them. Only the timer runs it: Azure runs a timer on one instance at a time, so
two runs never stage the same payment. `GET /api/ops/sync/payments-bc` shows its latest runs."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.services.book_payments import book_payments
from functions.container import container

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_BOOKING_SCHEDULE%", run_on_startup=False)
def payment_booking(timer: func.TimerRequest) -> None:
    booking = container().payment_booking
    if booking is None:
        return
    run = book_payments(booking)
    log.info(
        "%s: invoices filed %d, payments looked at %d, booked %d, parked %d in %.1f s%s%s",
        run.name,
        run.changed,
        run.read,
        run.pushed,
        run.failed,
        run.seconds,
        "" if run.completed else " (stopped early, resumes next run)",
        " (run was past due)" if timer.past_due else "",
    )
