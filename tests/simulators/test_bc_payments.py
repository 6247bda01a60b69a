"""Invoicing, customer payments, journal posting, credit memos and webhook subscriptions of the BC simulator."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.payments import KOPPEL_JOURNAL_ID
from localdev.simulators.businesscentral.seed import BRANCHES, BRANCHES_BILLED_TO, SHIPPING_ACCOUNT_NUMBER
from tests.simulators.conftest import BC, CLIENT_ID, SECRET

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
PAYMENTS = f"customerPaymentJournals({KOPPEL_JOURNAL_ID})/customerPayments"
POST_JOURNAL = f"journals({KOPPEL_JOURNAL_ID})/Microsoft.NAV.post"


class Receiver:
    """A webhook receiver on 127.0.0.1: echoes validation tokens (unless `echo` is off), records notifications and
    answers them with the queued `statuses` (200 when none is queued)."""

    def __init__(self) -> None:
        self.handshakes: list[str] = []
        self.notifications: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.echo = True
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                token = parse_qs(urlsplit(self.path).query).get("validationToken")
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if token:
                    receiver.handshakes.append(token[0])
                    self._answer(200, token[0] if receiver.echo else "nope")
                    return
                receiver.notifications.append(json.loads(body))
                self._answer(receiver.statuses.pop(0) if receiver.statuses else 200, "")

            def _answer(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bc-hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Bounded polling: fail after `seconds` instead of hanging."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.fixture
def sim() -> Iterator[BC]:
    with BusinessCentralSimulator(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        notification_delay_s=0.05,
        notification_collection_threshold=3,
        notification_retry_delay_s=0.05,
    ) as simulator:
        client = BC(simulator)
        yield client
        client.http.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.close()


def new_customer(bc: BC, name: str) -> dict[str, Any]:
    response = bc.post("customers", {"displayName": name})
    assert response.status_code == 201, response.text
    customer: dict[str, Any] = response.json()
    return customer


def new_order(bc: BC, customer: dict[str, Any], external: str) -> dict[str, Any]:
    """Two shipping-account lines: 3 x 10.00 and 1 x 4.95 at 21 % VAT: 34.95 + 7.34 = 42.29."""
    line = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER}
    body = {
        "customerId": customer["id"],
        "externalDocumentNumber": external,
        "salesOrderLines": [{**line, "quantity": 3, "unitPrice": 10}, {**line, "quantity": 1, "unitPrice": 4.95}],
    }
    response = bc.post("salesOrders", body, {"$expand": "salesOrderLines"})
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


def invoice_order(bc: BC, order: dict[str, Any]) -> dict[str, Any]:
    response = bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", None)
    assert response.status_code == 204, response.text
    return bc.one("salesInvoices", f"orderNumber eq '{order['number']}'")


def balance(bc: BC, customer: dict[str, Any]) -> float:
    value: float = bc.get(f"customers({customer['id']})").json()["balanceDue"]
    return value


def pay(bc: BC, body: dict[str, Any]) -> dict[str, Any]:
    response = bc.post(PAYMENTS, body)
    assert response.status_code == 201, response.text
    line: dict[str, Any] = response.json()
    return line


# --- shipAndInvoice and salesInvoices ----------------------------------------------------------------------------


def test_ship_and_invoice_posts_an_invoice_and_deletes_the_fully_invoiced_order(sim):
    customer = new_customer(sim, "Factuur B.V.")
    order = new_order(sim, customer, "WEB-INV-1")
    before = sim.get("salesInvoices").json()["value"][-1:]
    since = before[0]["lastModifiedDateTime"] if before else "2000-01-01T00:00:00Z"

    invoice = invoice_order(sim, order)

    today = date.today()
    assert invoice["number"].startswith("S-INV")
    assert (invoice["externalDocumentNumber"], invoice["orderId"]) == ("WEB-INV-1", order["id"])
    assert (invoice["customerId"], invoice["customerNumber"]) == (customer["id"], customer["number"])
    assert (invoice["totalAmountExcludingTax"], invoice["totalTaxAmount"]) == (34.95, 7.34)
    assert invoice["totalAmountIncludingTax"] == invoice["remainingAmount"] == 42.29
    assert invoice["status"] == "Open"
    assert invoice["postingDate"] == invoice["invoiceDate"] == today.isoformat()
    assert invoice["dueDate"] == (today + timedelta(days=14)).isoformat()
    lines = sim.get(f"salesInvoices({invoice['id']})/salesInvoiceLines").json()["value"]
    assert [(x["sequence"], x["quantity"], x["netAmountIncludingTax"]) for x in lines] == [
        (10000, 3, 36.3),
        (20000, 1, 5.99),
    ]
    assert sim.get(f"salesOrders({order['id']})").status_code == 404
    assert balance(sim, customer) == 42.29
    changed = sim.get("salesInvoices", {"$filter": f"lastModifiedDateTime gt {since}"}).json()["value"]
    assert [x["number"] for x in changed] == [invoice["number"]]


def test_a_partial_shipment_is_invoiced_and_the_order_stays_until_the_rest_is_invoiced(sim):
    customer = new_customer(sim, "Deellevering B.V.")
    order = new_order(sim, customer, "WEB-INV-2")
    first, second = order["salesOrderLines"]
    path = f"salesOrders({order['id']})/salesOrderLines"
    assert sim.patch(f"{path}({first['id']})", {"shipQuantity": 1}, "*").status_code == 200
    assert sim.patch(f"{path}({second['id']})", {"shipQuantity": 0}, "*").status_code == 200

    partial = invoice_order(sim, order)

    assert partial["totalAmountIncludingTax"] == 12.1
    lines = sim.get(path).json()["value"]
    assert [(x["shippedQuantity"], x["invoicedQuantity"]) for x in lines] == [(1, 1), (0, 0)]
    assert [x["shipQuantity"] for x in lines] == [2, 0]
    assert sim.patch(f"{path}({second['id']})", {"shipQuantity": 1}, "*").status_code == 200
    rest = sim.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", None)
    assert rest.status_code == 204
    assert sim.get(f"salesOrders({order['id']})").status_code == 404
    invoices = sim.get("salesInvoices", {"$filter": "externalDocumentNumber eq 'WEB-INV-2'"}).json()["value"]
    assert [x["totalAmountIncludingTax"] for x in invoices] == [12.1, 30.19]
    assert balance(sim, customer) == 42.29


def test_ship_and_invoice_with_nothing_to_post_is_refused(sim):
    customer = new_customer(sim, "Leeg B.V.")
    order = sim.post("salesOrders", {"customerId": customer["id"]}).json()

    response = sim.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", None)

    assert response.status_code == 400
    assert response.json()["error"] == {"code": "Application_DialogException", "message": "There is nothing to post."}
    assert sim.get(f"salesOrders({order['id']})/Microsoft.NAV.release").status_code == 404


# --- customer payments and posting --------------------------------------------------------------------------------


def test_the_customer_payment_journal_takes_payment_lines_and_fills_them_in_as_bc_does(sim):
    customer = new_customer(sim, "Betaler B.V.")
    invoice = invoice_order(sim, new_order(sim, customer, "WEB-PAY-1"))
    journals = sim.get("customerPaymentJournals").json()["value"]
    assert [(j["id"], j["code"]) for j in journals] == [(KOPPEL_JOURNAL_ID, "KOPPEL")]

    line = pay(sim, {"appliesToInvoiceNumber": invoice["number"], "amount": -42.29, "externalDocumentNumber": "tr_1"})

    assert line["journalId"] == KOPPEL_JOURNAL_ID
    assert line["journalDisplayName"] == "KOPPEL"
    assert line["lineNumber"] == 10000
    assert (line["customerId"], line["customerNumber"]) == (customer["id"], customer["number"])
    assert (line["appliesToInvoiceId"], line["appliesToInvoiceNumber"]) == (invoice["id"], invoice["number"])
    assert line["description"] == "Betaler B.V."
    assert line["documentNumber"] == "G02001"
    assert line["externalDocumentNumber"] == "TR_1"
    assert line["postingDate"] == date.today().isoformat()
    found = sim.one(PAYMENTS, "externalDocumentNumber eq 'tr_1'")
    assert found["id"] == line["id"]
    changed = sim.patch(f"{PAYMENTS}({line['id']})", {"amount": -40, "comment": "deel"}, line["@odata.etag"])
    assert changed.status_code == 200
    assert (changed.json()["amount"], changed.json()["comment"]) == (-40, "deel")
    assert sim.delete(f"{PAYMENTS}({line['id']})", changed.json()["@odata.etag"]).status_code == 204
    assert sim.get(PAYMENTS).json()["value"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"customerId": "11111111-2222-3333-4444-555555555555"}, 'The "customerId" does not match to a Customer.'),
        ({"customerNumber": "NOPE"}, 'The "customerNumber" does not match to a Customer.'),
        (
            {"appliesToInvoiceId": "11111111-2222-3333-4444-555555555555"},
            'The "appliesToInvoiceId" should be the ID of an Open, Paid, Corrective, or Canceled Invoice.',
        ),
    ],
)
def test_payment_lines_with_unknown_references_are_refused(sim, body, message):
    response = sim.post(PAYMENTS, {**body, "amount": -1})

    assert response.status_code == 400
    assert response.json()["error"] == {"code": "Application_DialogException", "message": message}
    assert sim.get(PAYMENTS).json()["value"] == []


def test_a_payment_applied_to_an_invoice_of_another_customer_fails_the_whole_post(sim):
    """customerPayments keeps the customer it is given and fills it from the invoice only when blank, refusing
    nothing at insert (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/APIV2CustomerPayments.Page.al,
    appliesToInvoiceId OnValidate); posting finds the applied invoice among the open entries of the line's customer
    (src/Layers/W1/BaseApp/Finance/GeneralLedger/Posting/GenJnlPostLine.Codeunit.al PrepareTempCustLedgEntry) and
    Gen. Jnl.-Post Batch commits once for all lines (GenJnlPostBatch.Codeunit.al ProcessLines): nothing is posted."""
    owner, other = new_customer(sim, "Eigenaar B.V."), new_customer(sim, "Ander B.V.")
    invoice = invoice_order(sim, new_order(sim, owner, "WEB-PAY-2"))
    own = invoice_order(sim, new_order(sim, other, "WEB-PAY-3"))
    pay(sim, {"appliesToInvoiceId": own["id"], "amount": -42.29})

    line = pay(sim, {"customerId": other["id"], "appliesToInvoiceId": invoice["id"], "amount": -1})
    response = sim.post(POST_JOURNAL, None)

    assert (line["customerNumber"], line["appliesToInvoiceNumber"]) == (other["number"], invoice["number"])
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        f"There is no Cust. Ledger Entry within the filter. Filters: Document No.: {invoice['number']}, Document "
        f"Type: Invoice, Customer No.: {other['number']}, Open: Yes"
    )
    assert len(sim.get(PAYMENTS).json()["value"]) == 2
    assert (balance(sim, owner), balance(sim, other)) == (42.29, 42.29)
    assert sim.get(f"salesInvoices({own['id']})").json()["remainingAmount"] == 42.29
    mismatch = sim.post(PAYMENTS, {"appliesToInvoiceId": invoice["id"], "appliesToInvoiceNumber": "S-INV1"})
    assert mismatch.json()["error"]["message"] == "The Applies To Invoice values do not match to the same Invoice."


def test_posting_applies_payments_closes_the_invoice_and_empties_the_journal(sim):
    customer = new_customer(sim, "Sluiter B.V.")
    paid = invoice_order(sim, new_order(sim, customer, "WEB-POST-1"))
    partly = invoice_order(sim, new_order(sim, customer, "WEB-POST-2"))
    assert balance(sim, customer) == 84.58
    pay(sim, {"appliesToInvoiceId": paid["id"], "amount": -42.29, "externalDocumentNumber": "TR_A"})
    pay(sim, {"appliesToInvoiceId": partly["id"], "amount": -20, "externalDocumentNumber": "TR_B"})

    response = sim.post(POST_JOURNAL, None)

    assert response.status_code == 204
    closed = sim.get(f"salesInvoices({paid['id']})").json()
    assert (closed["status"], closed["remainingAmount"]) == ("Paid", 0)
    assert closed["@odata.etag"] != paid["@odata.etag"]
    open_ = sim.get(f"salesInvoices({partly['id']})").json()
    assert (open_["status"], open_["remainingAmount"]) == ("Open", 22.29)
    assert sim.get(PAYMENTS).json()["value"] == []
    assert balance(sim, customer) == 22.29
    again = sim.post(POST_JOURNAL, None)
    assert (again.status_code, again.json()["error"]["message"]) == (400, "There is nothing to post.")


def test_a_branch_s_order_is_billed_to_its_head_office_which_the_payment_must_name(sim):
    """Customer "Bill-to Customer No." makes a document's bill-to customer (microsoft/BCApps src/Layers/W1/BaseApp/
    Sales/Document/SalesHeader.Table.al); its ledger entry is the bill-to customer's, and customerPayments fills the
    bill-to customer from the invoice (APIV2CustomerPayments.Page.al)."""
    [branch] = sim.get("customers", {"$filter": f"displayName eq '{BRANCHES[0][0]}'"}).json()["value"]
    [office] = sim.get("customers", {"$filter": f"displayName eq '{BRANCHES_BILLED_TO}'"}).json()["value"]
    before = balance(sim, office)
    order = new_order(sim, branch, "WEB-BRANCH-1")
    invoice = invoice_order(sim, order)

    on_branch = pay(sim, {"customerId": branch["id"], "appliesToInvoiceId": invoice["id"], "amount": -1})
    refused = sim.post(POST_JOURNAL, None)
    assert sim.delete(f"{PAYMENTS}({on_branch['id']})", on_branch["@odata.etag"]).status_code == 204
    line = pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -42.29})

    assert (order["customerNumber"], order["billToCustomerNumber"]) == (branch["number"], office["number"])
    assert (invoice["billToCustomerId"], invoice["billToName"]) == (office["id"], office["displayName"])
    assert (balance(sim, branch), balance(sim, office)) == (0, before + 42.29)
    assert refused.status_code == 400
    assert line["customerNumber"] == office["number"]
    assert sim.post(POST_JOURNAL, None).status_code == 204
    assert balance(sim, office) == before


def test_a_line_applied_to_an_invoice_an_earlier_line_closes_fails_the_whole_post(sim):
    """Gen. Jnl.-Post Line applies only to an open entry (GenJnlPostLine.Codeunit.al PrepareTempCustLedgEntry,
    Open = true): the lines are posted in line order within one transaction (GenJnlPostBatch.Codeunit.al)."""
    customer = new_customer(sim, "Dubbel B.V.")
    invoice = invoice_order(sim, new_order(sim, customer, "WEB-POST-4"))
    pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -42.29})
    pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -1})

    response = sim.post(POST_JOURNAL, None)

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("There is no Cust. Ledger Entry within the filter.")
    assert len(sim.get(PAYMENTS).json()["value"]) == 2
    assert balance(sim, customer) == 42.29


def test_a_partial_payment_does_not_stamp_the_invoice_and_the_last_one_does(sim):
    """remainingAmount is a page variable (APIV2SalesInvoices.Page.al GetRemainingAmount); the invoice record is
    modified only when its status changes (microsoft/BCApps src/Layers/W1/BaseApp/Integration/Entity/
    SalesInvoiceAggregator.Codeunit.al, SetStatusOptionFromCustLedgerEntry -> UpdateStatusIfChanged)."""
    invoice = invoice_order(sim, new_order(sim, new_customer(sim, "Deler B.V."), "WEB-PART-1"))
    pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -20})
    assert sim.post(POST_JOURNAL, None).status_code == 204

    partly = sim.get(f"salesInvoices({invoice['id']})").json()
    pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -22.29})
    assert sim.post(POST_JOURNAL, None).status_code == 204
    paid = sim.get(f"salesInvoices({invoice['id']})").json()

    assert (partly["remainingAmount"], partly["status"]) == (22.29, "Open")
    assert (partly["@odata.etag"], partly["lastModifiedDateTime"]) == (
        invoice["@odata.etag"],
        invoice["lastModifiedDateTime"],
    )
    assert (paid["remainingAmount"], paid["status"]) == (0, "Paid")
    assert paid["@odata.etag"] != invoice["@odata.etag"]


@pytest.mark.parametrize(("status", "served"), [("Draft", "Draft"), ("In Review", "In_x0020_Review")])
def test_unposted_invoices_are_listed_and_take_no_payment_until_posted(sim, status, served):
    """salesInvoices lists unposted invoices (Draft, In Review) with their full amount as remainingAmount
    (SalesInvoiceAggregator.Codeunit.al, APIV2SalesInvoices.Page.al GetRemainingAmount); customerPayments finds only
    posted ones (APIV2CustomerPayments.Page.al: GetSalesInvoiceHeaderFromId, SalesInvoiceHeader.Get). Posting keeps
    the id ("Draft Invoice SystemId")."""
    order = new_order(sim, new_customer(sim, "Concept B.V."), "WEB-DRAFT-1")
    response = sim.http.post(f"{sim.sim.url}/_sim/salesOrders/{order['id']}/draftInvoice", json={"status": status})
    assert response.status_code == 201, response.text
    draft = sim.one("salesInvoices", "externalDocumentNumber eq 'WEB-DRAFT-1'")

    by_id = sim.post(PAYMENTS, {"appliesToInvoiceId": draft["id"], "amount": -42.29})
    by_number = pay(sim, {"appliesToInvoiceNumber": draft["number"], "amount": -42.29})

    assert (draft["status"], draft["remainingAmount"]) == (served, 42.29)
    assert by_id.status_code == 400
    assert by_id.json()["error"]["message"] == (
        'The "appliesToInvoiceId" should be the ID of an Open, Paid, Corrective, or Canceled Invoice.'
    )
    assert (by_number["appliesToInvoiceId"], by_number["customerId"]) == (ZERO_GUID, ZERO_GUID)
    assert sim.delete(f"{PAYMENTS}({by_number['id']})", "*").status_code == 204
    posting = sim.http.post(f"{sim.sim.url}/_sim/salesInvoices/{draft['id']}/post")
    if status != "Draft":
        assert posting.status_code == 400
        return
    assert posting.status_code == 200, posting.text
    posted = sim.get(f"salesInvoices({draft['id']})").json()
    assert (posted["status"], posted["remainingAmount"]) == ("Open", 42.29)
    assert posted["number"].startswith("S-INV")
    pay(sim, {"appliesToInvoiceId": draft["id"], "amount": -42.29})
    assert sim.post(POST_JOURNAL, None).status_code == 204
    assert sim.get(f"salesInvoices({draft['id']})").json()["status"] == "Paid"


def test_a_positive_payment_or_one_without_customer_is_not_posted_and_nothing_is(sim):
    customer = new_customer(sim, "Teken B.V.")
    invoice = invoice_order(sim, new_order(sim, customer, "WEB-POST-3"))
    pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -10})
    pay(sim, {"customerId": customer["id"], "amount": 10})

    response = sim.post(POST_JOURNAL, None)

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Amount must be negative in Gen. Journal Line")
    assert len(sim.get(PAYMENTS).json()["value"]) == 2
    assert sim.get(f"salesInvoices({invoice['id']})").json()["remainingAmount"] == 42.29
    assert balance(sim, customer) == 42.29


def test_journals_list_general_batches_and_find_the_payment_journal_by_id(sim):
    general = sim.get("journals").json()["value"]
    assert [(j["code"], j["templateDisplayName"]) for j in general] == [("STANDAARD", "ALGEMEEN")]
    koppel = sim.get(f"journals({KOPPEL_JOURNAL_ID})").json()
    assert (koppel["code"], koppel["templateDisplayName"]) == ("KOPPEL", "KASONTV")


# --- credit memos ------------------------------------------------------------------------------------------------


def test_a_credit_memo_applied_to_the_invoice_lowers_its_remaining_amount(sim):
    customer = new_customer(sim, "Retour B.V.")
    invoice = invoice_order(sim, new_order(sim, customer, "WEB-CM-1"))

    memo = sim.control("POST", f"salesInvoices/{invoice['id']}/creditMemo", {"amount": 12.1}).json()

    assert memo["number"].startswith("S-CR")
    assert (memo["invoiceId"], memo["invoiceNumber"], memo["status"]) == (invoice["id"], invoice["number"], "Paid")
    assert (memo["totalAmountExcludingTax"], memo["totalTaxAmount"], memo["totalAmountIncludingTax"]) == (
        10.0,
        2.1,
        12.1,
    )
    assert sim.get(f"salesInvoices({invoice['id']})").json()["remainingAmount"] == 30.19
    assert sim.one("salesCreditMemos", f"number eq '{memo['number']}'")["customerId"] == customer["id"]
    assert balance(sim, customer) == 30.19


def test_an_unapplied_credit_memo_stays_open_and_only_moves_the_balance(sim):
    customer = new_customer(sim, "Tegoed B.V.")
    invoice = invoice_order(sim, new_order(sim, customer, "WEB-CM-2"))

    memo = sim.control("POST", f"salesInvoices/{invoice['id']}/creditMemo", {"apply": False}).json()

    assert (memo["invoiceId"], memo["status"], memo["totalAmountIncludingTax"]) == (ZERO_GUID, "Open", 42.29)
    assert sim.get(f"salesInvoices({invoice['id']})").json()["remainingAmount"] == 42.29
    assert balance(sim, customer) == 0


# --- subscriptions and notifications ----------------------------------------------------------------------------


def subscribe(bc: BC, receiver: Receiver, set_name: str, state: str = "geheim") -> dict[str, Any]:
    resource = f"/api/v2.0/companies({bc.sim.company_id})/{set_name}"
    body = {"notificationUrl": receiver.url, "resource": resource, "clientState": state}
    response = bc.http.post(f"{bc.sim.api_base}/subscriptions", json=body, headers=bc.headers)
    assert response.status_code == 201, response.text
    subscription: dict[str, Any] = response.json()
    return subscription


def subscription_url(bc: BC, subscription: dict[str, Any]) -> str:
    return f"{bc.sim.api_base}/subscriptions('{subscription['subscriptionId']}')"


def test_a_subscription_needs_the_handshake_and_lives_three_days(sim, receiver):
    subscription = subscribe(sim, receiver, "salesInvoices")

    assert len(receiver.handshakes) == 1
    assert subscription["notificationUrl"] == receiver.url
    assert subscription["clientState"] == "geheim"
    expires = datetime.fromisoformat(subscription["expirationDateTime"])
    assert timedelta(days=2, hours=23) < expires - datetime.now(UTC) <= timedelta(days=3)
    listed = sim.http.get(f"{sim.sim.api_base}/subscriptions", headers=sim.headers).json()["value"]
    assert [s["subscriptionId"] for s in listed] == [subscription["subscriptionId"]]

    receiver.echo = False
    resource = f"/api/v2.0/companies({sim.sim.company_id})/salesOrders"
    refused = sim.http.post(
        f"{sim.sim.api_base}/subscriptions",
        json={"notificationUrl": receiver.url, "resource": resource},
        headers=sim.headers,
    )
    assert refused.status_code == 400
    assert "validationToken" in refused.json()["error"]["message"]
    assert len(sim.http.get(f"{sim.sim.api_base}/subscriptions", headers=sim.headers).json()["value"]) == 1


def test_changes_are_batched_per_notification_url(sim, receiver):
    customer = new_customer(sim, "Webhook B.V.")
    order = new_order(sim, customer, "WEB-HOOK-1")
    invoices = subscribe(sim, receiver, "salesInvoices")
    orders = subscribe(sim, receiver, "salesOrders", "anders")

    invoice = invoice_order(sim, order)

    wait_for(lambda: len(receiver.notifications) == 1)
    entries = sorted(receiver.notifications[0]["value"], key=lambda entry: entry["changeType"])
    company = f"api/v2.0/companies({sim.sim.company_id})"
    assert [(e["subscriptionId"], e["clientState"], e["changeType"], e["resource"]) for e in entries] == [
        (invoices["subscriptionId"], "geheim", "created", f"{company}/salesInvoices({invoice['id']})"),
        (orders["subscriptionId"], "anders", "deleted", f"{company}/salesOrders({order['id']})"),
    ]
    assert entries[0]["expirationDateTime"] == invoices["expirationDateTime"]
    assert entries[0]["lastModifiedDateTime"] == invoice["lastModifiedDateTime"]


def test_many_changes_at_once_give_one_collection_notification(sim, receiver):
    customer = new_customer(sim, "Veel B.V.")
    invoices = [invoice_order(sim, new_order(sim, customer, f"WEB-MANY-{n}")) for n in range(4)]
    for invoice in invoices:
        pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -42.29})
    subscription = subscribe(sim, receiver, "salesInvoices")

    assert sim.post(POST_JOURNAL, None).status_code == 204

    wait_for(lambda: len(receiver.notifications) == 1)
    (entry,) = receiver.notifications[0]["value"]
    assert (entry["subscriptionId"], entry["changeType"]) == (subscription["subscriptionId"], "collection")
    prefix = f"/api/v2.0/companies({sim.sim.company_id})/salesInvoices?$filter=lastModifiedDateTime%20gt%20"
    assert entry["resource"].startswith(prefix)
    since = entry["resource"].removeprefix(prefix)
    changed = sim.get("salesInvoices", {"$filter": f"lastModifiedDateTime gt {since}"}).json()["value"]
    assert sorted(x["number"] for x in changed) == sorted(x["number"] for x in invoices)
    assert {x["status"] for x in changed} == {"Paid"}


def test_an_expired_subscription_is_silent_until_renewed_with_a_handshake(sim, receiver):
    customer = new_customer(sim, "Verloop B.V.")
    subscription = subscribe(sim, receiver, "customers")
    expired = sim.control("POST", f"subscriptions/{subscription['subscriptionId']}/expire").json()
    assert datetime.fromisoformat(expired["expirationDateTime"]) <= datetime.now(UTC)
    sim.patch(f"customers({customer['id']})", {"city": "Utrecht"}, "*")
    time.sleep(0.3)
    assert receiver.notifications == []

    renewed = sim.http.patch(
        subscription_url(sim, subscription), json={"clientState": "nieuw"}, headers={**sim.headers, "If-Match": "*"}
    )

    assert renewed.status_code == 200, renewed.text
    assert len(receiver.handshakes) == 2
    assert renewed.json()["expirationDateTime"] > subscription["expirationDateTime"]
    sim.patch(f"customers({customer['id']})", {"city": "Zeist"}, "*")
    wait_for(lambda: len(receiver.notifications) == 1)
    (entry,) = receiver.notifications[0]["value"]
    assert (entry["clientState"], entry["changeType"]) == ("nieuw", "updated")
    assert entry["resource"].endswith(f"/customers({customer['id']})")


def test_a_5xx_is_retried_and_another_error_deletes_the_subscription(sim, receiver):
    customer = new_customer(sim, "Fout B.V.")
    subscription = subscribe(sim, receiver, "customers")
    receiver.statuses = [503]
    sim.patch(f"customers({customer['id']})", {"city": "Delft"}, "*")
    wait_for(lambda: len(receiver.notifications) == 2)
    sent = sim.control("GET", "notifications").json()["value"]
    assert [(x["attempt"], x["status"]) for x in sent] == [(1, 503), (2, 200)]

    receiver.statuses = [410]
    sim.patch(f"customers({customer['id']})", {"city": "Gouda"}, "*")
    wait_for(lambda: len(sim.control("GET", "notifications").json()["value"]) == 3)

    assert sim.control("GET", "notifications").json()["value"][-1]["status"] == 410
    assert sim.http.get(f"{sim.sim.api_base}/subscriptions", headers=sim.headers).json()["value"] == []
    assert sim.http.get(subscription_url(sim, subscription), headers=sim.headers).status_code == 404


def test_a_subscription_is_deleted_with_its_etag(sim, receiver):
    subscription = subscribe(sim, receiver, "salesCreditMemos")

    without = sim.http.delete(subscription_url(sim, subscription), headers=sim.headers)
    deleted = sim.http.delete(
        subscription_url(sim, subscription), headers={**sim.headers, "If-Match": subscription["@odata.etag"]}
    )

    assert (without.status_code, deleted.status_code) == (400, 204)
    assert sim.http.get(f"{sim.sim.api_base}/subscriptions", headers=sim.headers).json()["value"] == []


def test_faults_apply_to_the_payment_endpoints(sim):
    sim.control("POST", "faults", {"next": [{"fault": "429", "path_contains": "customerPayments"}]})

    limited = sim.get(PAYMENTS)
    after = sim.get(PAYMENTS)

    assert (limited.status_code, after.status_code) == (429, 200)
    assert sim.control("GET", "stats").json()["by_entity"]["customerPayments"] == 2


# --- Koppel's own refund API page --------------------------------------------------------------------------------


def refunds_url(bc: BC) -> str:
    base = bc.sim.api_base.replace("/api/v2.0", "/api/koppel/payments/v1.0")
    return f"{base}/companies({bc.sim.company_id})/customerRefunds"


def test_a_refund_line_posted_with_the_journal_pays_back_the_credit_memo(sim):
    customer = new_customer(sim, "Terugbetaald B.V.")
    invoice = invoice_order(sim, new_order(sim, customer, "WEB-RF-1"))
    pay(sim, {"appliesToInvoiceId": invoice["id"], "amount": -42.29, "externalDocumentNumber": "TR_RF"})
    assert sim.post(POST_JOURNAL, None).status_code == 204
    memo = sim.control("POST", f"salesInvoices/{invoice['id']}/creditMemo", {}).json()
    assert (memo["status"], balance(sim, customer)) == ("Open", -42.29)
    body = {
        "journalId": KOPPEL_JOURNAL_ID,
        "externalDocumentNumber": "r1-tr_rf",
        "amount": 42.29,
        "appliesToCreditMemoId": memo["id"],
        "description": "mollie tr_rf refund",
    }

    created = sim.http.post(refunds_url(sim), json=body, headers=sim.headers)
    found = sim.http.get(
        refunds_url(sim),
        params={"$filter": f"journalId eq {KOPPEL_JOURNAL_ID} and externalDocumentNumber eq 'R1-TR_RF'"},
        headers=sim.headers,
    ).json()["value"]
    posted = sim.post(POST_JOURNAL, None)

    assert created.status_code == 201, created.text
    line = created.json()
    assert (line["customerNumber"], line["appliesToCreditMemoNumber"], line["externalDocumentNumber"]) == (
        customer["number"],
        memo["number"],
        "R1-TR_RF",
    )
    assert [each["id"] for each in found] == [line["id"]]
    assert sim.get(PAYMENTS).json()["value"] == []
    assert posted.status_code == 204
    after = sim.get(f"salesCreditMemos({memo['id']})").json()
    assert after["status"] == "Paid"
    assert after["@odata.etag"] != memo["@odata.etag"]
    assert balance(sim, customer) == 0
    assert sim.http.get(refunds_url(sim), headers=sim.headers).json()["value"] == []


def test_a_negative_refund_is_not_posted_and_a_refund_line_can_be_deleted(sim):
    customer = new_customer(sim, "Min B.V.")
    invoice = invoice_order(sim, new_order(sim, customer, "WEB-RF-2"))
    memo = sim.control("POST", f"salesInvoices/{invoice['id']}/creditMemo", {"apply": False}).json()
    body = {"journalId": KOPPEL_JOURNAL_ID, "amount": -5, "appliesToCreditMemoId": memo["id"]}
    line = sim.http.post(refunds_url(sim), json=body, headers=sim.headers).json()

    refused = sim.post(POST_JOURNAL, None)
    without_etag = sim.http.delete(f"{refunds_url(sim)}({line['id']})", headers=sim.headers)
    deleted = sim.http.delete(
        f"{refunds_url(sim)}({line['id']})", headers={**sim.headers, "If-Match": line["@odata.etag"]}
    )

    assert refused.status_code == 400
    assert refused.json()["error"]["message"].startswith("Amount must be positive in Gen. Journal Line")
    assert (without_etag.status_code, deleted.status_code) == (400, 204)
    assert sim.get(f"salesCreditMemos({memo['id']})").json()["status"] == "Open"


def test_a_refund_for_an_unknown_credit_memo_is_refused(sim):
    body = {
        "journalId": KOPPEL_JOURNAL_ID,
        "amount": 5,
        "appliesToCreditMemoId": "6b0f1c2e-0000-0000-0000-000000000000",
    }

    response = sim.http.post(refunds_url(sim), json=body, headers=sim.headers)

    assert response.status_code == 400
    assert "appliesToCreditMemoId" in response.json()["error"]["message"]
