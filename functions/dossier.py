"""GET /api/orders/{source}/{shop}/{orderId}: one web order's dossier; GET .../status: its status as the customer
is shown it (for the portal and a shop's "track my order" page). Both with a function key."""

from __future__ import annotations

import azure.functions as func

from domain.errors import RequestRejected
from domain.orders.dossier import order_dossier
from domain.shipments.status_answer import customer_status
from domain.shipments.status_lookup import StatusRecords, order_status
from functions.container import container
from functions.responses import error_response, json_response, rejection_response
from functions.routes import order_key
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.route(route="orders/{source}/{shop}/{orderId}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def dossier(req: func.HttpRequest) -> func.HttpResponse:
    try:
        key = order_key(req)
    except RequestRejected as rejected:
        return rejection_response(rejected)
    app = container()
    with about(web_order=key.stream):
        answer = order_dossier(
            app.orders,
            app.events,
            key,
            payments=app.payments,
            shipments=app.shipments,
            carrier_events=app.carrier_events,
            refunds=app.refunds,
            shop_refunds=app.shop_refund_credits,
            returns=app.portal_returns.requests,
        )
    if answer is None:
        return error_response(404, "not_found", f"Koppel has no order {key}")
    return func.HttpResponse(answer.model_dump_json(), status_code=200, mimetype="application/json")


@bp.route(route="orders/{source}/{shop}/{orderId}/status", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def customer_order_status(req: func.HttpRequest) -> func.HttpResponse:
    """200 with the customer's subset (domain/shipments/status_answer.py), 404 for an order Koppel never heard of,
    400 for a key storage could not hold."""
    try:
        key = order_key(req)
    except RequestRejected as rejected:
        return rejection_response(rejected)
    app = container()
    records = StatusRecords(
        app.orders, app.events, app.shipments, app.carrier_events, app.payments, app.portal_returns.requests
    )
    with about(web_order=key.stream):
        view = order_status(records, key)
    if view is None:
        return error_response(404, "not_found", f"Koppel has no order {key}")
    return json_response(customer_status(view))
