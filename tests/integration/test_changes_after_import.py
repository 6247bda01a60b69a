"""An order edited or cancelled in the shop after it reached BC: brought in line while unshipped, flagged after."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from localdev.stack import LocalStack
from tests.integration.support import a_catalog_order, settled_dossier, wait_for


def _placed(stack: LocalStack) -> dict[str, Any]:
    assert stack.woocommerce is not None
    placed = stack.woocommerce.place_order(a_catalog_order(stack))
    assert settled_dossier(stack, placed["id"])["status"] == "in_bc"
    return placed


def _after(stack: LocalStack, order_id: int, events: int) -> dict[str, Any]:
    """The dossier once `events` deliveries have been handled."""

    def handled() -> dict[str, Any] | None:
        found = settled_dossier(stack, order_id)
        done = len(found["events"]) >= events and all(e["status"] != "received" for e in found["events"])
        return found if done else None

    return wait_for(handled)


def test_a_coupon_added_after_import_changes_the_unshipped_bc_order_line_by_line(stack: LocalStack):
    assert stack.woocommerce is not None
    placed = _placed(stack)
    before = stack.bc_probe().sales_orders(placed["number"])[0]

    changed = stack.woocommerce.update_order(placed["id"], coupon_percent=Decimal(10))
    found = _after(stack, placed["id"], 2)

    [after] = stack.bc_probe().sales_orders(placed["number"])
    assert after["id"] == before["id"]
    assert Decimal(str(after["totalAmountIncludingTax"])) == Decimal(changed["total"])
    assert found["status"] == "in_bc"
    assert "line(s) changed" in found["events"][-1]["note"]


def test_a_cancelled_web_order_deletes_the_unshipped_bc_order(stack: LocalStack):
    assert stack.woocommerce is not None
    placed = _placed(stack)

    stack.woocommerce.update_order(placed["id"], status="cancelled")

    wait_for(lambda: settled_dossier(stack, placed["id"])["status"] == "cancelled")
    assert stack.bc_probe().sales_orders(placed["number"]) == []


def test_a_change_after_shipping_started_is_flagged_and_not_applied(stack: LocalStack):
    assert stack.woocommerce is not None
    assert stack.bc is not None
    placed = _placed(stack)
    before = stack.bc_probe().sales_orders(placed["number"])[0]
    httpx.post(f"{stack.bc.url}/_sim/salesOrders/{before['id']}/ship").raise_for_status()

    stack.woocommerce.update_order(placed["id"], coupon_percent=Decimal(20))
    found = _after(stack, placed["id"], 2)

    assert found["status"] == "needs_attention"
    assert found["problem"].startswith("Changed in the shop (")
    assert found["problem"].endswith(f"after shipping started on {before['number']}: not applied, handle it by hand")
    assert (
        stack.bc_probe().sales_orders(placed["number"])[0]["totalAmountIncludingTax"]
        == before["totalAmountIncludingTax"]
    )
    listed = httpx.get(f"{stack.host_url}/api/ops/attention").json()["orders"]
    assert any(entry["key"].endswith(f":{placed['id']}") for entry in listed)


def test_completing_a_shipped_order_in_the_shop_changes_nothing_and_flags_nothing(stack: LocalStack):
    assert stack.woocommerce is not None
    assert stack.bc is not None
    placed = _placed(stack)
    before = stack.bc_probe().sales_orders(placed["number"])[0]
    httpx.post(f"{stack.bc.url}/_sim/salesOrders/{before['id']}/ship").raise_for_status()

    stack.woocommerce.update_order(placed["id"], status="completed")
    found = _after(stack, placed["id"], 2)

    assert found["status"] == "in_bc"
    assert found["events"][-1]["note"].endswith("nothing to change in BC")


def test_a_line_a_person_changed_in_bc_is_not_overwritten(stack: LocalStack):
    assert stack.woocommerce is not None
    placed = _placed(stack)
    probe = stack.bc_probe()
    document = probe.sales_orders(placed["number"])[0]
    line = document["salesOrderLines"][0]
    probe.patch(f"salesOrders({document['id']})/salesOrderLines({line['id']})", {"quantity": line["quantity"] + 5})

    stack.woocommerce.update_order(placed["id"], coupon_percent=Decimal(5))
    found = _after(stack, placed["id"], 2)

    assert found["status"] == "needs_attention"
    assert (
        found["problem"]
        == f"{document['number']} was changed in BC since Koppel wrote it: the shop's change is not applied"
    )
    assert probe.sales_orders(placed["number"])[0]["salesOrderLines"][0]["quantity"] == line["quantity"] + 5
