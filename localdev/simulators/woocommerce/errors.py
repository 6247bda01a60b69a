"""WooCommerce REST errors: `{"code": ..., "message": ..., "data": {"status": N, ...}}`."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class WooError(Exception):
    """A WP_Error: `extra` joins `status` in `data` (WC_Data_Exception puts `resource_id` there, for one)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        params: dict[str, str] | None = None,
        *,
        details: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = params
        self.details = details
        self.extra = extra or {}

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, **self.extra}
        if self.params is not None:
            data["params"] = self.params
        if self.details is not None:
            data["details"] = self.details
        return data

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data()}

    def response(self) -> web.Response:
        return web.Response(status=self.status, body=json.dumps(self.body()).encode(), content_type="application/json")


def invalid_param(name: str, detail: str) -> WooError:
    return WooError(400, "rest_invalid_param", f"Invalid parameter(s): {name}", {name: detail})


def invalid_order_id() -> WooError:
    return WooError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")


def no_route() -> WooError:
    return WooError(404, "rest_no_route", "No route was found matching the URL and request method.")


def cannot_view() -> WooError:
    return WooError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
