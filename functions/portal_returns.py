"""Returns asked on the portal (server to server, with a function key): `POST
/api/portal/customers/{customerNumber}/returns` keeps the request (202; the same `Idempotency-Key` answers the same
request again), `GET .../returns/{returnId}` shows it; the run `portal-returns` on the booking timer makes it a BC
sales return order. `GET /api/ops/returns` lists the requests a person has to make into a return order."""

from __future__ import annotations

from typing import Any

import azure.functions as func

from domain.errors import RetryableError, StorageUnavailable
from domain.portal.price_inquiry import customer_number
from domain.refunds.portal_returns import CannotReturn, UnknownOrder, ask_return, parse
from domain.refunds.return_request import ReturnRequest
from functions.container import container
from functions.responses import error_response, json_response

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
MAX_KEY = 200


@bp.route(route="portal/customers/{customerNumber}/returns", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
def ask_for_a_return(req: func.HttpRequest) -> func.HttpResponse:
    try:
        customer = customer_number(req.route_params["customerNumber"])
        ask = parse(req.get_body())
    except ValueError as error:
        return error_response(400, "malformed", str(error))
    key = req.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_KEY:
        return error_response(400, "malformed", f"the Idempotency-Key is longer than {MAX_KEY} characters")
    try:
        request = ask_return(container().portal_returns, customer, ask, key)
    except UnknownOrder as unknown:
        return error_response(404, "not_found", str(unknown))
    except CannotReturn as cannot:
        return error_response(422, "cannot_return", str(cannot))
    except (StorageUnavailable, RetryableError) as error:
        return error_response(503, "unavailable", f"{error}; try again")
    return json_response(_shown(request), 202)


@bp.route(
    route="portal/customers/{customerNumber}/returns/{returnId}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION
)
def a_return(req: func.HttpRequest) -> func.HttpResponse:
    customer, return_id = req.route_params["customerNumber"], req.route_params["returnId"]
    found = container().portal_returns.requests.get(return_id) if len(return_id) <= MAX_KEY else None
    if found is None or found[0].customer_number.upper() != customer.upper():
        return error_response(404, "not_found", f"customer {customer} has no return {return_id}")
    return json_response(_shown(found[0]))


@bp.route(route="ops/returns", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def returns_for_a_person(req: func.HttpRequest) -> func.HttpResponse:  # noqa: ARG001 - the host passes the request
    listed = sorted(container().portal_returns.requests.needing_a_person(), key=lambda each: each.updated_at)
    return json_response({"count": len(listed), "returns": [each.model_dump(mode="json") for each in listed]})


def _shown(request: ReturnRequest) -> dict[str, Any]:
    """The request as the portal sees it, in its camelCase."""
    return {
        "returnId": request.return_id,
        "orderId": request.order.order_id,
        "state": request.state.value,
        "returnOrderNumber": request.return_order_number,
        "lines": [
            {
                "itemNumber": line.item_number,
                "variantCode": line.variant_code,
                "quantity": str(line.quantity),
                "reasonCode": line.return_reason,
            }
            for line in request.lines
        ],
        "requestedAt": request.requested_at.isoformat(),
    }
