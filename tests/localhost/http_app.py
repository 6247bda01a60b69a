"""Sample HTTP-triggered FunctionApp for the local host tests, partly registered through a Blueprint."""

from __future__ import annotations

import json

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
shop = func.Blueprint()


def _json(value: object, status: int = 200) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(value), status_code=status, mimetype="application/json")


@app.route(route="orders/{id:int}", methods=["GET"])
def order_by_id(req: func.HttpRequest) -> func.HttpResponse:
    return _json({"matched": "int", "route_params": dict(req.route_params)})


@app.route(route="orders/{name:alpha}", methods=["GET"])
def order_by_name(req: func.HttpRequest) -> func.HttpResponse:
    return _json({"matched": "alpha", "route_params": dict(req.route_params)})


@app.route(route="orders/export", methods=["GET"])
def order_export(req: func.HttpRequest) -> func.HttpResponse:
    return _json({"matched": "literal"})


@shop.route(route="products/{category?}", methods=[func.HttpMethod.GET])
def products(req: func.HttpRequest) -> func.HttpResponse:
    return _json({"route_params": dict(req.route_params)})


@shop.route(route="webhooks/{source}/{shop}", methods=["POST", "PUT"])
async def echo(req: func.HttpRequest) -> func.HttpResponse:
    """Answers the raw body with what the host passed in."""
    return func.HttpResponse(
        req.get_body(),
        status_code=201,
        headers={
            "X-Method": req.method,
            "X-Signature": req.headers.get("x-signature", ""),
            "X-Query": req.params.get("topic", ""),
            "X-Route": f"{req.route_params['source']}/{req.route_params['shop']}",
            "X-Url": req.url,
        },
        mimetype="application/octet-stream",
    )


@app.route(route="text")
def text(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("héllo", status_code=202, charset="utf-8")


@app.route(route="boom")
def boom(req: func.HttpRequest) -> func.HttpResponse:
    raise RuntimeError("kaboom in sample function")


@app.route(route="secret", auth_level=func.AuthLevel.FUNCTION)
def secret(req: func.HttpRequest) -> func.HttpResponse:
    return _json({"secret": True})


app.register_functions(shop)
