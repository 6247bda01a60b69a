"""The booking run: one customer payment per received payment, applied to the order's open invoice, found again
after a crash at any point, posted in one go, and a refused line parks only its own payment; refunds and
chargebacks after booking booked the same way against the order's credit memo."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.booking.book_payments import PaymentBooking, book_payments
from domain.errors import AmbiguousWriteError, BusinessCentralRejected, RetryableError
from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.invoices.track_invoices import InvoiceTracking
from domain.models import PaymentKey, WebOrderKey
from domain.payments.booking import BookingState, PaymentLine
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.payments.record import MatchStatus, PaymentRecord
from domain.payments.refund import RefundLine
from domain.refunds.record import CreditMemoRefund, RefundPart, RefundState
from tests.fakes import (
    FixedClock,
    MemoryInvoices,
    MemoryOrders,
    MemoryPayments,
    MemoryRefunds,
    MemorySyncRuns,
    MemorySyncState,
    order_in_bc,
)
from tests.payment_support import store_payment, stored_payment

ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")


def document(key: WebOrderKey) -> str:
    """The externalDocumentNumber of the order's BC document: shop-a's own numbers, other shops' with a prefix."""
    return f"WEB{key.order_id}" if key.shop == "shop-a" else f"{key.shop}-{key.order_id}".upper()


class CreditMemos:
    def __init__(self) -> None:
        self.posted: list[BcCreditMemo] = []

    def changed_since(self, since: datetime | None) -> list[BcCreditMemo]:
        return list(self.posted)

    def at(self, resource: str) -> list[BcCreditMemo]:
        return []


class Journal:
    """A customer payment journal: lines until posted, then entries; `refuse` names payments BC will not post."""

    def __init__(self) -> None:
        self.open: dict[str, PaymentLine] = {}
        self.entries: list[PaymentLine] = []
        self.refunds_open: dict[str, RefundLine] = {}
        self.refunds: list[RefundLine] = []
        self.refuse: set[str] = set()
        self.posts = 0
        self.fail_post: Exception | None = None
        """Raised instead of posting (the worker stopped, BC unavailable)."""
        self.lose_post_answer: Exception | None = None
        """Raised after posting (the answer lost, or the worker stopped before recording it)."""
        self._ids = itertools.count(1)

    def lines(self, external_document_number: str) -> list[PaymentLine]:
        return [line for line in self.open.values() if line.external_document_number == external_document_number]

    def add(self, line: PaymentLine) -> PaymentLine:
        stored = line.model_copy(update={"id": f"line-{next(self._ids)}", "etag": "W/1"})
        self.open[stored.id] = stored
        return stored

    def remove(self, line: PaymentLine) -> None:
        del self.open[line.id]

    def post(self) -> None:
        if self.fail_post is not None:
            raise self.fail_post
        self.posts += 1
        refused = [line for line in self.open.values() if line.external_document_number in self.refuse]
        if refused:
            raise BusinessCentralRejected(400, "Application_DialogException", "Amount must be negative")
        self.entries.extend(self.open.values())
        self.open.clear()
        self.refunds.extend(self.refunds_open.values())
        self.refunds_open.clear()
        if self.lose_post_answer is not None:
            raise self.lose_post_answer


