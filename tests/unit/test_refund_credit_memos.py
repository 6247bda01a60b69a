"""A credit memo posted in BC for a web order, on a channel whose refunds come from BC, is paid back at the provider
that took the payment, exactly once, capped by what the payments still hold; then the shop is told. Anything else
goes to a person and moves no money."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.errors import BusinessCentralRejected, RetryableError
from domain.invoices.credit_memo import BcCreditMemo
from domain.models import WebOrderKey
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.payments.record import MatchStatus, PaymentRecord
from domain.refunds.held_payments import Providers
from domain.refunds.ports import ProviderRefund, RefundRefused, ShopRefund
from domain.refunds.record import CreditMemoRefund, RefundState
from domain.refunds.refund_credit_memos import refund_credit_memos
from domain.refunds.refunding import CreditMemoRefunding
from tests.fakes import (
    FixedClock,
    MemoryOrders,
    MemoryPayments,
    MemoryRefunds,
    MemorySyncRuns,
    MemorySyncState,
    order_in_bc,
)

ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
ACCOUNT = PaymentAccount(provider="mollie", account="main", source="woocommerce", shop="shop-a")
PAID_AT = datetime(2026, 11, 20, 9, tzinfo=UTC)


def credit_memo(
    amount: str = "30.00", status: str = "Open", currency: str = "", memo_id: str = "cm-1", remaining: str | None = None
) -> BcCreditMemo:
    return BcCreditMemo(
        remaining_amount=None if remaining is None else Decimal(remaining),
        id=memo_id,
        number=f"S-CR{memo_id[-1]}",
        external_document_number="WEB1001",
        customer_number="C00010",
        currency_code=currency,
        total_including_tax=Decimal(amount),
        status=status,
    )


class CreditMemos:
    def __init__(self, *memos: BcCreditMemo) -> None:
        self.memos = list(memos)

    def changed_since(self, since: datetime | None) -> list[BcCreditMemo]:
        return list(self.memos)

    def at(self, resource: str) -> list[BcCreditMemo]:
        return []


class Mollie:
    """A provider's payments and refunds; `lose_next` makes a refund and loses the answer, `refuse_next` refuses,
    `down` answers nothing."""

    def __init__(self) -> None:
        self.payments: dict[str, Payment] = {}
        self.refunds: dict[str, list[ProviderRefund]] = {}
        self.created = 0
        self.reads = 0
        self.listed = 0
        self.lose_next = False
        self.refuse_next = ""
        self.down = False
        self.holds_back: Decimal | None = None
        """A refund of this amount is answered 409 (Mollie's duplicate within the hour) while set."""
        self._ids = itertools.count(1)

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        self.reads += 1
        payment = self.payments.get(payment_id)
        if payment is None:
            return None
        refunded = sum((each.amount.amount for each in self.refunds.get(payment_id, [])), Decimal(0))
        return Payment.model_validate({**dict(payment), "refunded": refunded})

    def made(self, account: PaymentAccount, payment_id: str) -> list[ProviderRefund]:
        self.listed += 1
        if self.down:
            raise RetryableError("Mollie answered 503")
        return list(self.refunds.get(payment_id, []))

    def create(
        self, account: PaymentAccount, payment_id: str, amount: Money, key: str, description: str
    ) -> ProviderRefund:
        if self.refuse_next:
            raise RefundRefused(self.refuse_next)
        if amount.amount == self.holds_back:
            raise RetryableError("Mollie answered 409: a duplicate refund has been detected")
        refund = ProviderRefund(refund_id=f"re_{next(self._ids)}", amount=amount, status="pending", koppel_key=key)
        self.refunds.setdefault(payment_id, []).append(refund)
        self.created += 1
        if self.lose_next:
            self.lose_next = False
            raise RetryableError("Mollie's answer was lost")
        return refund

    def refunded_in_all(self) -> Decimal:
        return sum((each.amount.amount for refunds in self.refunds.values() for each in refunds), Decimal(0))


class Shop:
    def __init__(self) -> None:
        self.refunds: list[ShopRefund] = []
        self.refuse = ""

    def recorded(self, order: WebOrderKey) -> list[ShopRefund]:
        return list(self.refunds)

    def record(self, order: WebOrderKey, amount: Money, key: str, reason: str) -> ShopRefund:
        if self.refuse:
            raise RefundRefused(self.refuse)
        known = [each for each in self.refunds if each.koppel_key == key]
        if known:
            return known[0]
        told = ShopRefund(refund_id=f"{len(self.refunds) + 1}", amount=amount, koppel_key=key)
        self.refunds.append(told)
        return told


class Posted:
    """BC's posted credit memos: all but those named in `released_only` (released drafts, listed as Open too)."""

    def __init__(self) -> None:
        self.released_only: set[str] = set()
        self.unpublished = False
        """Koppel's page is not published in BC (it answers 404)."""

    def is_posted(self, memo: BcCreditMemo) -> bool:
        if self.unpublished:
            raise BusinessCentralRejected(404, "BadRequest_NotFound", "No HTTP resource was found")
        return memo.id not in self.released_only


class World:
    def __init__(self, *memos: BcCreditMemo, from_bc: bool = True) -> None:
        self.memos = CreditMemos(*memos)
        self.orders = MemoryOrders()
        order_in_bc(self.orders, ORDER, "WEB1001")
        self.payments = MemoryPayments()
        self.mollie = Mollie()
        self.shop = Shop()
        self.refunds = MemoryRefunds()
        self.runs = MemorySyncRuns()
        self.posted = Posted()
        self.refunding = CreditMemoRefunding(
            credit_memos=self.memos,
            posted=self.posted,
            orders=self.orders,
            payments=self.payments,
            providers=Providers({("mollie", "main"): ACCOUNT}, {"mollie": self.mollie}, {"mollie": self.mollie}),
            shops={("woocommerce", "shop-a"): self.shop},
            refunds=self.refunds,
            state=MemorySyncState(),
            runs=self.runs,
            clock=FixedClock(),
            from_bc=frozenset({("woocommerce", "shop-a")} if from_bc else set()),
            local_currency="EUR",
        )

    def paid(self, payment_id: str, amount: str, currency: str = "EUR", provider: str = "mollie") -> None:
        payment = Payment(
            provider=provider,
            account="main" if provider == "mollie" else "shop-a",
            payment_id=payment_id,
            status=PaymentStatus.PAID,
            amount=Money(amount=Decimal(amount), currency=currency),
            created_at=PAID_AT,
            paid_at=PAID_AT,
        )
        if provider == "mollie":
            self.mollie.payments[payment_id] = payment
        self.payments.put(
            PaymentRecord(
                payment=payment,
                status=MatchStatus.MATCHED,
                order_key=ORDER,
                first_seen_at=PAID_AT,
                updated_at=PAID_AT,
            )
        )

    def run(self) -> bool:
        return refund_credit_memos(self.refunding).completed

    def record(self, memo_id: str = "cm-1") -> CreditMemoRefund:
        found = self.refunds.get(memo_id)
        assert found is not None
        return found[0]


def test_a_posted_credit_memo_is_refunded_at_the_provider_once_and_the_shop_told():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")

    assert world.run()
    assert world.run()

    assert world.mollie.refunded_in_all() == Decimal("30.00")
    assert world.mollie.created == 1
    (refund,) = world.mollie.refunds["tr_1"]
    assert refund.koppel_key == "koppel-cm-cm-1-tr_1"
    assert [(each.amount.amount, each.koppel_key) for each in world.shop.refunds] == [
        (Decimal("30.00"), "koppel-cm-cm-1")
    ]
    assert world.record().state is RefundState.DONE


def test_a_lost_answer_is_found_again_by_its_key_and_never_refunded_twice():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.mollie.lose_next = True

    assert not world.run()
    assert world.record().state is RefundState.REFUNDING
    assert world.run()

    assert world.mollie.created == 1
    assert world.mollie.refunded_in_all() == Decimal("30.00")
    assert world.record().state is RefundState.DONE
    assert world.record().parts[0].refund_id == "re_1"


def test_a_provider_that_does_not_answer_stops_the_run_and_the_next_goes_on():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.mollie.down = True

    assert not world.run()
    world.mollie.down = False
    assert world.run()

    assert world.mollie.created == 1
    assert world.record().state is RefundState.DONE


def test_a_channel_whose_refunds_come_from_the_shop_is_passed_by():
    world = World(credit_memo("30.00"), from_bc=False)
    world.paid("tr_1", "50.00")

    world.run()

    assert world.mollie.created == 0
    assert world.refunds.rows == {}


def test_an_order_paid_on_account_is_not_refunded_the_credit_memo_stays_open_in_bc():
    world = World(credit_memo("30.00"))

    world.run()

    assert world.record().state is RefundState.NOT_KOPPELS
    assert "stays open on the customer in BC" in world.record().problem
    assert world.shop.refunds == []


def test_a_credit_memo_is_split_over_the_orders_payments_oldest_first():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "20.00")
    world.paid("tr_2", "15.00")

    world.run()

    assert {payment: [each.amount.amount for each in refunds] for payment, refunds in world.mollie.refunds.items()} == {
        "tr_1": [Decimal("20.00")],
        "tr_2": [Decimal("10.00")],
    }
    assert world.record().state is RefundState.DONE


