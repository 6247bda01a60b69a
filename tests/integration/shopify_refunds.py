"""A Shopify order invoiced in BC and refunded in Shopify's admin, as the shop refund tests play it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from localdev.demo_returns import dossier_at
from localdev.stack import SHOPIFY_SHOP, LocalStack
from tests.integration.support import a_catalog_order, wait_for


@dataclass(frozen=True)
class InvoicedShopifyOrder:
    placed: dict[str, Any]
    """The order as the Shopify simulator placed it."""
    path: str
    """Its dossier's path at the host."""
    in_bc: dict[str, Any]
    """Its dossier once in BC."""
    invoiced: dict[str, Any]
    """Its dossier once BC's invoice is filed."""


def invoiced_shopify_order(stack: LocalStack, host: httpx.Client) -> InvoicedShopifyOrder:
    """A catalog order placed in the Shopify shop, in BC, shipped and invoiced there, its invoice filed by Koppel."""
    assert stack.shopify is not None
    order = a_catalog_order(stack)
    placed = stack.shopify.place_order(order.lines, order.customer)
    path = f"/api/orders/shopify/{SHOPIFY_SHOP}/{placed['id']}"
    in_bc = wait_for(lambda: dossier_at(host, path, lambda d: d["status"] == "in_bc" and d["bc_document"]), timeout=60)
    stack.bc_probe().ship_and_invoice(in_bc["bc_document"]["id"])
    invoiced = wait_for(lambda: dossier_at(host, path, lambda d: bool(d["invoices"])), timeout=60)
    return InvoicedShopifyOrder(placed, path, in_bc, invoiced)


def refund_one_unit_in_admin(stack: LocalStack, placed: dict[str, Any]) -> dict[str, Any]:
    """The shop owner refunds one unit of the first line in Shopify's admin, taking it back; the REST refund."""
    assert stack.shopify is not None
    line = placed["line_items"][0]
    refund: dict[str, Any] = httpx.post(
        f"{stack.shopify.url}/_sim/orders/{placed['id']}/refunds",
        json={"line_items": [{"line_item_id": line["id"], "quantity": 1, "restock_type": "return"}]},
        timeout=30,
    ).json()["refund"]
    return refund


def credit_memos_of(stack: LocalStack, external_document_number: str) -> list[dict[str, Any]]:
    """BC's sales credit memos filed on the BC order's externalDocumentNumber."""
    memos: list[dict[str, Any]] = stack.bc_probe().all(
        "salesCreditMemos", **{"$filter": f"externalDocumentNumber eq '{external_document_number}'"}
    )
    return memos