class Refunds:
    """Koppel's refund API page: refund lines in the same journal, posted with it."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._ids = itertools.count(1)

    def lines(self, external_document_number: str) -> list[RefundLine]:
        return [
            line
            for line in self.journal.refunds_open.values()
            if line.external_document_number == external_document_number
        ]

    def add(self, line: RefundLine) -> RefundLine:
        stored = line.model_copy(update={"id": f"refund-{next(self._ids)}", "etag": "W/1"})
        self.journal.refunds_open[stored.id] = stored
        return stored

    def remove(self, line: RefundLine) -> None:
        del self.journal.refunds_open[line.id]


class World:
    def __init__(self, refund_api: bool = False) -> None:
        self.orders, self.payments, self.clock = MemoryOrders(), MemoryPayments(), FixedClock()
        self.invoices, self.journal, self.runs = MemoryInvoices(), Journal(), MemorySyncRuns()
        self.credit_memos = CreditMemos()
        self.refunds = Refunds(self.journal)
        self.credit_memo_refunds = MemoryRefunds()
        self.booking = PaymentBooking(
            tracking=InvoiceTracking(
                invoices=self.invoices,
                orders=self.orders,
                state=MemorySyncState(),
                clock=self.clock,
                credit_memos=self.credit_memos,
            ),
            journal=self.journal,
            payments=self.payments,
            orders=self.orders,
            runs=self.runs,
            clock=self.clock,
            local_currency="EUR",
            batch=500,
            credit_memo_wait=timedelta(days=14),
            refunds=self.refunds if refund_api else None,
            credit_memo_refunds=self.credit_memo_refunds,
        )

    def refunded_from_bc(self, memo: BcCreditMemo, *parts: tuple[str, str]) -> None:
        """Koppel refunded the credit memo from BC, `parts` (payment id, amount) each taken on by Mollie."""
        euros = [Money(amount=Decimal(amount), currency="EUR") for _, amount in parts]
        refund = CreditMemoRefund(
            credit_memo_id=memo.id,
            credit_memo_number=memo.number,
            order=ORDER,
            credited=Money(amount=sum((each.amount for each in euros), Decimal(0)), currency="EUR"),
            parts=[
                RefundPart(
                    payment=PaymentKey(provider="mollie", account="main", payment_id=payment),
                    amount=money,
                    refund_id=f"re_{payment}",
                )
                for (payment, _), money in zip(parts, euros, strict=True)
            ],
            state=RefundState.DONE,
            first_seen_at=self.clock.now(),
            updated_at=self.clock.now(),
        )
        self.credit_memo_refunds.write(refund, None)

    def order_in_bc(self, key: WebOrderKey = ORDER) -> None:
        order_in_bc(self.orders, key, document(key))

    def paid_and_invoiced(self, payment_id: str = "tr_1", key: WebOrderKey = ORDER) -> None:
        """An order in BC, invoiced, and a 30.00 payment matched to it."""
        self.order_in_bc(key)
        self.invoiced(key)
        self.matched(payment_id, "30.00", key)

    def invoiced(
        self, key: WebOrderKey = ORDER, remaining: str = "30.00", currency: str = "", status: str = ""
    ) -> BcInvoice:
        invoice = BcInvoice(
            id=f"inv-{key.order_id}-{len(self.invoices.posted)}",
            number=f"S-INV{key.order_id}",
            external_document_number=document(key),
            customer_number="C00010",
            currency_code=currency,
            total_including_tax=Decimal("30.00"),
            remaining_amount=Decimal(remaining),
            status=status or ("Open" if Decimal(remaining) else "Paid"),
            last_modified=self.clock.now(),
        )
        self.invoices.posted.append(invoice)
        return invoice

    def posted(self, draft: BcInvoice) -> BcInvoice:
        """BC posts the draft: the same id (its "Draft Invoice SystemId"), a posted number, status Open."""
        self.clock.moment += timedelta(minutes=1)
        invoice = draft.model_copy(update={"number": "S-INV9001", "status": "Open", "last_modified": self.clock.now()})
        self.invoices.posted = [invoice if each.id == draft.id else each for each in self.invoices.posted]
        return invoice

    def credited(self, amount: str = "30.00", key: WebOrderKey = ORDER, external: bool = True) -> BcCreditMemo:
        """BC posts a credit memo for the order's invoice (carrying the web order's number, or only the invoice)."""
        [invoice] = [each for each in self.invoices.posted if each.external_document_number == f"WEB{key.order_id}"]
        memo = BcCreditMemo(
            id=f"cm-{key.order_id}-{len(self.credit_memos.posted)}",
            number=f"S-CR{key.order_id}",
            external_document_number=invoice.external_document_number if external else "",
            customer_number=invoice.customer_number,
            total_including_tax=Decimal(amount),
            status="Open",
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            last_modified=self.clock.now(),
        )
        self.credit_memos.posted.append(memo)
        return memo

    def matched(
        self,
        payment_id: str,
        value: str,
        key: WebOrderKey = ORDER,
        *,
        refunded: str = "0",
        charged_back: str = "0",
        currency: str = "EUR",
    ) -> PaymentRecord:
        payment = Payment(
            provider="mollie",
            account="main",
            payment_id=payment_id,
            status=PaymentStatus.PAID,
            amount=Money(amount=Decimal(value), currency=currency),
            refunded=Decimal(refunded),
            charged_back=Decimal(charged_back),
            reference=key.order_id,
            created_at=datetime(2026, 11, 29, 9, tzinfo=UTC),
        )
        previous = stored_payment(self.payments, "mollie", "main", payment_id)
        record = PaymentRecord(
            payment=payment,
            status=MatchStatus.MATCHED,
            order_key=key,
            booking=previous.booking if previous else None,
            first_seen_at=self.clock.now(),
            updated_at=self.clock.now(),
        )
        store_payment(self.payments, record)
        return record

    def record(self, payment_id: str) -> PaymentRecord:
        found = stored_payment(self.payments, "mollie", "main", payment_id)
        assert found is not None
        return found


def test_a_payment_waits_for_its_invoice_then_is_booked_once_against_it():
    world = World()
    world.order_in_bc()
    world.matched("tr_1", "30.00")

    before_invoice = book_payments(world.booking)
    invoice = world.invoiced()
    booked = book_payments(world.booking)
    again = book_payments(world.booking)

    assert (before_invoice.pushed, before_invoice.read, world.journal.posts) == (0, 1, 1)
    assert (booked.changed, booked.pushed) == (1, 1)
    [entry] = world.journal.entries
    assert (entry.amount, entry.applies_to_invoice_id, entry.external_document_number) == (
        Decimal("-30.00"),
        invoice.id,
        "TR_1",
    )
    assert entry.customer_number == "C00010"
    booking = world.record("tr_1").booking
    assert booking is not None
    assert (booking.state, booking.invoice_number, booking.amount) == (
        BookingState.BOOKED,
        "S-INV1001",
        Decimal("30.00"),
    )
    assert (again.read, again.pushed, world.journal.posts) == (0, 0, 1)


def test_payments_of_many_orders_are_posted_in_one_go():
    world = World()
    keys = [WebOrderKey(source="woocommerce", shop="shop-a", order_id=str(number)) for number in range(1001, 1011)]
    for index, key in enumerate(keys):
        world.order_in_bc(key)
        world.invoiced(key)
        world.matched(f"tr_{index}", "30.00", key)

    run = book_payments(world.booking)

    assert (run.read, run.pushed, world.journal.posts) == (10, 10, 1)
    assert len(world.journal.entries) == 10


def test_a_line_left_in_the_journal_by_a_crash_is_found_not_made_twice():
    world = World()
    world.order_in_bc()
    invoice = world.invoiced()
    world.matched("tr_1", "30.00")
    world.journal.add(
        PaymentLine(
            customer_number="C00010",
            external_document_number="TR_1",
            amount=Decimal("-30.00"),
            applies_to_invoice_id=invoice.id,
        )
    )

    run = book_payments(world.booking)

    assert run.pushed == 1
    assert len(world.journal.entries) == 1


def test_a_line_posted_before_a_crash_recorded_it_is_taken_as_booked():
    world = World()
    world.paid_and_invoiced()

    world.journal.lose_post_answer = RetryableError("the worker stopped")
    crashed = book_payments(world.booking)
    world.journal.lose_post_answer = None
    resumed = book_payments(world.booking)

    assert (crashed.completed, crashed.pushed) == (False, 0)
    assert world.record("tr_1").booking is not None
    assert (resumed.pushed, len(world.journal.entries), world.journal.posts) == (1, 1, 1)
    booking = world.record("tr_1").booking
    assert booking is not None
    assert booking.state is BookingState.BOOKED


def test_a_line_bc_will_not_post_parks_only_its_own_payment():
    world = World()
    for number in ("1001", "1002", "1003"):
        key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=number)
        world.paid_and_invoiced(f"tr_{number}", key)
    world.journal.refuse = {"TR_1002"}

    run = book_payments(world.booking)

    assert (run.pushed, run.failed) == (2, 1)
    assert sorted(line.external_document_number for line in world.journal.entries) == ["TR_1001", "TR_1003"]
    assert world.journal.open == {}
    parked = world.record("tr_1002")
    assert parked.booking_problem == "BC refused to post the payment: Amount must be negative"
    assert parked.booking is None
    assert [record.payment.payment_id for record in world.payments.needing_a_person()] == ["tr_1002"]
    assert "line by line" in run.problems[0]


def test_a_line_left_in_the_journal_by_an_earlier_run_is_posted_when_the_post_goes_line_by_line():
    """Going line by line takes every line out first: a line an earlier run made (its record says "in journal")
    must be made again and posted, never taken as posted because it is no longer in the journal."""
    world = World()
    for number in ("1001", "1002"):
        key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=number)
        world.paid_and_invoiced(f"tr_{number}", key)
    world.journal.fail_post = RetryableError("BC answered 503")
    book_payments(world.booking)
    world.journal.fail_post = None
    world.journal.refuse = {"TR_1002"}

    run = book_payments(world.booking)

    assert (run.pushed, run.failed) == (1, 1)
    assert [line.external_document_number for line in world.journal.entries] == ["TR_1001"]
    assert world.journal.open == {}
    booked = world.record("tr_1001").booking
    assert booked is not None
    assert booked.state is BookingState.BOOKED
    assert world.record("tr_1002").booking is None


def test_an_invoice_paid_already_in_bc_is_not_paid_twice():
    world = World()
    world.order_in_bc()
    world.invoiced(remaining="0")
    world.matched("tr_1", "30.00")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed, world.journal.entries) == (0, 1, [])
    assert world.record("tr_1").booking_problem.startswith("the order's invoices (S-INV1001) are paid in BC already")


def test_the_invoice_is_read_again_before_each_line_and_only_then():
    """Payments in BC do not stamp an invoice unless its status changes (microsoft/BCApps src/Layers/W1/BaseApp/
    Integration/Entity/SalesInvoiceAggregator.Codeunit.al, UpdateStatusIfChanged; remainingAmount is a page
    variable of APIV2SalesInvoices.Page.al), and the filed copy may predate a change the poll has not seen: the
    invoice is read once right before a line is made for it, never for a payment that waits."""
    world = World()
    paid_by_hand = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1002")
    not_invoiced = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1003")
    world.paid_and_invoiced("tr_1")
    world.paid_and_invoiced("tr_2", paid_by_hand)
    world.order_in_bc(not_invoiced)
    world.matched("tr_3", "30.00", not_invoiced)
    first, stale = world.invoices.posted
    world.invoices.now[stale.id] = stale.model_copy(update={"remaining_amount": Decimal(0), "status": "Paid"})

    run = book_payments(world.booking)

    assert (run.pushed, run.failed) == (1, 1)
    assert [entry.external_document_number for entry in world.journal.entries] == ["TR_1"]
    assert world.record("tr_2").booking_problem == (
        "the order's invoices (S-INV1002) are paid in BC already: was the payment booked by hand?"
    )
    assert world.invoices.ids_read == [first.id, stale.id]
    found = world.orders.get(paid_by_hand)
    assert found is not None
    assert [each.status for each in found[0].invoices] == ["Paid"]


def test_an_invoice_gone_from_bc_when_read_again_goes_to_a_person():
    """salesInvoices answers 404 for an invoice it no longer has (the adapter's get gives None): the filed copy
    still looks open, so without a person the payment would wait for it for ever."""
    world = World()
    world.order_in_bc()
    gone = world.invoiced()
    book_payments(world.booking)
    world.invoices.posted.remove(gone)
    world.matched("tr_1", "30.00")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed, world.journal.open, world.journal.entries) == (0, 1, {}, [])
    assert world.record("tr_1").booking_problem == "invoice S-INV1001 no longer exists in BC"


def test_an_invoice_with_less_left_than_the_payment_goes_to_a_person():
    """BC applies a payment up to the invoice's remaining amount and leaves the rest an open payment entry
    (microsoft/BCApps src/Layers/W1/BaseApp/Finance/GeneralLedger/Posting/GenJnlPostLine.Codeunit.al): when the
    invoice read again has less left than the payment (part booked by hand, which does not stamp it), a person
    decides; payments of the same run count what the lines made before them apply."""
    world = World()
    world.paid_and_invoiced("tr_1")
    [invoice] = world.invoices.posted
    world.invoices.now[invoice.id] = invoice.model_copy(update={"remaining_amount": Decimal("40.00")})
    world.matched("tr_2", "15.00")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed) == (1, 1)
    assert [entry.external_document_number for entry in world.journal.entries] == ["TR_1"]
    assert world.record("tr_2").booking_problem == (
        "invoice S-INV1001 has only EUR 10.00 left, less than the payment of EUR 15.00: was part of it booked by hand?"
    )


def test_a_payment_larger_than_its_order_s_first_invoice_goes_to_a_person():
    """An order invoiced in parts: one payment for all of it is more than the first invoice (BC would leave the rest
    unapplied on the customer)."""
    world = World()
    world.order_in_bc()
    world.invoiced()
    world.matched("tr_1", "45.00")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed, world.journal.entries) == (0, 1, [])
    assert world.record("tr_1").booking_problem == (
        "invoice S-INV1001 has only EUR 30.00 left, less than the payment of EUR 45.00: is the order invoiced in parts?"
    )


def test_an_invoice_with_exactly_what_the_payments_apply_left_takes_them_all():
    world = World()
    world.paid_and_invoiced("tr_1")
    [invoice] = world.invoices.posted
    world.invoices.now[invoice.id] = invoice.model_copy(update={"remaining_amount": Decimal("45.00")})
    world.matched("tr_2", "15.00")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed) == (2, 0)


def test_an_invoice_in_another_currency_is_left_to_a_person():
    world = World()
    world.order_in_bc()
    world.invoiced(currency="USD")
    world.matched("tr_1", "30.00")

    book_payments(world.booking)

    assert world.record("tr_1").booking_problem == (
        "invoice S-INV1001 is in USD, not in the local currency EUR: customerPayments has no currency, so a payment "
        "line would be booked in EUR; book it by hand"
    )


def test_a_payment_in_the_invoices_foreign_currency_is_left_to_a_person_too():
    """customerPayments has no currency field (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/
    APIV2CustomerPayments.Page.al): a line Koppel makes is in the local currency whatever the invoice's."""
    world = World()
    world.order_in_bc()
    world.invoiced(currency="USD")
    world.matched("tr_1", "30.00", currency="USD")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed, world.journal.open, world.journal.entries) == (0, 1, {}, [])
    assert world.record("tr_1").booking_problem.startswith("invoice S-INV1001 is in USD, not in the local currency")


