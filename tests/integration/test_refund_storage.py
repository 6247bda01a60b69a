"""Credit memo refunds on Azurite: one record per credit memo on its ETag, found per web order, the unfinished ones
and those for a person listed without a scan."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.errors import ConcurrencyConflict
from domain.models import PaymentKey, WebOrderKey
from domain.payments.payment import Money
from domain.refunds.record import CreditMemoRefund, RefundPart, RefundState
from integrations.storage.account import StorageAccount
from integrations.storage.refunds import TableRefundStore
from localdev.azurite import Azurite

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """These tests run no local stack (the folder's own `no_faults` would start one)."""


@pytest.fixture
def store(azurite: Azurite) -> TableRefundStore:
    return TableRefundStore(StorageAccount(azurite.connection_string))


def planned(order: WebOrderKey, memo_id: str) -> CreditMemoRefund:
    euros = Money(amount=Decimal("30.00"), currency="EUR")
    part = RefundPart(payment=PaymentKey(provider="mollie", account="main", payment_id="tr_1"), amount=euros)
    return CreditMemoRefund(
        credit_memo_id=memo_id,
        credit_memo_number="S-CR1001",
        order=order,
        credited=euros,
        parts=[part],
        state=RefundState.REFUNDING,
        first_seen_at=NOW,
        updated_at=NOW,
    )


def test_a_refund_is_written_once_then_only_on_its_etag_and_leaves_the_unfinished_once_done(store: TableRefundStore):
    order = WebOrderKey(source="woocommerce", shop="shop-a", order_id=uuid.uuid4().hex[:8])
    memo_id = str(uuid.uuid4())
    record = planned(order, memo_id)

    etag = store.write(record, None)
    with pytest.raises(ConcurrencyConflict):
        store.write(record, None)
    assert store.get(memo_id) == (record, etag)
    assert memo_id in {each.credit_memo_id for each in store.unfinished()}

    refunded = record.with_refund(record.parts[0], "re_1", NOW)
    done = refunded.told("7", NOW)
    etag = store.write(refunded, etag)
    with pytest.raises(ConcurrencyConflict):
        store.write(done, "W/\"datetime'2000-01-01T00%3A00%3A00Z'\"")
    store.write(done, etag)

    assert memo_id not in {each.credit_memo_id for each in store.unfinished()}
    assert store.for_order(order) == [done]


def test_those_for_a_person_are_listed(store: TableRefundStore):
    order = WebOrderKey(source="woocommerce", shop="shop-a", order_id=uuid.uuid4().hex[:8])
    memo_id = str(uuid.uuid4())

    store.write(planned(order, memo_id).for_a_person("Mollie refused: the payment cannot be refunded", NOW), None)

    listed = {each.credit_memo_id: each.problem for each in store.needing_a_person()}
    assert listed[memo_id] == "Mollie refused: the payment cannot be refunded"
