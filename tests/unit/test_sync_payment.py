"""The payment worker with in-memory ports: only the provider's answer counts; a payment is matched to its order,
waits for an order that has not come yet, and is put before a person when it does not add up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.email_digests import payer_email_digest
from domain.errors import Rejection, RequestRejected
from domain.models import OrderStatus, PaymentKey, WebOrderKey
from domain.payments.accounts import PaymentAccount
from domain.payments.matching import Position
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.payments.record import MatchStatus, PaymentRecord
from domain.payments.sync_payment import PaymentSync, sync_payment
from domain.payments.unpaid import UnpaidOrder
from domain.records import EventStatus, OrderRecord, StreamMessage, WebhookEvent
from tests.fakes import FixedClock, MemoryEvents, MemoryOrders, MemoryPayments, MemoryQueue, MemoryUnpaidOrders

ACCOUNT = PaymentAccount(provider="mollie", account="main", source="woocommerce", shop="shop-a")
ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")


class Mollie:
    """What Mollie knows, by payment id."""

    def __init__(self) -> None:
        self.known: dict[str, Payment] = {}

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        if payment_id == "tr_garbled":
            raise RequestRejected(Rejection.MALFORMED, "not a Mollie payment: KeyError")
        return self.known.get(payment_id)


class World:
    def __init__(self) -> None:
        self.events, self.orders, self.queue, self.clock = MemoryEvents(), MemoryOrders(), MemoryQueue(), FixedClock()
        self.order_queue = MemoryQueue()
        self.mollie, self.payments = Mollie(), MemoryPayments()
        self.sync = PaymentSync(
            events=self.events,
            accounts={("mollie", "main"): ACCOUNT},
            readers={"mollie": self.mollie},
            payments=self.payments,
            orders=self.orders,
            queue=self.queue,
            order_queue=self.order_queue,
            clock=self.clock,
            wait_for_order=timedelta(hours=24),
            retry_every=timedelta(minutes=15),
            match_window=timedelta(hours=72),
        )

    def order(self, total: str, currency: str = "EUR") -> None:
        self.orders.create(OrderRecord(key=ORDER, web_total=Decimal(total), web_currency=currency))

    def paid(self, payment_id: str, value: str, reference: str = "1001", currency: str = "EUR") -> None:
        self.mollie.known[payment_id] = Payment(
            provider="mollie",
            account="main",
            payment_id=payment_id,
            status=PaymentStatus.PAID,
            amount=Money(amount=Decimal(value), currency=currency),
            reference=reference,
            created_at=datetime(2026, 11, 29, 9, tzinfo=UTC),
        )

    def hint(self, payment_id: str) -> PaymentRecord | None:
        """Mollie's classic call for the payment, as intake stores and queues it."""
        key = PaymentKey(provider="mollie", account="main", payment_id=payment_id).stream
        event_id = f"evt-{len(self.events.rows)}"
        event = WebhookEvent(
            stream=key,
            event_id=event_id,
            topic="payment.changed",
            dedup_key=event_id,
            blob_name="",
            received_at=self.clock.now(),
        )
        self.events.add(event, f"id={payment_id}".encode())
        return sync_payment(self.sync, StreamMessage(stream=key, event_id=event_id))


def test_a_payment_mollie_does_not_know_is_ignored_and_nothing_is_recorded():
    world = World()
    world.order("30.00")

    assert world.hint("tr_forged") is None
    [event] = world.events.rows.values()
    assert (event.status, event.note[:31]) == (EventStatus.PROCESSED, "mollie does not know this payme")
    assert world.payments.rows == {}


def test_a_paid_payment_for_its_order_is_matched_and_pays_it():
    world = World()
    world.order("30.00")
    world.paid("tr_1", "30.00")

    record = world.hint("tr_1")

    assert record is not None
    assert (record.status, record.order_key, record.note) == (MatchStatus.MATCHED, ORDER, "")
    assert record.settlement is not None
    assert (record.settlement.position, record.settlement.difference) == (Position.PAID, Decimal("0.00"))


def test_two_partial_payments_pay_the_order_together():
    world = World()
    world.order("30.00")
    world.paid("tr_1", "10.00")
    world.paid("tr_2", "20.00")

    first, second = world.hint("tr_1"), world.hint("tr_2")

    assert first is not None
    assert first.settlement is not None
    assert second is not None
    assert second.settlement is not None
    assert (first.settlement.position, first.settlement.difference) == (Position.PARTLY_PAID, Decimal("20.00"))
    assert second.settlement.position is Position.PAID