def test_a_payment_in_another_currency_than_the_local_invoice_is_left_to_a_person():
    world = World()
    world.order_in_bc()
    world.invoiced(currency="EUR")
    world.matched("tr_1", "30.00", currency="USD")

    book_payments(world.booking)

    assert world.record("tr_1").booking_problem == "invoice S-INV1001 is in EUR, the payment in USD"


@pytest.mark.parametrize("status", ["Draft", "In Review"])
def test_an_unposted_invoice_is_filed_but_paid_only_once_bc_posts_it(status: str):
    """salesInvoices lists unposted invoices (Draft, In Review) with their full amount as remainingAmount
    (microsoft/BCApps src/Layers/W1/BaseApp/Integration/Entity/SalesInvoiceAggregator.Codeunit.al; enum 5477
    "Invoice Entity Aggregate Status"); only a posted (Open) invoice takes a payment (APIV2CustomerPayments.Page.al
    finds appliesToInvoiceId among Sales Invoice Headers only)."""
    world = World()
    world.order_in_bc()
    draft = world.invoiced(status=status)
    world.matched("tr_1", "30.00")

    waiting = book_payments(world.booking)
    filed = world.orders.get(ORDER)
    posted = world.posted(draft)
    booked = book_payments(world.booking)

    assert (waiting.pushed, waiting.failed, world.journal.posts) == (0, 0, 1)
    assert filed is not None
    assert [(each.number, each.status) for each in filed[0].invoices] == [("S-INV1001", status)]
    assert world.record("tr_1").booking_problem == ""
    assert (booked.pushed, booked.failed) == (1, 0)
    [entry] = world.journal.entries
    assert entry.applies_to_invoice_id == posted.id
    booking = world.record("tr_1").booking
    assert booking is not None
    assert booking.invoice_number == "S-INV9001"


