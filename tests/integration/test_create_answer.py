"""Trust the document, not only the create answer: BC's answer to a deep insert is documented as "a salesOrders
object" (MicrosoftDocs/dynamics365smb-devitpro-pb dev-itpro/api-reference/v2.0/api/dynamics_salesOrder_create.md),
not as one that carries the nested lines and the totals that include them. The simulator's `create_without_lines`
switch answers with the header as the API page's OnInsertRecord left it (no lines, totals 0)."""

from __future__ import annotations

from decimal import Decimal

from localdev.stack import LocalStack
from tests.integration.support import a_catalog_order, deliver_order, settled_dossier, sim_faults, sim_stats
from tests.support.woocommerce import ShopLine, ShopOrder


def _order_bc_prices_right(stack: LocalStack) -> ShopOrder:
    """Two stocked items at BC's own price incl. 21% VAT, so every control that reads the document can pass."""
    probe = stack.bc_probe()
    high_vat = {number for number, group in probe.vat_groups().items() if group == "HOOG"}
    stocked = [
        item
        for item in probe.all("items", **{"$top": "60"})
        if not item["blocked"] and item["inventory"] >= 5 and item["number"] in high_vat
    ]
    basket = a_catalog_order(stack)
    lines = tuple(
        ShopLine(
            item["number"],
            item["displayName"],
            1,
            (Decimal(str(item["unitPrice"])) * Decimal("1.21")).quantize(Decimal("0.01")),
        )
        for item in stocked[:2]
    )
    return ShopOrder(basket.order_id, basket.customer, lines or basket.lines, created=basket.created)


def test_a_create_answered_without_lines_is_read_back_once_and_passes_its_controls(stack: LocalStack):
    order = _order_bc_prices_right(stack)
    sim_faults(stack, next=[{"fault": "create_without_lines"}])
    reads_before = sim_stats(stack)["by_method"].get("GET", 0)

    deliver_order(stack, order)

    found = settled_dossier(stack, order.order_id)
    assert found["status"] == "in_bc"
    assert sim_stats(stack)["faults"]["create_without_lines"] == 1
    stored = stack.bc_probe().sales_orders(str(order.order_id))[0]
    document = found["bc_document"]
    assert len(document["lines"]) == len(order.lines) + 1  # and the shipping line
    assert Decimal(str(document["total_including_tax"])) == Decimal(str(stored["totalAmountIncludingTax"]))
    controls = {control["control"]: control["passed"] for control in found["controls"]}
    assert (controls["totals"], controls["vat"], controls["price"]) == (True, True, True), found["problem"]
    assert "read back" in found["events"][0]["note"]
    assert sim_stats(stack)["by_method"].get("GET", 0) > reads_before


def test_a_whole_create_answer_is_not_read_back(stack: LocalStack):
    order = a_catalog_order(stack)

    deliver_order(stack, order)

    found = settled_dossier(stack, order.order_id)
    assert found["status"] == "in_bc"
    assert "read back" not in found["events"][0]["note"]