def test_a_payment_before_its_order_waits_comes_back_and_is_matched_when_the_order_is_there():
    world = World()
    world.paid("tr_1", "30.00")

    waiting = world.hint("tr_1")
    world.clock.moment += timedelta(minutes=15)
    world.order("30.00")
    matched = sync_payment(world.sync, world.queue.messages[0])

    assert waiting is not None
    assert waiting.status is MatchStatus.WAITING_FOR_ORDER
    assert world.queue.delays == [timedelta(minutes=15)]
    assert matched is not None
    assert matched.status is MatchStatus.MATCHED
    assert matched.first_seen_at == waiting.first_seen_at


def test_a_payment_whose_order_never_comes_is_put_before_a_person_after_a_day():
    world = World()
    world.paid("tr_1", "30.00")
    world.hint("tr_1")
    world.clock.moment += timedelta(hours=24)

    late = sync_payment(world.sync, world.queue.messages[0])

    assert late is not None
    assert (late.status, late.note) == (
        MatchStatus.NEEDS_ATTENTION,
        "the order it names did not arrive within 24 hours",
    )
    assert len(world.queue.messages) == 1, "not queued again"
    assert world.payments.needing_a_person() == [late]


def test_overpayment_a_foreign_currency_and_no_reference_need_a_person_with_the_reason():
    world = World()
    world.order("30.00")
    world.paid("tr_over", "35.00")
    world.paid("tr_usd", "30.00", currency="USD")
    world.paid("tr_none", "30.00", reference="")

    over, usd, unnamed = world.hint("tr_over"), world.hint("tr_usd"), world.hint("tr_none")

    assert over is not None
    assert over.note == "overpaid by EUR 5.00"
    assert usd is not None
    assert usd.note == "a payment in another currency than the order's EUR"
    assert unnamed is not None
    assert unnamed.order_key is None
    assert {record.status for record in (over, usd, unnamed)} == {MatchStatus.NEEDS_ATTENTION}


def test_a_dispute_not_decided_yet_is_told_on_the_matched_payment_and_counts_nothing():
    """A Stripe dispute withdraws the money at once but is won or lost later (stripe-python stripe/_dispute.py):
    only a lost one is charged back; an open one is shown."""
    world = World()
    world.order("30.00")
    world.paid("tr_1", "30.00")
    world.mollie.known["tr_1"] = world.mollie.known["tr_1"].model_copy(update={"disputed": Decimal("10.00")})

    record = world.hint("tr_1")

    assert record is not None
    assert (record.status, record.note) == (MatchStatus.MATCHED, "EUR 10.00 disputed at mollie: counted only if lost")
    assert record.settlement is not None
    assert record.settlement.position is Position.PAID


def test_an_answer_that_is_no_payment_fails_the_event_with_what_mollie_said():
    world = World()

    assert world.hint("tr_garbled") is None
    [event] = world.events.rows.values()
    assert (event.status, event.note) == (EventStatus.FAILED, "mollie answered: not a Mollie payment: KeyError")


def test_an_order_in_bc_held_for_its_payment_is_looked_at_again_once_paid_and_only_then():
    world = World()
    held = OrderRecord(
        key=ORDER,
        status=OrderStatus.IN_BC,
        web_total=Decimal("30.00"),
        web_currency="EUR",
        latest_event_id="evt-order-1",
        release="waiting: payment",
    )
    world.orders.create(held)
    world.paid("tr_1", "10.00")
    world.paid("tr_2", "20.00")

    world.hint("tr_1")
    assert world.order_queue.messages == [], "partly paid: nothing to look at again"
    world.hint("tr_2")

    assert world.order_queue.messages == [StreamMessage(stream=ORDER.stream, event_id="evt-order-1", recheck=True)]


class Unreferenced(World):
    """A world whose payments may name no order: unpaid orders of the shop are kept for them."""

    def __init__(self) -> None:
        super().__init__()
        self.unpaid = MemoryUnpaidOrders()
        self.sync = replace(self.sync, unpaid=self.unpaid)

    def unpaid_order(self, order_id: str, total: str, email: str, hours_ago: int = 1) -> WebOrderKey:
        key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=order_id)
        ordered_at = datetime(2026, 11, 29, 9, tzinfo=UTC) - timedelta(hours=hours_ago)
        total_money = Money(amount=Decimal(total), currency="EUR")
        self.unpaid.add(
            UnpaidOrder(key=key, total=total_money, customer=payer_email_digest(email), ordered_at=ordered_at)
        )
        self.orders.create(OrderRecord(key=key, web_total=Decimal(total), web_currency="EUR"))
        return key

    def paid_by(self, payment_id: str, value: str, email: str = "") -> None:
        self.paid(payment_id, value, reference="")
        known = self.mollie.known[payment_id]
        self.mollie.known[payment_id] = known.model_copy(update={"customer": payer_email_digest(email)})