@pytest.mark.parametrize("status", ["Canceled", "Corrective"])
def test_an_order_whose_invoices_are_not_open_goes_to_a_person_naming_their_status(status: str):
    world = World()
    world.order_in_bc()
    world.invoiced(status=status, remaining="0")
    world.matched("tr_1", "30.00")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed, world.journal.entries) == (0, 1, [])
    assert world.record("tr_1").booking_problem == (
        f"none of the order's invoices is open in BC (S-INV1001 {status}): was the payment booked by hand?"
    )


def test_a_refund_after_booking_is_put_before_a_person_with_the_amount():
    world = World()
    world.paid_and_invoiced()
    book_payments(world.booking)

    world.matched("tr_1", "30.00", refunded="12.50")
    run = book_payments(world.booking)

    assert (run.read, run.failed, len(world.journal.entries)) == (1, 1, 1)
    assert world.record("tr_1").booking_problem == (
        "EUR 12.50 refunded or charged back after booking: book it against the credit memo"
    )


def test_bc_unavailable_stops_the_run_and_loses_nothing():
    world = World()
    world.order_in_bc()
    world.matched("tr_1", "30.00")
    world.invoices.unavailable = True

    run = book_payments(world.booking)

    assert run.completed is False
    assert run.problems == ("stopped, the next run goes on: BC answered 503",)
    assert world.record("tr_1").to_book
    assert world.runs.recorded == [run]


