"""The portal's catalog: a timer copies BC's prices, stock and substitutions to storage (schedule:
KOPPEL_PORTAL_CATALOG_SCHEDULE); `POST /api/portal/customers/{customerNumber}/prices` answers from there alone."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.errors import StorageUnavailable
from domain.portal.price_inquiry import answer, customer_number, parse
from domain.portal.publish_catalog import publish_portal_catalog
from domain.portal.quote_prices import quote_prices
from functions.container import container
from functions.responses import error_response, json_response
from functions.run_log import log_run
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.timer_trigger(arg_name="timer", schedule="%KOPPEL_PORTAL_CATALOG_SCHEDULE%", run_on_startup=False)
def portal_catalog(timer: func.TimerRequest) -> None:
    run = container().portal_catalog
    if run is None:
        log.warning("portal catalog not kept: BC's pages are not published or the portal settings are invalid")
        return
    with about(run=run.name):
        log_run(publish_portal_catalog(run), timer.past_due)


@bp.route(route="portal/customers/{customerNumber}/prices", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
def portal_prices(req: func.HttpRequest) -> func.HttpResponse:
    portal = container().portal_prices
    if portal is None:
        return error_response(404, "not_found", "Koppel keeps no portal catalog")
    try:
        customer = customer_number(req.route_params["customerNumber"])
        inquiry = parse(req.get_body())
    except ValueError as error:
        return error_response(400, "malformed", str(error))
    try:
        quote = quote_prices(portal, customer, inquiry)
    except StorageUnavailable as error:
        return error_response(503, "unavailable", f"{error}; try again")
    if quote is None:
        return error_response(404, "not_found", f"the portal knows no customer {customer}")
    return json_response(answer(quote))
