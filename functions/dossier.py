"""GET /api/orders/{source}/{shop}/{orderId}: one web order's dossier."""

from __future__ import annotations

import azure.functions as func

from domain.errors import RequestRejected
from domain.orders.dossier import order_dossier
from functions.container import container
from functions.responses import error_response, rejection_response
from functions.routes import order_key

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.route(route="orders/{source}/{shop}/{orderId}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def dossier(req: func.HttpRequest) -> func.HttpResponse:
    try:
        key = order_key(req)
    except RequestRejected as rejected:
        return rejection_response(rejected)
    app = container()
    answer = order_dossier(app.orders, app.events, key, app.payments, app.shipments)
    if answer is None:
        return error_response(404, "not_found", f"Koppel has no order {key}")
    return func.HttpResponse(answer.model_dump_json(), status_code=200, mimetype="application/json")
