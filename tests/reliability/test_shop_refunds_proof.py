"""The shop refunds proof at a size that fits `make test`: refunds the shop owner makes in WooCommerce for orders paid
through Mollie and Stripe, on a shop whose credit memos Koppel posts, each credited once in BC and paid back by the
provider's refund, through BC faults, `order.updated` delivered again and the host killed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from localdev.payments_proof import PaymentsPlan
from localdev.shop_refunds_proof import ShopRefundsPlan, run_shop_refunds_proof


@pytest.mark.timeout(240)
def test_every_shop_refund_becomes_one_posted_credit_memo_paid_back_in_bc(tmp_path: Path):
    plan = ShopRefundsPlan(
        payments=PaymentsPlan(orders=8, partial_share=0.0, in_bc_timeout_s=60.0, booked_timeout_s=90.0),
        refunded_orders=4,
        second_after_s=2.0,
        duplicate_share=0.5,
        credited_timeout_s=90.0,
        paid_timeout_s=30.0,
    )
    report = run_shop_refunds_proof(plan, tmp_path, say=lambda _line: None)
    print("\n".join(report.lines()))
    print("\n".join(f"  {name}: {entry}" for name, entries in report.broken.items() for entry in entries))

    assert len(report.orders) == 4
    assert {"full", "partial"} <= {each.kind for each in report.orders}
    assert len(report.refunds) >= 4
    assert sum(report.faults.values()) > 0
    assert report.counts["host_kills"] == 1
    assert report.counts["order_updated_again"] > 0
    assert report.not_refunded == []
    assert report.not_posted == []
    assert report.not_one_memo == []
    assert report.wrong_totals == []
    assert report.unpaid_memos == []
    assert report.credited_twice == []
    assert report.wrong_balances == []
    assert report.balances_moved == []
    assert report.for_a_person == []
    assert report.journal_left == 0
    assert report.held