def test_a_payment_naming_no_order_pays_the_one_unpaid_order_of_its_amount_and_payer():
    world = Unreferenced()
    world.unpaid_order("2001", "42.50", "anna@example.nl")
    other = world.unpaid_order("2002", "42.50", "bram@example.nl")
    world.unpaid_order("2003", "10.00", "Bram@Example.nl")
    world.paid_by("tr_1", "42.50", email=" BRAM@example.nl")

    record = world.hint("tr_1")

    assert record is not None
    assert (record.status, record.order_key) == (MatchStatus.MATCHED, other)
    assert record.note == "matched by amount, payer's e-mail and time: the payment names no order"
    assert str(other) not in world.unpaid.rows


def test_a_payment_whose_payer_the_provider_does_not_know_says_it_matched_by_amount_and_time_only():
    """A Mollie payment has no payer e-mail unless the shop sent a billing address (there is no `billingEmail` on
    it: mollie/mollie-api-python mollie/api/objects/payment.py): the note must not claim a customer match."""
    world = Unreferenced()
    key = world.unpaid_order("2001", "42.50", "anna@example.nl")
    world.paid_by("tr_1", "42.50")

    record = world.hint("tr_1")

    assert record is not None
    assert (record.status, record.order_key) == (MatchStatus.MATCHED, key)
    assert record.note == (
        "matched by amount and time only: the payment names no order and mollie knows no payer's e-mail"
    )


def test_two_unpaid_orders_alike_are_left_to_a_person():
    world = Unreferenced()
    world.unpaid_order("2001", "42.50", "anna@example.nl")
    world.unpaid_order("2002", "42.50", "bram@example.nl")
    world.paid_by("tr_1", "42.50")

    record = world.hint("tr_1")

    assert record is not None
    assert (record.status, record.order_key) == (MatchStatus.NEEDS_ATTENTION, None)
    assert record.note == "2 unpaid orders of EUR 42.50 around its time: the payment names none"


def test_an_order_outside_the_window_is_not_a_candidate_and_the_payment_waits():
    world = Unreferenced()
    world.unpaid_order("2001", "42.50", "anna@example.nl", hours_ago=24 * 4)
    world.paid_by("tr_1", "42.50", email="anna@example.nl")

    record = world.hint("tr_1")

    assert record is not None
    assert (record.status, record.note) == (
        MatchStatus.WAITING_FOR_ORDER,
        "names no order: waiting for an order of its amount",
    )


def test_a_payment_matched_by_amount_keeps_its_order_when_it_is_refunded_later():
    world = Unreferenced()
    key = world.unpaid_order("2001", "42.50", "anna@example.nl")
    world.paid_by("tr_1", "42.50", email="anna@example.nl")
    world.hint("tr_1")
    known = world.mollie.known["tr_1"]
    world.mollie.known["tr_1"] = known.model_copy(update={"refunded": Decimal("10.00")})

    refunded = world.hint("tr_1")

    assert refunded is not None
    assert (refunded.status, refunded.order_key) == (MatchStatus.MATCHED, key)
    assert refunded.settlement is not None
    assert refunded.settlement.position is Position.PARTLY_PAID


def test_an_abandoned_payment_naming_no_order_is_not_put_before_anyone():
    world = Unreferenced()
    world.paid_by("tr_1", "42.50")
    known = world.mollie.known["tr_1"]
    world.mollie.known["tr_1"] = known.model_copy(update={"status": PaymentStatus.EXPIRED})

    assert world.hint("tr_1") is None
    assert world.payments.rows == {}
    [event] = world.events.rows.values()
    assert event.note == "payment expired, naming no order: nothing to match"


def test_a_dispute_is_told_once_however_often_it_is_read_and_not_after_it_is_won():
    """Mollie calls again on every change of a payment (docs.mollie.com/reference/webhooks): each read builds the note
    afresh from how the order was found and the dispute open now (review R2 finding 2: it grew with every event)."""
    world = Unreferenced()
    world.unpaid_order("2001", "42.50", "anna@example.nl")
    world.paid_by("tr_1", "42.50", email="anna@example.nl")
    world.hint("tr_1")
    known = world.mollie.known["tr_1"]
    world.mollie.known["tr_1"] = known.model_copy(update={"disputed": Decimal("42.50")})
    matched = "matched by amount, payer's e-mail and time: the payment names no order"

    notes = [record.note for record in (world.hint("tr_1"), world.hint("tr_1")) if record is not None]
    world.mollie.known["tr_1"] = known
    won = world.hint("tr_1")

    assert notes == [f"{matched}; EUR 42.50 disputed at mollie: counted only if lost"] * 2
    assert won is not None
    assert (won.status, won.note, won.matched_by) == (MatchStatus.MATCHED, matched, matched)
