"""The chaos run at a size that fits `make test`: no web order is lost or doubled on the way into BC, and every
shipment reaches its shop once, with its tracking number, and every delivered parcel shows its order delivered."""

from __future__ import annotations

from pathlib import Path

import pytest

from localdev.chaos import ChaosPlan, run_chaos
from localdev.chaos_shipments import ShipmentChaosPlan

ORDERS = 100


@pytest.mark.timeout(300)
def test_every_web_order_lands_in_bc_exactly_once_and_is_told_shipped_once_through_faults_and_restarts(
    tmp_path: Path,
):
    shipping = ShipmentChaosPlan(settle_timeout_s=150.0, orders=40)
    report = run_chaos(ChaosPlan(orders=ORDERS, settle_timeout_s=110.0, shipping=shipping), tmp_path, say=print)
    print("\n".join(report.lines()))

    assert len(report.placed) == ORDERS
    assert report.delivered_twice >= 0.2 * ORDERS
    assert report.counts["host_kills"] == 1
    assert report.counts["azurite_restarts"] == 1
    assert 30 <= report.struck["host_kill"] <= 30 + 10, "the kill lands where the plan puts it (30%)"
    assert 65 <= report.struck["azurite_restart"] < ORDERS, "Azurite restarts while orders are still placed"
    assert sum(report.faults.values()) > 0
    assert report.unsettled == 0, "not every order was in BC or parked before the deadline"
    assert report.parked == {}, "retryable faults must end in BC, not parked"
    assert report.missing == []
    assert report.doubled == []
    assert report.wrong_totals == []
    assert report.wrong_lines == []
    assert report.strays == []
    assert report.held
    assert report.counts["enqueue_lost"] == 1
    assert report.counts["enqueue_lost_recovered"] == 1, "a webhook stored and never queued reaches BC by recovery"
    shipped = report.shipping
    assert shipped is not None
    assert shipped.orders == 40
    assert shipped.counts["two_parts"] >= 4
    assert shipped.counts["tracking_later"] >= 2
    assert shipped.counts["tracking_only"] >= 4
    assert shipped.counts["redelivered"] >= 13
    assert shipped.counts["reordered"] >= 1
    assert all(sum(drawn.values()) > 0 for drawn in shipped.faults.values()), "faults at BC and at both shops"
    assert shipped.not_delivered == []
    assert shipped.shopify_wrong == []
    assert shipped.woocommerce_wrong == []
    assert shipped.doubled == []
    assert shipped.attention == []
