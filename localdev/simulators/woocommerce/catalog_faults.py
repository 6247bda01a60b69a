"""Injected faults for the batch routes (`/_sim/faults`): whole batch calls that fail, and items that fail alone.

A failing batch call answers 500 the way WordPress does after a PHP fatal error (JSON, "critical error"), or 503 as a
proxy in front of it does (an HTML page, `Retry-After` when set). With `after_commit` the items are written first and
only the answer is lost, so a retried create meets its own earlier SKU. A failing item gets the error WooCommerce
gives when saving fails (`woocommerce_rest_{type}_not_created`, 400) or deleting does (`woocommerce_rest_cannot_delete`,
500), unless the fault names another.
"""

from __future__ import annotations

import json
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from localdev.simulators.woocommerce.errors import WooError

CRITICAL_ERROR = (
    '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/'
    'article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>'
)
UNAVAILABLE_PAGE = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service "
    "Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class BatchFault(BaseModel):
    """Fail the next `count` batch calls (products or variations) with `status`."""

    model_config = ConfigDict(extra="forbid")

    status: Literal[500, 503] = 503
    count: int = Field(1, ge=1)
    after_commit: bool = False
    retry_after: int | None = Field(None, ge=0)


class ItemFault(BaseModel):
    """Fail the batch item that carries `sku`, `count` times (every time when unset)."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1)
    count: int | None = Field(None, ge=1)
    code: str | None = None
    message: str | None = None
    status: int | None = Field(None, ge=400, le=599)


class FaultSettings(BaseModel):
    """The body of `POST /_sim/faults`: the entries are added to those already waiting."""

    model_config = ConfigDict(extra="forbid")

    batches: list[BatchFault] = Field(default_factory=list)
    items: list[ItemFault] = Field(default_factory=list)


class FaultPlan:
    def __init__(self) -> None:
        self.batches: list[BatchFault] = []
        self.items: dict[str, ItemFault] = {}

    def clear(self) -> None:
        self.batches.clear()
        self.items.clear()

    def configure(self, settings: FaultSettings) -> None:
        self.batches.extend(entry.model_copy() for entry in settings.batches)
        self.items.update({entry.sku.casefold(): entry.model_copy() for entry in settings.items})

    def describe(self) -> dict[str, object]:
        return {
            "batches": [entry.model_dump() for entry in self.batches],
            "items": [entry.model_dump() for entry in self.items.values()],
        }

    def next_batch(self) -> BatchFault | None:
        """The fault for this batch call, if one is waiting; it counts down."""
        if not self.batches:
            return None
        entry = self.batches[0]
        entry.count -= 1
        if entry.count == 0:
            self.batches.pop(0)
        return entry

    def item_error(self, sku: str, kind: str, post_type: str) -> WooError | None:
        """The error for a batch item (`kind` create, update or delete) whose SKU has a fault."""
        entry = self.items.get(sku.casefold()) if sku else None
        if entry is None:
            return None
        if entry.count is not None:
            entry.count -= 1
            if entry.count == 0:
                del self.items[sku.casefold()]
        if kind == "delete":
            code, status, message = "woocommerce_rest_cannot_delete", 500, f"The {post_type} cannot be deleted."
        else:
            code, status = f"woocommerce_rest_{post_type}_not_created", 400
            message = f"Simulated failure while saving the {post_type}."
        return WooError(entry.status or status, entry.code or code, entry.message or message)


def batch_fault_response(fault: BatchFault) -> web.Response:
    if fault.status == 500:
        body = {"code": "internal_server_error", "message": CRITICAL_ERROR, "data": {"status": 500}}
        body["additional_errors"] = []
        return web.Response(status=500, body=json.dumps(body).encode(), content_type="application/json")
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
    return web.Response(status=503, text=UNAVAILABLE_PAGE, content_type="text/html", headers=headers)