@pytest.mark.parametrize("status", [MatchStatus.WAITING_FOR_ORDER, MatchStatus.NEEDS_ATTENTION])
def test_only_matched_payments_are_booked(status: MatchStatus):
    world = World()
    world.order_in_bc()
    world.invoiced()
    record = world.matched("tr_1", "30.00")
    store_payment(world.payments, record.model_copy(update={"status": status}))

    run = book_payments(world.booking)

    assert (run.read, world.journal.entries) == (0, [])


def test_a_lost_answer_to_an_insert_is_looked_up_and_the_run_goes_on():
    world = World()
    for number in ("1001", "1002"):
        key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=number)
        world.paid_and_invoiced(f"tr_{number}", key)
    inserts = []

    def answer_lost(line: PaymentLine) -> PaymentLine:
        inserts.append(Journal.add(world.journal, line))
        raise AmbiguousWriteError("POST sent but no answer: ReadTimeout")

    world.journal.add = answer_lost  # type: ignore[method-assign]
    run = book_payments(world.booking)

    assert (run.completed, run.pushed, len(inserts), world.journal.posts) == (True, 2, 2, 1)
    assert len(world.journal.entries) == 2


def test_a_lost_answer_to_the_post_is_settled_by_looking_at_the_journal():
    world = World()
    world.paid_and_invoiced()

    world.journal.lose_post_answer = AmbiguousWriteError("POST answered 504; the write may have been committed")
    run = book_payments(world.booking)

    assert (run.completed, run.pushed, len(world.journal.entries)) == (True, 1, 1)


