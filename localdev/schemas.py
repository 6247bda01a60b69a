"""python -m localdev.schemas: write the JSON Schemas of Koppel's own inbound formats into docs/."""

from __future__ import annotations

import json
from typing import Any

from domain.orders.mapping.portal import PortalOrder
from localdev.azurite import ROOT

PORTAL_ORDER_SCHEMA = ROOT / "docs" / "portal-order.schema.json"


def portal_order_schema() -> dict[str, Any]:
    schema = PortalOrder.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "koppel:portal-order", **schema}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    PORTAL_ORDER_SCHEMA.write_text(render(portal_order_schema()))
    print(f"wrote {PORTAL_ORDER_SCHEMA.relative_to(ROOT)}")
