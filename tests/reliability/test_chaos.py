"""The chaos run at a size that fits `make test`: no web order is lost or doubled on the way into BC."""

from __future__ import annotations

from pathlib import Path

import pytest

from localdev.chaos import ChaosPlan, run_chaos


@pytest.mark.timeout(175)
def test_every_web_order_lands_in_bc_exactly_once_through_duplicates_faults_and_restarts(tmp_path: Path):
    report = run_chaos(ChaosPlan(orders=150, settle_timeout_s=110.0), tmp_path, say=lambda _line: None)
    print("\n".join(report.lines()))

    assert len(report.placed) == 150
    assert report.delivered_twice >= 0.2 * 150
    assert report.counts["host_kills"] == 1
    assert report.counts["azurite_restarts"] == 1
    assert 45 <= report.struck["host_kill"] <= 45 + 15, "the kill lands where the plan puts it (30%)"
    assert 98 <= report.struck["azurite_restart"] < 150, "Azurite restarts while orders are still placed"
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