def _booked_then(world: World, refunded: str = "0", charged_back: str = "0") -> None:
    """The payment tr_1 of 30.00 booked against the order's invoice, then changed at Mollie."""
    world.paid_and_invoiced()
    book_payments(world.booking)
    world.matched("tr_1", "30.00", refunded=refunded, charged_back=charged_back)


def test_a_refund_after_booking_is_booked_against_the_credit_memo():
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")
    memo = world.credited("12.50")

    run = book_payments(world.booking)
    again = book_payments(world.booking)

    assert (run.pushed, world.journal.posts, again.read) == (1, 2, 0)
    [refund] = world.journal.refunds
    assert (refund.amount, refund.applies_to_credit_memo_id, refund.external_document_number) == (
        Decimal("12.50"),
        memo.id,
        "R1-TR_1",
    )
    assert refund.customer_number == "C00010"
    record = world.record("tr_1")
    assert record.booking is not None
    [booked] = record.booking.refunds
    assert (booked.state, booked.credit_memo_number, booked.refunded_in_all) == (
        BookingState.BOOKED,
        "S-CR1001",
        Decimal("12.50"),
    )
    assert (record.booked_in_bc, record.to_book, record.booking_problem) == (Decimal("17.50"), False, "")


def test_a_refund_covering_two_credit_memos_is_booked_as_a_line_against_each():
    """Two credit memos refunded from one payment before a run books them (as the refunds from BC do): one line
    capped at the first credit memo, the next run's line against the second, so neither stays open."""
    world = World(refund_api=True)
    _booked_then(world, refunded="25.00")
    first, second = world.credited("10.00"), world.credited("15.00")

    book_payments(world.booking)
    book_payments(world.booking)
    book_payments(world.booking)

    assert [(line.applies_to_credit_memo_id, line.amount) for line in world.journal.refunds] == [
        (first.id, Decimal("10.00")),
        (second.id, Decimal("15.00")),
    ]
    assert world.record("tr_1").booked_in_bc == Decimal("5.00")


def test_koppels_refunds_from_bc_are_booked_against_the_credit_memo_each_was_for():
    """Credit memo A (10.00) refunded from tr_1; credit memo B (18.00) from tr_1 (2.00) and tr_2 (16.00): each
    payment's refund lines go to the credit memos Koppel refunded from it, never to the first open one."""
    world = World(refund_api=True)
    world.order_in_bc()
    world.invoiced()
    world.matched("tr_1", "14.00")
    world.matched("tr_2", "16.00")
    book_payments(world.booking)
    world.matched("tr_1", "14.00", refunded="12.00")
    world.matched("tr_2", "16.00", refunded="16.00")
    first, second = world.credited("10.00"), world.credited("18.00")
    world.refunded_from_bc(first, ("tr_1", "10.00"))
    world.refunded_from_bc(second, ("tr_1", "2.00"), ("tr_2", "16.00"))

    for _ in range(3):
        book_payments(world.booking)

    lines = sorted((line.applies_to_credit_memo_id, line.amount) for line in world.journal.refunds)
    assert lines == [(first.id, Decimal("10.00")), (second.id, Decimal("2.00")), (second.id, Decimal("16.00"))]


def test_a_credit_memo_naming_only_its_invoice_is_found_through_the_invoice():
    world = World(refund_api=True)
    _booked_then(world, refunded="30.00")
    memo = world.credited(external=False)

    book_payments(world.booking)

    [refund] = world.journal.refunds
    assert refund.applies_to_credit_memo_id == memo.id
    [order] = [record for record, _etag in world.orders.rows.values()]
    assert [each.number for each in order.credit_memos] == ["S-CR1001"]


def test_each_further_refund_gets_a_line_of_its_own():
    world = World(refund_api=True)
    _booked_then(world, refunded="10.00")
    world.credited()
    book_payments(world.booking)

    world.matched("tr_1", "30.00", refunded="25.00")
    book_payments(world.booking)

    assert [(line.external_document_number, line.amount) for line in world.journal.refunds] == [
        ("R1-TR_1", Decimal("10.00")),
        ("R2-TR_1", Decimal("15.00")),
    ]
    record = world.record("tr_1")
    assert record.booking is not None
    assert [each.refunded_in_all for each in record.booking.refunds] == [Decimal("10.00"), Decimal("25.00")]


def test_a_refund_line_left_in_the_journal_by_an_earlier_run_is_posted_when_the_post_goes_line_by_line():
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")
    world.credited("12.50")
    refused = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1002")
    world.paid_and_invoiced("tr_2", refused)
    world.journal.fail_post = RetryableError("BC answered 503")
    book_payments(world.booking)
    world.journal.fail_post = None
    world.journal.refuse = {"TR_2"}

    run = book_payments(world.booking)

    assert (run.pushed, run.failed) == (1, 1)
    assert [(line.external_document_number, line.amount) for line in world.journal.refunds] == [
        ("R1-TR_1", Decimal("12.50"))
    ]
    record = world.record("tr_1")
    assert record.booking is not None
    assert [each.state for each in record.booking.refunds] == [BookingState.BOOKED]
    assert record.booked_in_bc == Decimal("17.50")


