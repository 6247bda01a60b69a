"""Business Central style errors: an exception every handler may raise, and its JSON body."""

from __future__ import annotations

from typing import Any

from aiohttp import web


class BCError(Exception):
    """An API failure answered as `{"error": {"code": ..., "message": ...}}`."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def bad_request(message: str, code: str = "BadRequest") -> BCError:
    return BCError(400, code, message)


async def object_body(request: web.Request) -> dict[str, Any]:
    """A /_sim/ control's JSON body as an object ({} when there is none); a 400 when it is not one."""
    try:
        body = await request.json() if request.can_read_body else {}
    except ValueError as exc:
        raise bad_request("the body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def not_found_segment(segment: str) -> BCError:
    return BCError(404, "BadRequest_NotFound", f"Resource not found for the segment '{segment}'.")


def record_not_found(entity: str, key: str) -> BCError:
    return BCError(
        404,
        "Internal_RecordNotFound",
        f"The {entity} does not exist. Identification fields and values: Id='{key}'",
    )


def missing_reference(table: str, field: str, value: str) -> BCError:
    """A related record named in a request body (customer, item, account ...) that does not exist."""
    return BCError(
        400,
        "Internal_RecordNotFound",
        f"The {table} does not exist. Identification fields and values: {field}='{value}'",
    )


def unknown_property(prop: str, type_name: str) -> BCError:
    return bad_request(
        f"The property '{prop}' does not exist on type '{type_name}'. "
        "Make sure to only use property names that are defined by the type."
    )


def could_not_find_property(prop: str, type_name: str) -> BCError:
    return bad_request(f"Could not find a property named '{prop}' on type '{type_name}'.")


def dialog(message: str) -> BCError:
    """A business rule in BC's application code (an AL Error) refusing the change."""
    return BCError(400, "Application_DialogException", message)
