"""The payments proof at a size that fits `make test`: every payment booked in BC exactly once, every invoice paid and
every customer's balance right, through payments before their orders, duplicate webhooks, partial payments and BC
faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from localdev.payments_proof import PaymentsPlan, run_payments_proof


@pytest.mark.timeout(175)
def test_every_payment_is_booked_exactly_once_and_the_balances_match(tmp_path: Path):
    plan = PaymentsPlan(orders=40, in_bc_timeout_s=60.0, booked_timeout_s=90.0)
    report = run_payments_proof(plan, tmp_path, say=lambda _line: None)
    print("\n".join(report.lines()))

    assert len(report.orders) == 40
    assert report.before_order > 0
    assert report.duplicated > 0
    assert report.partial > 0
    assert sum(report.faults.values()) > 0
    assert report.not_in_bc == []
    assert report.not_booked == []
    assert report.booked == len(report.payments)
    assert report.booked_twice == []
    assert report.wrong_bookings == []
    assert report.open_invoices == []
    assert report.wrong_balances == []
    assert report.stray_ledger == []
    assert report.unmatched == []
    assert report.journal_left == 0
    assert report.held
