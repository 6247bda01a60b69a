"""A web line for an item BC discounts by its price lists reaches BC at the shop's price, discounted once.

BC sets Line Discount % from its price lists when a sales line's item and quantity are validated, and a unitPrice
written afterwards keeps that % (Base App Sales Line, "Unit Price" OnValidate re-validates "Line Discount %":
StefanMaron/MSDyn365BC.Code.History BaseApp/Source/Base Application/Sales/Document/SalesLine.Table.al). The shop's
price is final, so Koppel sends discountAmount (0 when the shop gave none) with every unitPrice (API v2.0
salesOrderLines: microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2SalesOrderLines.Page.al). The simulator
prices lines from its price lists the same way (tests/simulators/test_bc_sales_line_pricing.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from localdev.stack import LocalStack
from tests.integration.support import deliver_order, next_order_id, settled_dossier
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

DISCOUNTED = "APP-1002"
"""Seeded price list S00007 (all customers, Discount) gives 5 % on it from a quantity of 2."""


def _control(found: dict[str, Any], name: str) -> dict[str, Any]:
    control: dict[str, Any] = next(result for result in found["controls"] if result["control"] == name)
    return control


def _order(stack: LocalStack, coupon_percent: Decimal = Decimal(0)) -> ShopOrder:
    [item] = stack.bc_probe().all("items", **{"$filter": f"number eq '{DISCOUNTED}'"})
    gross = (Decimal(str(item["unitPrice"])) * Decimal("1.21")).quantize(Decimal("0.01"))
    oid = next_order_id()
    return ShopOrder(
        oid,
        ShopCustomer("Lotte", "Vos", f"lotte.{oid}@example.nl"),
        (ShopLine(DISCOUNTED, item["displayName"], 2, gross),),
        created=datetime.now(UTC),
        coupon_percent=coupon_percent,
    )


def _bc_lines(stack: LocalStack, found: dict[str, Any]) -> list[dict[str, Any]]:
    document_id = found["bc_document"]["id"]
    lines: list[dict[str, Any]] = stack.bc_probe().all(f"salesOrders({document_id})/salesOrderLines")
    return [line for line in lines if line["lineType"] == "Item"]


def test_a_web_line_without_a_discount_is_not_discounted_by_bcs_price_list(stack: LocalStack):
    order = _order(stack)

    deliver_order(stack, order)
    found = settled_dossier(stack, order.order_id)

    assert found["status"] == "in_bc", found
    assert _control(found, "totals")["passed"], found["controls"]
    [line] = _bc_lines(stack, found)
    assert (line["discountPercent"], line["discountAmount"]) == (0, 0)


def test_a_coupon_is_the_only_discount_on_the_line(stack: LocalStack):
    order = _order(stack, coupon_percent=Decimal(10))

    deliver_order(stack, order)
    found = settled_dossier(stack, order.order_id)

    assert found["status"] == "in_bc", found
    assert _control(found, "totals")["passed"], found["controls"]
    [line] = _bc_lines(stack, found)
    assert abs(line["discountPercent"] - 10) < 0.01  # derived from the amount, as BC does
