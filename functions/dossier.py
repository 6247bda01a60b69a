"""GET /api/orders/{source}/{shop}/{orderId}: one web order's dossier."""

from __future__ import annotations

import azure.functions as func
from pydantic import ValidationError

from domain.models import WebOrderKey
from domain.services.order_dossier import order_dossier
from functions.container import container
from functions.responses import error_response

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.route(route="orders/{source}/{shop}/{orderId}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def dossier(req: func.HttpRequest) -> func.HttpResponse:
    try:
        key = WebOrderKey(
            source=req.route_params["source"], shop=req.route_params["shop"], order_id=req.route_params["orderId"]
        )
    except ValidationError as error:
        fields = ", ".join(str(problem["loc"][0]) for problem in error.errors())
        return error_response(400, "malformed", f"not a web order key: {fields}")
    sync = container().order_sync
    found = order_dossier(sync.orders, sync.events, key)
    if found is None:
        return error_response(404, "not_found", f"Koppel has no order {key}")
    return func.HttpResponse(found.model_dump_json(), status_code=200, mimetype="application/json")