def test_what_the_payments_no_longer_hold_is_not_refunded_but_told_to_a_person_with_both_amounts():
    world = World(credit_memo("50.00"))
    world.paid("tr_1", "30.00")

    world.run()

    assert world.mollie.refunded_in_all() == Decimal("30.00")
    record = world.record()
    assert record.state is RefundState.NEEDS_ATTENTION
    for amount in ("EUR 50.00", "EUR 30.00", "EUR 20.00"):
        assert amount in record.problem
    assert world.shop.refunds[0].amount.amount == Decimal("30.00"), "the shop is told of what moved"


def test_a_refund_made_outside_koppel_goes_to_a_person_and_no_second_refund_is_made():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    refund = ProviderRefund(
        refund_id="re_shop", amount=Money(amount=Decimal("30.00"), currency="EUR"), status="pending"
    )
    world.mollie.refunds["tr_1"] = [refund]

    world.run()

    assert world.mollie.created == 0
    assert world.record().state is RefundState.NEEDS_ATTENTION
    assert "outside Koppel" in world.record().problem
    assert world.shop.refunds == []


def test_a_refusal_by_the_provider_goes_to_a_person_with_its_words():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.mollie.refuse_next = "The payment cannot be refunded"

    world.run()
    world.run()

    assert world.record().state is RefundState.NEEDS_ATTENTION
    assert "The payment cannot be refunded" in world.record().problem
    assert world.shop.refunds == []
    assert world.runs.recorded[0].failed == 1


