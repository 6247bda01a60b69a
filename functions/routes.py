"""Reading route parameters the same way in every HTTP trigger."""

import azure.functions as func
from pydantic import ValidationError

from domain.errors import Rejection, RequestRejected
from domain.models import WebOrderKey


def order_key(req: func.HttpRequest) -> WebOrderKey:
    """The web order named by `{source}/{shop}/{orderId}`; RequestRejected when storage could not hold it."""
    try:
        return WebOrderKey(
            source=req.route_params["source"], shop=req.route_params["shop"], order_id=req.route_params["orderId"]
        )
    except ValidationError as error:
        fields = ", ".join(str(problem["loc"][0]) for problem in error.errors())
        raise RequestRejected(Rejection.MALFORMED, f"not a web order key: {fields}") from None
