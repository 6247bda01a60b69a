"""Stripe's list answers (`GET /v1/refunds`, `GET /v1/disputes`): newest first, `limit` (1..100, default 10) at a
time, `starting_after` the last id of the page before (stripe-python RefundListParams)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localdev.simulators.stripe.objects import StripeError, missing

LIST_PARAMS = frozenset({"payment_intent", "charge", "limit", "starting_after"})


def list_page(query: Mapping[str, str], found: list[dict[str, Any]], kind: str, url: str) -> dict[str, Any]:
    """`{object: "list", data, has_more, url}`: the page of `found` (objects of `kind`, newest first) the query
    asks for; 400 for another parameter or a bad limit, 404 for a `starting_after` that is not one of `kind`."""
    unknown = set(query) - LIST_PARAMS
    if unknown:
        name = sorted(unknown)[0]
        raise StripeError(400, f"Received unknown parameter: {name}", "parameter_unknown", name)
    limit = query.get("limit", "10")
    if not limit.isdigit() or not 1 <= int(limit) <= 100:
        message = "Invalid integer: limit must be between 1 and 100"
        raise StripeError(400, message, "parameter_invalid_integer", "limit")
    after = query.get("starting_after")
    if after is not None:
        ids = [each["id"] for each in found]
        if after not in ids:
            raise missing(kind, after, "starting_after")
        found = found[ids.index(after) + 1 :]
    page = found[: int(limit)]
    return {"object": "list", "data": page, "has_more": len(found) > len(page), "url": url}
