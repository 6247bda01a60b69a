"""Booking payments in BC, over HTTP against the BC simulator with the records in Azurite: a matched payment waits
for its order's invoice, then becomes one customer payment applied to it; responses lost on the way never book a
payment twice."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.booking.book_payments import PaymentBooking, book_payments
from domain.invoices.track_invoices import InvoiceTracking
from domain.models import BcSalesOrder, OrderStatus, WebOrderKey
from domain.payments.booking import BookingState
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.payments.record import MatchStatus, PaymentRecord
from domain.records import OrderRecord
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.credit_memos import BusinessCentralCreditMemos
from integrations.businesscentral.invoices import BusinessCentralInvoices
from integrations.businesscentral.payment_journal import BusinessCentralPaymentJournal
from integrations.businesscentral.refund_journal import BusinessCentralRefundJournal
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.settings import BC_DEFAULT_SCOPE
from integrations.storage.account import StorageAccount
from integrations.storage.order_store import TableOrderStore
from integrations.storage.payment_store import TablePaymentStore
from integrations.storage.sync_runs import TableSyncRuns
from integrations.storage.sync_state import TableSyncState
from localdev.azurite import Azurite
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.payments import KOPPEL_JOURNAL_ID
from localdev.simulators.businesscentral.seed import BRANCHES, BRANCHES_BILLED_TO, SHIPPING_ACCOUNT_NUMBER
from tests.payment_support import store_payment, stored_payment


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class World:
    sim: BusinessCentralSimulator
    client: BusinessCentralClient
    orders: TableOrderStore
    payments: TablePaymentStore
    booking: PaymentBooking
    shop: str

    def customer(self) -> dict[str, Any]:
        return self.client.post("customers", {"displayName": f"Klant {uuid.uuid4().hex[:6]}"})

    def customer_named(self, name: str) -> dict[str, Any]:
        [found] = self.client.get("customers", {"$filter": f"displayName eq '{name}'"})["value"]
        return found

    def order(self, customer: dict[str, Any], number: int, price: str) -> tuple[WebOrderKey, dict[str, Any]]:
        """A web order as the order worker leaves it: a sales order in BC and its record naming it."""
        key = WebOrderKey(source="woocommerce", shop=self.shop, order_id=str(number))
        line = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1}
        body = {
            "customerId": customer["id"],
            "externalDocumentNumber": f"{self.shop}-{number}".upper(),
            "salesOrderLines": [{**line, "unitPrice": float(price)}],
        }
        order = self.client.post("salesOrders", body)
        document = BcSalesOrder(
            id=order["id"],
            number=order["number"],
            status=order["status"],
            customer_number=order["customerNumber"],
            external_document_number=order["externalDocumentNumber"],
            total_excluding_tax=Decimal(str(order["totalAmountExcludingTax"])),
            total_tax=Decimal(str(order["totalTaxAmount"])),
            total_including_tax=Decimal(str(order["totalAmountIncludingTax"])),
        )
        self.orders.create(OrderRecord(key=key, status=OrderStatus.IN_BC, bc=document))
        return key, order

    def paid(
        self, key: WebOrderKey, payment_id: str, amount: Decimal, refunded: Decimal = Decimal(0), currency: str = "EUR"
    ) -> None:
        previous = stored_payment(self.payments, "mollie", "main", payment_id)
        payment = Payment(
            provider="mollie",
            account="main",
            payment_id=payment_id,
            status=PaymentStatus.PAID,
            amount=Money(amount=amount, currency=currency),
            refunded=refunded,
            reference=key.order_id,
            created_at=datetime.now(UTC),
        )
        now = datetime.now(UTC)
        record = PaymentRecord(
            payment=payment,
            status=MatchStatus.MATCHED,
            order_key=key,
            booking=previous.booking if previous else None,
            first_seen_at=now,
            updated_at=now,
        )
        store_payment(self.payments, record)

    def invoice(self, order: dict[str, Any]) -> dict[str, Any]:
        self.client.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", {})
        rows = self.client.get("salesInvoices", {"$filter": f"orderNumber eq '{order['number']}'"})["value"]
        invoice: dict[str, Any] = rows[0]
        return invoice

    def refreshed(self, invoice: dict[str, Any]) -> dict[str, Any]:
        return self.client.get(f"salesInvoices({invoice['id']})")

    def balance(self, customer: dict[str, Any]) -> Decimal:
        return Decimal(str(self.client.get(f"customers({customer['id']})")["balanceDue"]))

    def booking_of(self, payment_id: str) -> PaymentRecord:
        found = stored_payment(self.payments, "mollie", "main", payment_id)
        assert found is not None
        return found

    def faults(self, body: dict[str, Any]) -> None:
        httpx.post(f"{self.sim.url}/_sim/faults", json=body, timeout=10).raise_for_status()


@pytest.fixture
def world(azurite: Azurite) -> Iterator[World]:
    """A BC simulator of its own (its journal and ledger hold only this test's payments); a fresh shop name keeps
    this test's records apart in the shared Azurite."""
    with BusinessCentralSimulator(client_id="booking-test") as sim:
        http = httpx.Client(timeout=30)
        token = ClientCredentialsToken(http, sim.token_url, sim.client_id, sim.client_secret, BC_DEFAULT_SCOPE)
        company = f"{sim.api_base}/companies({sim.company_id})"
        client = BusinessCentralClient(http, company, token, RequestThrottle(5, 6000), max_attempts=8)
        account = StorageAccount(azurite.connection_string)
        orders, payments, state = TableOrderStore(account), TablePaymentStore(account), TableSyncState(account)
        shop = f"book-{uuid.uuid4().hex[:8]}"
        tracking = InvoiceTracking(
            invoices=BusinessCentralInvoices(client),
            orders=orders,
            state=state,
            clock=SystemClock(),
            credit_memos=BusinessCentralCreditMemos(client),
        )
        journal = BusinessCentralPaymentJournal(client, "KOPPEL")
        refund_api = f"{sim.url}/v2.0/{sim.config.tenant}/{sim.config.environment}/api/koppel/payments/v1.0"
        booking = PaymentBooking(
            tracking=tracking,
            journal=journal,
            refunds=BusinessCentralRefundJournal(client, f"{refund_api}/companies({sim.company_id})", journal),
            payments=payments,
            orders=orders,
            runs=TableSyncRuns(account),
            clock=SystemClock(),
            local_currency="EUR",
            batch=500,
            credit_memo_wait=timedelta(days=14),
            name=f"payments-bc-{shop}",
        )
        yield World(sim=sim, client=client, orders=orders, payments=payments, booking=booking, shop=shop)
        http.close()


def test_a_payment_waits_for_the_invoice_then_pays_it_in_bc_once(world: World):
    customer = world.customer()
    key, order = world.order(customer, 1001, "42.00")
    total = Decimal(str(order["totalAmountIncludingTax"]))
    world.paid(key, "tr_book1", total)

    before = book_payments(world.booking)
    invoice = world.invoice(order)
    booked = book_payments(world.booking)
    again = book_payments(world.booking)

    assert (before.read, before.pushed, before.completed) == (1, 0, True)
    assert (booked.pushed, booked.failed, booked.completed) == (1, 0, True)
    paid = world.refreshed(invoice)
    assert (paid["remainingAmount"], paid["status"]) == (0, "Paid")
    assert world.balance(customer) == 0
    booking = world.booking_of("tr_book1").booking
    assert booking is not None
    assert (booking.state, booking.invoice_number, booking.amount) == (BookingState.BOOKED, invoice["number"], total)
    assert booking.external_document_number == "TR_BOOK1"
    record = world.orders.get(key)
    assert record is not None
    assert [each.number for each in record[0].invoices] == [invoice["number"]]
    assert (again.read, again.pushed) == (0, 0)


def test_two_partial_payments_pay_one_invoice_together(world: World):
    customer = world.customer()
    key, order = world.order(customer, 1002, "100.00")
    total = Decimal(str(order["totalAmountIncludingTax"]))
    world.paid(key, "tr_part1", Decimal("21.00"))
    world.paid(key, "tr_part2", total - Decimal("21.00"))
    invoice = world.invoice(order)

    run = book_payments(world.booking)

    assert run.pushed == 2
    assert world.refreshed(invoice)["status"] == "Paid"
    assert world.balance(customer) == 0


def test_a_post_bc_refuses_as_a_whole_is_posted_line_by_line_and_parks_only_what_cannot_be_booked(world: World):
    """BC's customerPayments keeps whatever customer a line is given (it fills the customer from the invoice only
    when blank: microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2CustomerPayments.Page.al); posting refuses a
    line whose invoice is not an open entry of that customer (src/Layers/W1/BaseApp/Finance/GeneralLedger/Posting/
    GenJnlPostLine.Codeunit.al PrepareTempCustLedgEntry) and the whole journal with it (GenJnlPostBatch.Codeunit.al).
    Right before Koppel posts, a person puts another customer on one line and credits another line's invoice in
    full: the post fails as a whole and Koppel goes line by line. The changed line has a new ETag, so taking it out
    stops the run (BC refuses a DELETE on the old one); the next run finds the lines again, is refused again, and
    posts line by line: the line made again from the invoice is booked on its bill-to customer, the payment whose
    invoice is closed goes to a person, the rest is booked once."""
    customers = [world.customer() for _ in range(3)]
    stranger = world.customer()
    invoices = []
    for number, customer in enumerate(customers):
        key, order = world.order(customer, 3000 + number, "50.00")
        world.paid(key, f"tr_whole{number}", Decimal(str(order["totalAmountIncludingTax"])))
        invoices.append(world.invoice(order))
    journal = world.booking.journal
    post, posts = journal.post, 0
    lines = f"customerPaymentJournals({KOPPEL_JOURNAL_ID})/customerPayments"

    def a_person_first() -> None:
        nonlocal posts
        if not posts:
            [line] = world.client.get(lines, {"$filter": "externalDocumentNumber eq 'TR_WHOLE1'"})["value"]
            world.client.patch(f"{lines}({line['id']})", {"customerNumber": stranger["number"]}, line["@odata.etag"])
            credit = f"{world.sim.url}/_sim/salesInvoices/{invoices[2]['id']}/creditMemo"
            httpx.post(credit, json={}, timeout=10).raise_for_status()
        posts += 1
        post()

    journal.post = a_person_first  # type: ignore[method-assign]
    stopped = book_payments(world.booking)
    run = book_payments(world.booking)

    assert (stopped.pushed, stopped.failed, stopped.completed) == (0, 0, False)
    assert stopped.problems[0].startswith("BC refused to post the journal (There is no Cust. Ledger Entry within the")
    assert (run.pushed, run.failed, run.completed) == (2, 1, True)
    assert run.problems[0].startswith("BC refused to post the journal (There is no Cust. Ledger Entry within the")
    assert [world.refreshed(invoice)["status"] for invoice in invoices] == ["Paid", "Paid", "Paid"]
    assert [world.balance(customer) for customer in customers] == [0, 0, 0]
    assert world.balance(stranger) == 0
    assert world.client.get(lines)["value"] == []
    assert world.booking_of("tr_whole2").booking_problem.endswith("paid in BC already: was the payment booked by hand?")
    assert [world.booking_of(f"tr_whole{number}").booking is not None for number in range(3)] == [True, True, False]


def test_lost_answers_and_unavailable_bc_never_book_a_payment_twice(world: World):
    customers = [world.customer() for _ in range(3)]
    invoices = []
    for number in range(20):
        customer = customers[number % 3]
        key, order = world.order(customer, 2000 + number, f"{10 + number}.50")
        world.paid(key, f"tr_lost{number}", Decimal(str(order["totalAmountIncludingTax"])))
        invoices.append(world.invoice(order))
    world.faults({"rate_lost_response": 0.25, "rate_503": 0.1})

    runs = []
    for _ in range(40):
        runs.append(book_payments(world.booking))
        if runs[-1].completed and runs[-1].read == 0:
            break
    world.faults({"rate_lost_response": 0, "rate_503": 0})
    injected = httpx.get(f"{world.sim.url}/_sim/stats", timeout=10).json()["faults"]

    assert runs[-1].read == 0, [run.problems for run in runs]
    assert injected.get("lost_response", 0) > 0, "no answer was lost: the test proves nothing"
    assert sum(run.failed for run in runs) == 0
    assert [world.refreshed(invoice)["remainingAmount"] for invoice in invoices] == [0] * 20
    assert [world.balance(customer) for customer in customers] == [0, 0, 0]


def test_a_refund_after_booking_pays_back_the_credit_memo_in_bc(world: World):
    """Booked, credited in BC with a credit memo, refunded at the provider: the next run books a refund line against
    the credit memo through Koppel's API page; the credit memo is paid back and the customer owes nothing."""
    customer = world.customer()
    key, order = world.order(customer, 1101, "42.00")
    total = Decimal(str(order["totalAmountIncludingTax"]))
    world.paid(key, "tr_refund1", total)
    invoice = world.invoice(order)
    book_payments(world.booking)
    memo = httpx.post(f"{world.sim.url}/_sim/salesInvoices/{invoice['id']}/creditMemo", json={}, timeout=10).json()
    assert world.balance(customer) == -total

    world.paid(key, "tr_refund1", total, refunded=total)
    run = book_payments(world.booking)
    again = book_payments(world.booking)

    assert (run.completed, run.pushed, run.failed) == (True, 1, 0)
    assert (again.read, again.pushed) == (0, 0)
    credit_memo = world.client.get(f"salesCreditMemos({memo['id']})")
    assert credit_memo["status"] == "Paid"
    assert world.balance(customer) == 0
    record = world.booking_of("tr_refund1")
    assert record.booking is not None
    [refund] = record.booking.refunds
    assert (refund.state, refund.credit_memo_number, refund.amount) == (BookingState.BOOKED, memo["number"], total)
    found = world.orders.get(key)
    assert found is not None
    assert [each.number for each in found[0].credit_memos] == [memo["number"]]


def test_an_order_billed_to_another_customer_is_paid_and_refunded_on_that_customer(world: World):
    """BC books an invoice on its bill-to customer (Customer "Bill-to Customer No." on the card; salesInvoices and
    salesCreditMemos serve it as billToCustomerNumber: microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/
    APIV2SalesInvoices.Page.al, APIV2SalesCreditMemos.Page.al); a payment or refund line naming the sell-to customer
    finds no open entry of that customer to apply to. The branch's order is paid and refunded on its head office."""
    branch, head_office = world.customer_named(BRANCHES[0][0]), world.customer_named(BRANCHES_BILLED_TO)
    before = world.balance(head_office)
    key, order = world.order(branch, 1201, "42.00")
    total = Decimal(str(order["totalAmountIncludingTax"]))
    world.paid(key, "tr_branch1", total)
    invoice = world.invoice(order)
    assert (invoice["customerNumber"], invoice["billToCustomerNumber"]) == (branch["number"], head_office["number"])

    booked = book_payments(world.booking)

    assert (booked.pushed, booked.failed) == (1, 0), world.booking_of("tr_branch1").booking_problem
    assert world.refreshed(invoice)["status"] == "Paid"
    assert (world.balance(branch), world.balance(head_office)) == (Decimal(0), before)

    httpx.post(f"{world.sim.url}/_sim/salesInvoices/{invoice['id']}/creditMemo", json={}, timeout=10).raise_for_status()
    world.paid(key, "tr_branch1", total, refunded=total)
    refunded = book_payments(world.booking)

    assert (refunded.pushed, refunded.failed) == (1, 0), world.booking_of("tr_branch1").booking_problem
    assert (world.balance(branch), world.balance(head_office)) == (Decimal(0), before)


@pytest.mark.parametrize("status", ["Draft", "In Review"])
def test_an_unposted_invoice_is_filed_and_paid_only_once_posted(world: World, status: str):
    """salesInvoices lists unposted invoices (Draft; In Review served as `In_x0020_Review`) with their full amount as
    remainingAmount (microsoft/BCApps src/Layers/W1/BaseApp/Integration/Entity/SalesInvoiceAggregator.Codeunit.al);
    customerPayments refuses one as appliesToInvoiceId (APIV2CustomerPayments.Page.al). Koppel files it and waits."""
    customer = world.customer()
    key, order = world.order(customer, 1301, "42.00")
    total = Decimal(str(order["totalAmountIncludingTax"]))
    world.paid(key, "tr_draft1", total)
    made = httpx.post(f"{world.sim.url}/_sim/salesOrders/{order['id']}/draftInvoice", json={"status": status})
    draft = made.json()

    waiting = book_payments(world.booking)

    assert (waiting.pushed, waiting.failed, waiting.completed) == (0, 0, True), waiting.problems
    assert world.booking_of("tr_draft1").booking_problem == ""
    found = world.orders.get(key)
    assert found is not None
    assert [(each.number, each.status) for each in found[0].invoices] == [(draft["number"], status)]
    if status != "Draft":
        return
    httpx.post(f"{world.sim.url}/_sim/salesInvoices/{draft['id']}/post", timeout=10).raise_for_status()
    booked = book_payments(world.booking)
    assert (booked.pushed, booked.failed) == (1, 0)
    assert world.refreshed(draft)["status"] == "Paid"
    assert world.balance(customer) == 0


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_a_payment_for_an_invoice_in_a_foreign_currency_goes_to_a_person_never_to_the_journal(
    world: World, currency: str
):
    """customerPayments has no currency field (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/
    APIV2CustomerPayments.Page.al): a line for a USD invoice would be booked in the local currency. The invoice takes
    its currency from the (bill-to) customer, as BC's Sales Header does."""
    customer = world.client.post("customers", {"displayName": f"Klant {uuid.uuid4().hex[:6]}", "currencyCode": "USD"})
    key, order = world.order(customer, 1401, "42.00")
    world.paid(key, "tr_usd1", Decimal(str(order["totalAmountIncludingTax"])), currency=currency)
    invoice = world.invoice(order)
    assert invoice["currencyCode"] == "USD"

    run = book_payments(world.booking)

    assert (run.pushed, run.failed) == (0, 1)
    assert world.booking_of("tr_usd1").booking_problem.startswith(
        f"invoice {invoice['number']} is in USD, not in the local currency EUR"
    )
    assert world.client.get(f"customerPaymentJournals({KOPPEL_JOURNAL_ID})/customerPayments")["value"] == []
    assert world.refreshed(invoice)["remainingAmount"] == invoice["totalAmountIncludingTax"]
