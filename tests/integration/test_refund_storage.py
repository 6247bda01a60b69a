"""Refund records on Azurite: one record per credit memo (or per shop refund) on its ETag, found per web order, the
unfinished ones and those for a person listed without a scan."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.errors import ConcurrencyConflict
from domain.models import PaymentKey, WebOrderKey
from domain.payments.payment import Money
from domain.refunds.record import CreditMemoRefund, RefundPart, RefundState
from domain.refunds.shop_refund_credit import ShopRefundCredit
from integrations.storage.account import StorageAccount
from integrations.storage.refunds import TableRefundStore, TableShopRefundCredits
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


def test_a_shop_refund_credit_is_kept_apart_from_credit_memo_refunds_of_the_same_order(azurite: Azurite):
    account = StorageAccount(azurite.connection_string)
    credits, refunds = TableShopRefundCredits(account), TableRefundStore(account)
    order = WebOrderKey(source="woocommerce", shop="shop-a", order_id=uuid.uuid4().hex[:8])
    refunds.write(planned(order, str(uuid.uuid4())), None)
    noted = ShopRefundCredit(order=order, refund_id="9001", first_seen_at=NOW, updated_at=NOW)

    etag = credits.write(noted, None)
    with pytest.raises(ConcurrencyConflict):
        credits.write(noted, None)
    assert credits.get(order, "9001") == (noted, etag)
    assert noted.key in {each.key for each in credits.unfinished()}
    assert len(refunds.for_order(order)) == 1

    for_a_person = noted.for_a_person("item X is on no posted invoice of the order", NOW)
    credits.write(for_a_person, etag)

    assert noted.key not in {each.key for each in credits.unfinished()}
    assert credits.for_order(order) == [for_a_person]
    assert for_a_person in credits.needing_a_person()
    assert all(each.order != order for each in refunds.needing_a_person())
