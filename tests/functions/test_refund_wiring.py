"""Which shops' refunds Koppel pays back from BC's credit memos: only those whose origin is `bc`, and none at all
without Koppel's refund API (its page of posted credit memos) or with an origin it cannot read."""

from __future__ import annotations

import pytest

from functions.container import container
from tests.functions.conftest import use_settings


def _origin(shop: str) -> str:
    return f"KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_{shop.upper().replace('-', '_')}"


def test_a_shop_whose_origin_is_bc_is_paid_back_with_koppels_refund_api(
    app_settings: str, monkeypatch: pytest.MonkeyPatch
):
    use_settings(monkeypatch, {_origin(app_settings): "bc", "KOPPEL_BC_REFUND_API": "koppel/payments/v1.0"})

    assert container().credit_memo_refunding.from_bc == {("woocommerce", app_settings)}


@pytest.mark.parametrize(
    "settings",
    [
        {"KOPPEL_BC_REFUND_API": "koppel/payments/v1.0"},
        {"ORIGIN": "bc", "KOPPEL_BC_REFUND_API": ""},
        {"ORIGIN": "both", "KOPPEL_BC_REFUND_API": "koppel/payments/v1.0"},
    ],
    ids=["origin shop by default", "no refund api", "an origin koppel cannot read"],
)
def test_otherwise_koppel_pays_back_no_credit_memo(
    app_settings: str, monkeypatch: pytest.MonkeyPatch, settings: dict[str, str]
):
    values = {(_origin(app_settings) if name == "ORIGIN" else name): value for name, value in settings.items()}
    use_settings(monkeypatch, values)

    assert container().credit_memo_refunding.from_bc == frozenset()