@pytest.mark.parametrize("status", ["Draft", "In Review"])
def test_an_unposted_credit_memo_is_not_refunded_until_bc_posts_it(status: str):
    world = World(credit_memo("30.00", status=status))
    world.paid("tr_1", "50.00")

    world.run()
    assert world.refunds.rows == {}
    world.memos.memos = [credit_memo("30.00")]
    world.run()

    assert world.mollie.refunded_in_all() == Decimal("30.00")


def test_a_credit_memo_already_paid_back_in_bc_is_not_refunded():
    world = World(credit_memo("30.00", status="Paid"))
    world.paid("tr_1", "50.00")

    world.run()

    assert world.mollie.created == 0
    assert world.record().state is RefundState.NOT_KOPPELS


def test_a_credit_memo_in_another_currency_than_the_payment_goes_to_a_person():
    world = World(credit_memo("30.00", currency="USD"))
    world.paid("tr_1", "50.00")

    world.run()

    assert world.mollie.created == 0
    assert "USD" in world.record().problem
    assert world.record().state is RefundState.NEEDS_ATTENTION


def test_an_order_paid_through_the_shop_itself_goes_to_a_person():
    world = World(credit_memo("30.00"))
    world.paid("order_1001", "50.00", provider="woocommerce")

    world.run()

    assert world.record().state is RefundState.NEEDS_ATTENTION
    assert "paid through the shop (woocommerce)" in world.record().problem


def test_a_shop_that_refuses_the_record_goes_to_a_person_and_the_money_stays_refunded_once():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.shop.refuse = "Invalid refund amount."

    world.run()
    world.run()

    assert world.mollie.created == 1
    assert world.record().state is RefundState.NEEDS_ATTENTION
    assert "Invalid refund amount." in world.record().problem


def test_two_credit_memos_of_one_order_each_refund_their_own_amount():
    world = World(credit_memo("10.00", memo_id="cm-1"), credit_memo("15.00", memo_id="cm-2"))
    world.paid("tr_1", "50.00")

    world.run()
    world.run()

    assert sorted(each.amount.amount for each in world.mollie.refunds["tr_1"]) == [Decimal("10.00"), Decimal("15.00")]
    assert len(world.shop.refunds) == 2


