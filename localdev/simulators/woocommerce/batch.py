"""`POST .../batch`, as WC_REST_Controller::batch_items runs it.

More than `limit` items in all (WooCommerce's `woocommerce_rest_batch_items_limit` filter, 100 by default) is a 413
for the whole call. Otherwise creates, then updates, then deletes run one by one, each on its own: a failing item
becomes `{"id": ..., "error": {"code", "message", "data"}}` in its place (id 0 for a create, the id sent for an
update or delete) and the others go on. Only kinds that were sent appear in the answer, and a call with none answers
`[]`, as PHP's empty array. Deletes are forced (no trash) and an id of 0 is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from localdev.simulators.woocommerce.catalog_faults import FaultPlan
from localdev.simulators.woocommerce.errors import WooError
from localdev.simulators.woocommerce.stats import Stats
from localdev.simulators.woocommerce.wc_values import clean, to_int, truthy

BATCH_LIMIT = 100
KINDS = ("create", "update", "delete")
Item = dict[str, Any]


@dataclass(frozen=True)
class BatchRoute:
    """One batch endpoint: how it creates, updates and deletes an item, and what SKU an existing item has."""

    resource: str
    post_type: str
    create: Callable[[Item], Item]
    update: Callable[[Item], Item]
    delete: Callable[[int], Item]
    sku_of: Callable[[int], str]


def batch_items(body: Any) -> dict[str, list[Any]]:
    """The kinds sent with something in them (`array_filter` of the request's parameters)."""
    items: dict[str, list[Any]] = {}
    for kind in KINDS:
        value = body.get(kind) if isinstance(body, dict) else None
        if not truthy(value):
            continue
        if not isinstance(value, list):
            sentence = f"{kind} is not of type array."
            detail = {"code": "rest_invalid_type", "message": sentence, "data": {"param": kind}}
            message = f"Invalid parameter(s): {kind}"
            raise WooError(400, "rest_invalid_param", message, {kind: sentence}, details={kind: detail})
        items[kind] = value
    return items


def check_limit(items: dict[str, list[Any]], limit: int) -> None:
    if sum(len(entries) for entries in items.values()) > limit:
        message = f"Unable to accept more than {limit} items for this request."
        raise WooError(413, "woocommerce_rest_request_entity_too_large", message)


@dataclass(frozen=True)
class BatchRun:
    route: BatchRoute
    faults: FaultPlan
    stats: Stats

    def run(self, items: dict[str, list[Any]]) -> dict[str, Any] | list[Any]:
        answer: dict[str, list[Item]] = {}
        for entry in items.get("create", []):
            fields = entry if isinstance(entry, dict) else {}
            create = partial(self.route.create, fields)
            answer.setdefault("create", []).append(self._one("create", 0, clean(fields.get("sku")), create))
        for entry in items.get("update", []):
            fields = entry if isinstance(entry, dict) else {}
            given = fields.get("sku")
            sku = clean(given) if given is not None else self.route.sku_of(to_int(fields.get("id")))
            update = partial(self.route.update, fields)
            answer.setdefault("update", []).append(self._one("update", fields.get("id"), sku, update))
        for raw in items.get("delete", []):
            target = to_int(raw)
            if target != 0:
                delete = partial(self.route.delete, target)
                answer.setdefault("delete", []).append(self._one("delete", target, self.route.sku_of(target), delete))
        return answer or []

    def _one(self, kind: str, echo_id: Any, sku: str, handle: Callable[[], Item]) -> Item:
        try:
            injected = self.faults.item_error(sku, kind, self.route.post_type)
            if injected is not None:
                self.stats.faults["item"] += 1
                raise injected
            result = handle()
        except WooError as error:
            self.stats.count_item(self.route.resource, kind, error.code)
            return {"id": echo_id, "error": {"code": error.code, "message": error.message, "data": error.data()}}
        self.stats.count_item(self.route.resource, kind, None)
        return result
