"""The vendors' own example orders in ../shared/official-fixtures/, read where they are (never copied: see its
README). WooCommerce webhook bodies are the wc/v3 REST order; Shopify `orders/create` bodies the REST order
resource: the shapes these files have."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "official-fixtures"
_WIREMOCK_NOW = re.compile(r"(\{\{#assign 'customformat'\}\}[^{]*\{\{/assign\}\})?\{\{now format=customformat\}\}")
"""woo-ios-630's dates are WireMock templates (`yyyy-MM-dd'T'HH:mm:ss` of the moment it answers)."""


def fixture_names(prefix: str = "") -> list[str]:
    return sorted(path.name for path in FIXTURES.glob(f"{prefix}*.json"))


def official(name: str, now: datetime | None = None) -> dict[str, Any]:
    """An example order, unwrapped from the `{"data": ...}` / `{"order": ...}` its source had; WireMock's `now`
    templates rendered as WireMock would (at `now`, UTC by default)."""
    moment = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    body: dict[str, Any] = json.loads(_WIREMOCK_NOW.sub(moment, (FIXTURES / name).read_text()))
    for wrapper in ("data", "order"):
        if set(body) == {wrapper}:
            body = body[wrapper]
    return body
