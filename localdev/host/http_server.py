"""The HTTP front end: routes requests to HTTP-triggered functions and serves the host status endpoint."""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import azure.functions as func
from aiohttp import web
from multidict import MultiMapping

from localdev.host.invoker import Invoker
from localdev.host.metadata import HttpFunction
from localdev.host.routes import RouteTemplate, compile_route

log = logging.getLogger("koppel.localhost.http")

FUNCTION_KEY_SETTING = "KOPPEL_LOCAL_FUNCTION_KEY"
MAX_REQUEST_BYTES = 100 * 1024 * 1024
_STATUS_PATH = "admin/host/status"
_UNFORWARDED_HEADERS = {"content-length", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class _Route:
    function: HttpFunction
    template: RouteTemplate


class HttpServer:
    """aiohttp on 127.0.0.1, serving `/{routePrefix}/{route}` for each HTTP-triggered function."""

    def __init__(
        self,
        functions: list[HttpFunction],
        route_prefix: str,
        invoker: Invoker,
        host_state: Callable[[], str],
        shutdown_timeout: float,
    ) -> None:
        routes = [
            _Route(function, compile_route(f"{route_prefix}/{function.route}".strip("/"))) for function in functions
        ]
        self._routes = sorted(routes, key=lambda route: route.template.precedence)
        self._invoker = invoker
        self._host_state = host_state
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, port: int) -> None:
        application = web.Application(client_max_size=MAX_REQUEST_BYTES)
        application.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(application, access_log=None, shutdown_timeout=self._shutdown_timeout)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop accepting, let running requests finish within the shutdown timeout, close."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.rel_url.raw_path.strip("/")
        if path.lower() == _STATUS_PATH and request.method == "GET":
            return web.json_response({"state": self._host_state()})
        matches = [(route, values) for route in self._routes if (values := route.template.match(path)) is not None]
        if not matches:
            return _error(404, "no function matches this route")
        allowed = [(route, values) for route, values in matches if _accepts(route.function, request.method)]
        if not allowed:
            return _error(405, f"method {request.method} not allowed")
        route, values = allowed[0]
        if not _authorized(route.function, request):
            return _error(401, "missing or wrong function key (x-functions-key header or code parameter)")
        return await self._invoke(route.function, request, values)

    async def _invoke(self, function: HttpFunction, request: web.Request, values: dict[str, str]) -> web.Response:
        http_request = func.HttpRequest(
            method=request.method,
            url=str(request.url),
            headers=_joined(request.headers),
            params=_joined(request.query),
            route_params=values,
            body=await request.read(),
        )
        try:
            result = await self._invoker.invoke(
                function.name,
                function.user_function,
                function.parameter,
                http_request,
                f"HTTP {request.method}",
            )
        except Exception:
            return _error(500, f"Exception while executing function: Functions.{function.name}")
        return _response(function, result)


def _accepts(function: HttpFunction, method: str) -> bool:
    return function.methods is None or method in function.methods


def _authorized(function: HttpFunction, request: web.Request) -> bool:
    """Anonymous always passes; function and admin levels need the local key, when one is configured."""
    expected = os.environ.get(FUNCTION_KEY_SETTING)
    if function.auth_level == "anonymous" or not expected:
        return True
    supplied = request.headers.get("x-functions-key") or request.query.get("code") or ""
    return hmac.compare_digest(supplied.encode(), expected.encode())


def _joined(values: MultiMapping[str]) -> dict[str, str]:
    """A multi-valued mapping flattened the way ASP.NET renders repeated values: comma-joined."""
    return {key: ",".join(values.getall(key)) for key in values}


def _response(function: HttpFunction, result: object) -> web.Response:
    if result is None:
        return web.Response(status=204)
    if isinstance(result, str | bytes):
        result = func.HttpResponse(result)
    if not isinstance(result, func.HttpResponse):
        log.error("Functions.%s returned %s, not an HttpResponse", function.name, type(result).__name__)
        return _error(500, f"Functions.{function.name} returned an unsupported value")
    headers = {name: value for name, value in result.headers.items() if name.lower() not in _UNFORWARDED_HEADERS}
    if not any(name.lower() == "content-type" for name in headers):
        mimetype = result.mimetype
        headers["Content-Type"] = f"{mimetype}; charset={result.charset}" if mimetype.startswith("text/") else mimetype
    return web.Response(status=result.status_code, headers=headers, body=result.get_body())


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