def test_a_refund_line_left_in_the_journal_by_a_crash_is_found_not_made_twice():
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")
    memo = world.credited("12.50")
    world.refunds.add(
        RefundLine(
            customer_number="C00010",
            external_document_number="R1-TR_1",
            amount=Decimal("12.50"),
            applies_to_credit_memo_id=memo.id,
        )
    )

    run = book_payments(world.booking)

    assert run.pushed == 1
    assert [line.external_document_number for line in world.journal.refunds] == ["R1-TR_1"]


def test_a_refund_line_posted_before_a_crash_recorded_it_is_taken_as_booked():
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")
    world.credited("12.50")

    world.journal.lose_post_answer = RetryableError("the worker stopped")
    crashed = book_payments(world.booking)
    world.journal.lose_post_answer = None
    pending = world.record("tr_1")
    resumed = book_payments(world.booking)

    assert (crashed.completed, crashed.pushed) == (False, 0)
    assert pending.refund_in_journal is not None
    assert pending.to_book
    assert (resumed.pushed, len(world.journal.refunds), world.journal.posts) == (1, 1, 2)
    record = world.record("tr_1")
    assert record.booking is not None
    assert [each.state for each in record.booking.refunds] == [BookingState.BOOKED]
    assert not record.to_book


def test_without_the_refund_api_a_refund_is_parked_naming_the_credit_memo():
    world = World()
    _booked_then(world, refunded="12.50")
    world.credited("12.50")

    run = book_payments(world.booking)

    assert (run.failed, world.journal.refunds) == (1, [])
    assert world.record("tr_1").booking_problem == (
        "EUR 12.50 refunded or charged back after booking: book it against credit memo S-CR1001"
    )


def test_a_chargeback_after_booking_is_booked_against_the_credit_memo():
    world = World(refund_api=True)
    _booked_then(world, charged_back="30.00")
    world.credited()

    run = book_payments(world.booking)

    assert run.pushed == 1
    [refund] = world.journal.refunds
    assert refund.amount == Decimal("30.00")
    assert world.record("tr_1").booked_in_bc == 0


def test_a_refund_waits_for_bcs_credit_memo_then_goes_to_a_person():
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")

    waiting = book_payments(world.booking)
    world.clock.moment += timedelta(days=13)
    still = book_payments(world.booking)
    world.clock.moment += timedelta(days=1)
    parked = book_payments(world.booking)

    assert (waiting.read, waiting.failed, still.read, still.failed) == (1, 0, 1, 0)
    assert parked.failed == 1
    assert world.record("tr_1").booking_problem == (
        "EUR 12.50 refunded or charged back after booking, and BC has no credit memo for it after 14 days: "
        "credit the invoice in BC (or book it by hand)"
    )


def test_an_unposted_credit_memo_is_waited_for_until_bc_posts_it():
    """salesCreditMemos lists unposted credit memos (enum "Sales Cr. Memo Entity Buffer Status": Draft, In Review,
    Open, Canceled, Corrective, Paid in microsoft/BCApps src/Layers/W1/BaseApp/Integration/Entity/)."""
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")
    draft = world.credited("12.50").model_copy(update={"status": "Draft"})
    world.credit_memos.posted[0] = draft

    waiting = book_payments(world.booking)
    world.credit_memos.posted[0] = draft.model_copy(
        update={"status": "Open", "last_modified": world.clock.now() + timedelta(seconds=1)}
    )
    booked = book_payments(world.booking)

    assert (waiting.pushed, waiting.failed, world.record("tr_1").booking_problem) == (0, 0, "")
    assert (booked.pushed, booked.failed) == (1, 0)
    [refund] = world.journal.refunds
    assert refund.applies_to_credit_memo_id == draft.id


def test_a_refund_against_a_credit_memo_in_another_currency_is_left_to_a_person():
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")
    world.credit_memos.posted.append(world.credited("12.50").model_copy(update={"currency_code": "USD"}))
    world.credit_memos.posted.pop(0)

    book_payments(world.booking)

    assert world.journal.refunds_open == {}
    assert world.record("tr_1").booking_problem.startswith("credit memo S-CR1001 is in USD, not in the local currency")


def test_a_credit_memo_paid_back_already_is_not_paid_twice():
    world = World(refund_api=True)
    _booked_then(world, refunded="12.50")
    world.credited("12.50")
    world.credit_memos.posted[0] = world.credit_memos.posted[0].model_copy(
        update={"status": "Paid", "last_modified": world.clock.now() + timedelta(seconds=1)}
    )

    book_payments(world.booking)

    assert world.journal.refunds == []
    assert world.record("tr_1").booking_problem.startswith("the order's credit memos (S-CR1001) are paid back")


