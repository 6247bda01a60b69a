"""The order worker reads the shops' refund records whatever shops Koppel credits refunds of: units a refund took off
BC's order stay off when a shop's refunds are no longer credited (CREDIT_MEMOS `off`, or no shop's at all)."""

from __future__ import annotations

import pytest

from functions.container import container
from tests.functions.conftest import use_settings


def test_the_order_worker_reads_refund_records_though_no_shops_refunds_are_credited(
    app_settings: str, monkeypatch: pytest.MonkeyPatch
):
    use_settings(monkeypatch, {f"KOPPEL_WOOCOMMERCE_CREDIT_MEMOS_{app_settings.upper().replace('-', '_')}": "off"})

    notes = container().order_sync.refund_notes

    assert notes is not None, "the take-off of refunded units never stops"
    assert notes.channels == frozenset()
