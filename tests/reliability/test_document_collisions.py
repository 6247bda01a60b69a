"""Two shops without a document prefix post colliding order numbers at the same moment (issue 10, item 19): BC
accepts a second order with one External Document No. (microsoft/BCApps src/Layers/W1/BaseApp/Sales/Document/
SalesHeader.Table.al, field 100, only notifies), so the number is claimed in storage before the create."""

from __future__ import annotations

from pathlib import Path

import pytest

from localdev.collisions import CollisionPlan, run_collisions


@pytest.mark.timeout(170)
def test_colliding_document_numbers_give_one_bc_order_each_and_park_the_other_naming_it(tmp_path: Path):
    report = run_collisions(CollisionPlan(numbers=12), tmp_path, say=lambda _line: None)
    print("\n".join(report.lines()))

    assert len(report.in_bc) == 12
    assert report.doubled == []
    assert report.missing == []
    assert report.unexplained == []
    assert report.held