def test_a_record_changed_while_its_line_was_made_takes_the_line_out_and_is_booked_once_later():
    """The payment worker writes the record (a webhook for the same payment) while the run makes its line: the
    run's write fails on the ETag, so the line leaves the journal instead of being posted unrecorded."""
    world = World()
    world.paid_and_invoiced()

    def add_while_the_worker_writes(line: PaymentLine) -> PaymentLine:
        made = Journal.add(world.journal, line)
        world.matched("tr_1", "30.00")
        return made

    world.journal.add = add_while_the_worker_writes  # type: ignore[method-assign]
    raced = book_payments(world.booking)
    del world.journal.add
    next_run = book_payments(world.booking)

    assert (raced.pushed, world.journal.open) == (0, {})
    assert next_run.pushed == 1
    assert [line.external_document_number for line in world.journal.entries] == ["TR_1"]


def test_bc_going_away_while_lines_are_posted_one_by_one_books_each_payment_once():
    world = World()
    for number in ("1001", "1002"):
        key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=number)
        world.paid_and_invoiced(f"tr_{number}", key)
    world.journal.refuse = {"TR_1002"}
    posts = []

    def unavailable_after_the_first_refusal() -> None:
        posts.append(1)
        if len(posts) > 1:
            raise RetryableError("BC answered 503")
        Journal.post(world.journal)

    world.journal.post = unavailable_after_the_first_refusal  # type: ignore[method-assign]
    stopped = book_payments(world.booking)
    del world.journal.post
    world.journal.refuse = set()
    resumed = book_payments(world.booking)

    assert stopped.completed is False
    assert resumed.completed is True
    assert sorted(line.external_document_number for line in world.journal.entries) == ["TR_1001", "TR_1002"]
    assert world.journal.open == {}


def test_two_shops_payments_for_orders_numbered_alike_are_two_lines():
    world = World()
    for shop in ("shop-a", "shop-b"):
        key = WebOrderKey(source="woocommerce", shop=shop, order_id="1001")
        world.order_in_bc(key)
        world.invoiced(key)
        payment = Payment(
            provider="woocommerce",
            account=shop,
            payment_id="order_1001",
            status=PaymentStatus.PAID,
            amount=Money(amount=Decimal("30.00"), currency="EUR"),
            reference="1001",
            created_at=datetime(2026, 11, 29, 9, tzinfo=UTC),
        )
        now = world.clock.now()
        record = PaymentRecord(
            payment=payment, status=MatchStatus.MATCHED, order_key=key, first_seen_at=now, updated_at=now
        )
        store_payment(world.payments, record)

    run = book_payments(world.booking)

    assert run.pushed == 2
    assert sorted(line.external_document_number for line in world.journal.entries) == [
        "SHOP-A-ORDER_1001",
        "SHOP-B-ORDER_1001",
    ]


def test_a_line_in_the_journal_is_seen_through_though_the_payment_now_needs_a_person():
    world = World()
    world.paid_and_invoiced()

    world.journal.fail_post = RetryableError("the worker stopped")
    book_payments(world.booking)
    world.journal.fail_post = None
    staged = world.record("tr_1")
    store_payment(world.payments, staged.model_copy(update={"status": MatchStatus.NEEDS_ATTENTION}))

    run = book_payments(world.booking)

    assert run.pushed == 1
    assert [line.external_document_number for line in world.journal.entries] == ["TR_1"]
    booking = world.record("tr_1").booking
    assert booking is not None
    assert booking.state is BookingState.BOOKED


def test_payments_still_waiting_for_an_invoice_never_keep_others_from_their_turn():
    world = World()
    world.booking = replace(world.booking, batch=2)
    for number in range(1001, 1011):
        key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=str(number))
        world.order_in_bc(key)
        world.matched(f"tr_{number}", "30.00", key)
    late = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1010")
    world.invoiced(late)

    first = book_payments(world.booking)

    assert (first.read, first.pushed) == (10, 1)
    assert [line.external_document_number for line in world.journal.entries] == ["TR_1010"]


def test_payments_adding_up_to_more_than_the_order_are_left_to_a_person():
    """Two payments read at the same moment both matched a 30.00 order: neither is booked."""
    world = World()
    world.paid_and_invoiced("tr_1")
    record, etag = world.orders.rows[str(ORDER)]
    world.orders.rows[str(ORDER)] = (record.model_copy(update={"web_total": Decimal("30.00")}), etag)
    world.matched("tr_2", "30.00")

    run = book_payments(world.booking)

    assert (run.pushed, run.failed, world.journal.entries) == (0, 2, [])
    assert world.record("tr_2").booking_problem == "the order's payments bring in EUR 60.00, more than its total 30.00"
