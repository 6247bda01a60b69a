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


def item_invalid_id(post_type: str, status: int) -> WooError:
    """`woocommerce_rest_{product|product_variation}_invalid_id`: 404 on read and delete, 400 on update."""
    return WooError(status, f"woocommerce_rest_{post_type}_invalid_id", "Invalid ID.")


def use_variations_route() -> WooError:
    message = (
        "To manipulate product variations you should use the "
        "/products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint."
    )
    return WooError(404, "woocommerce_rest_invalid_product_id", message)


def cannot_create_existing(post_type: str) -> WooError:
    return WooError(400, f"woocommerce_rest_{post_type}_exists", f"Cannot create existing {post_type}.")


def already_trashed(post_type: str) -> WooError:
    return WooError(410, "woocommerce_rest_already_trashed", f"The {post_type} has already been deleted.")


def refused(action: str) -> WooError:
    """The permission check's answer when no valid consumer key comes with the request."""
    messages = {
        "view": "Sorry, you cannot list resources.",
        "read": "Sorry, you cannot view this resource.",
        "create": "Sorry, you are not allowed to create resources.",
        "edit": "Sorry, you are not allowed to edit this resource.",
        "delete": "Sorry, you are not allowed to delete this resource.",
        "batch": "Sorry, you are not allowed to batch manipulate this resource.",
    }
    code = "view" if action == "read" else action
    return WooError(401, f"woocommerce_rest_cannot_{code}", messages[action])