def test_a_refund_the_provider_holds_back_waits_while_the_others_go_on():
    world = World(credit_memo("10.00", memo_id="cm-1"), credit_memo("15.00", memo_id="cm-2"))
    world.paid("tr_1", "50.00")
    world.mollie.holds_back = Decimal("10.00")

    assert not world.run()
    assert [each.amount.amount for each in world.mollie.refunds["tr_1"]] == [Decimal("15.00")]
    assert world.record("cm-1").state is RefundState.REFUNDING
    world.mollie.holds_back = None
    assert world.run()

    assert world.record("cm-1").state is RefundState.DONE
    assert world.mollie.refunded_in_all() == Decimal("25.00")


def test_a_released_credit_memo_not_posted_yet_is_not_refunded_until_bc_posts_it():
    """API v2.0 lists a released draft as Open, like a posted credit memo: only Koppel's page of posted ones tells."""
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.posted.released_only.add("cm-1")

    world.run()
    assert world.refunds.rows == {}
    world.posted.released_only.clear()
    world.run()

    assert world.mollie.refunded_in_all() == Decimal("30.00")


def test_what_bc_shows_left_of_a_credit_memo_is_refunded_not_its_total():
    world = World(credit_memo("30.00", remaining="12.00"))
    world.paid("tr_1", "50.00")

    world.run()

    assert world.mollie.refunded_in_all() == Decimal("12.00")


def test_a_refund_found_failed_under_its_key_goes_to_a_person_and_is_not_asked_again():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.mollie.lose_next = True
    world.run()
    (lost,) = world.mollie.refunds["tr_1"]
    world.mollie.refunds["tr_1"] = [lost.model_copy(update={"status": "failed"})]

    world.run()

    assert world.mollie.created == 1
    assert world.record().state is RefundState.NEEDS_ATTENTION
    assert "failed" in world.record().problem
    assert world.shop.refunds == []


def test_a_refund_made_outside_koppel_after_planning_stops_the_planned_one():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.mollie.holds_back = Decimal("30.00")
    world.run()
    outside = ProviderRefund(
        refund_id="re_dash", amount=Money(amount=Decimal("30.00"), currency="EUR"), status="pending"
    )
    world.mollie.refunds["tr_1"] = [outside]
    world.mollie.holds_back = None

    world.run()

    assert world.mollie.created == 0
    assert world.record().state is RefundState.NEEDS_ATTENTION
    assert "outside Koppel" in world.record().problem


def test_a_refund_planned_and_not_asked_yet_is_kept_from_the_next_credit_memo_s_plan():
    world = World(credit_memo("20.00", memo_id="cm-1"), credit_memo("20.00", memo_id="cm-2"))
    world.paid("tr_1", "30.00")
    world.mollie.holds_back = Decimal("20.00")

    world.run()
    world.mollie.holds_back = None
    world.run()

    assert world.mollie.refunded_in_all() == Decimal("30.00"), "never more than was paid"
    assert world.record("cm-2").parts[0].amount.amount == Decimal("10.00")
    assert world.record("cm-2").state is RefundState.NEEDS_ATTENTION
    assert "EUR 10.00 is not paid back by Koppel" in world.record("cm-2").problem


def test_a_payment_its_provider_no_longer_knows_goes_to_a_person_not_taken_as_paid_on_account():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    del world.mollie.payments["tr_1"]

    world.run()

    assert world.record().state is RefundState.NEEDS_ATTENTION
    assert "no longer knows payment tr_1" in world.record().problem


def test_a_refund_asked_in_the_run_that_planned_it_reads_its_payment_once_and_a_later_run_reads_it_again():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.mollie.lose_next = True

    world.run()
    assert (world.mollie.reads, world.mollie.listed) == (1, 1), "planned and asked on one read"
    world.run()

    assert (world.mollie.reads, world.mollie.listed) == (2, 2), "the next run reads it again before anything"
    assert world.mollie.created == 1


def test_a_bc_refusal_to_answer_stops_the_run_without_refunding_and_the_next_run_goes_on():
    world = World(credit_memo("30.00"))
    world.paid("tr_1", "50.00")
    world.posted.unpublished = True

    assert not world.run()
    assert "BC refused a read" in world.runs.recorded[0].problems[0]
    world.posted.unpublished = False
    world.run()

    assert world.mollie.refunded_in_all() == Decimal("30.00")
