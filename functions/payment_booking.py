"""The booking timer (schedule: KOPPEL_BOOKING_SCHEDULE): on the shops whose refunds start in the shop, the refunds
the order worker noted are credited in BC first (run `shop-refunds`); then invoices BC posted are filed on their
orders and the matched payments are booked against them (run `payments-bc`); then, on the shops whose refunds come
from BC, BC's posted credit memos are paid back at the providers and the shops told (run `credit-memo-refunds`);
last, the portal's return requests are made BC return orders (run `portal-returns`). These runs are on this timer,
so the count of timers calling BC stays as infra/ has it. Only the timer books: Azure runs a timer on one instance
at a time, so two runs never stage the same payment. `GET /api/ops/sync/{name}` shows each run's latest summaries;
`GET /api/ops/refunds` lists the credit memo refunds and the shop refund credits a person has to see to."""

from __future__ import annotations

import azure.functions as func

from domain.booking.book_payments import book_payments
from domain.refunds.credit_shop_refunds import credit_shop_refunds
from domain.refunds.portal_returns import make_return_orders
from domain.refunds.refund_credit_memos import refund_credit_memos
from functions.container import container
from functions.responses import json_response
from functions.run_log import log_run
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_BOOKING_SCHEDULE%", run_on_startup=False)
def payment_booking(timer: func.TimerRequest) -> None:
    crediting = container().shop_refund_crediting
    if crediting.shops:
        with about(run=crediting.name):
            log_run(credit_shop_refunds(crediting), timer.past_due)
    booking = container().payment_booking
    if booking is not None:
        with about(run=booking.name):
            log_run(book_payments(booking), timer.past_due)
    refunding = container().credit_memo_refunding
    if refunding.from_bc:
        with about(run=refunding.name):
            log_run(refund_credit_memos(refunding), timer.past_due)
    returns = container().portal_returns
    if returns.bc is not None:
        with about(run=returns.name):
            log_run(make_return_orders(returns), timer.past_due)


@bp.route(route="ops/refunds", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def refunds_for_a_person(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    listed = sorted(container().refunds.needing_a_person(), key=lambda each: each.updated_at)
    credits = sorted(container().shop_refund_credits.needing_a_person(), key=lambda each: each.updated_at)
    return json_response(
        {
            "count": len(listed) + len(credits),
            "refunds": [each.model_dump(mode="json") for each in listed],
            "shop_refunds": [each.model_dump(mode="json") for each in credits],
        }
    )
