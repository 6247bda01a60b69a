"""The refunds proof at a size that fits `make test`: credit memos posted in BC for web orders paid through Mollie
and Stripe, on a shop whose refunds come from BC, each refunded once at its provider, booked in BC and recorded in
the shop, through BC and provider faults, duplicate refund webhooks and the host killed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from localdev.payments_proof import PaymentsPlan
from localdev.refunds_proof import RefundsPlan, run_refunds_proof


@pytest.mark.timeout(240)
def test_every_credit_memo_is_refunded_once_booked_and_recorded_in_the_shop(tmp_path: Path):
    plan = RefundsPlan(
        payments=PaymentsPlan(orders=16, partial_share=0.25, in_bc_timeout_s=60.0, booked_timeout_s=90.0),
        returns=6,
        refunded_timeout_s=90.0,
        paid_timeout_s=90.0,
    )
    report = run_refunds_proof(plan, tmp_path, say=lambda _line: None)
    print("\n".join(report.lines()))

    assert len(report.returns) == 6
    assert {each.kind for each in report.returns} == {"full", "partial", "two_step"}
    assert sum(report.faults["bc"].values()) > 0
    assert sum(report.faults["mollie"].values()) + sum(report.faults["stripe"].values()) > 0
    assert report.counts["host_kills"] == 1
    assert report.counts["delivered_again"] > 0
    assert report.not_posted == []
    assert report.not_one_record == []
    assert report.not_done == []
    assert report.wrong_provider_sums == []
    assert report.over_refunded == []
    assert report.without_key == []
    assert report.unpaid_memos == []
    assert report.wrong_balances == []
    assert report.wrong_shop_refunds == []
    assert report.for_a_person == []
    assert report.journal_left == 0
    assert report.held
