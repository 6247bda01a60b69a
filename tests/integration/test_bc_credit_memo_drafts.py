"""Koppel's sales credit memos in BC (integrations/businesscentral/credit_memo_drafts.py) against the BC simulator over
HTTP: the invoice to credit with its lines (one GET), a draft with comment, item and account lines, BC's re-pricing
of an item line and Koppel's price put back on the ETag BC answered (no GET first), an item line at the invoice
line's location, finding the draft again by its marker, posting it, and BC refusing to post one applied to an invoice
paid meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import BusinessCentralRejected
from domain.refunds.shop_origin_ports import BcDocumentLine, NewCreditMemo
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.credit_memo_drafts import BusinessCentralCreditMemoDrafts
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.businesscentral.vat import BusinessCentralVat
from integrations.settings import BC_DEFAULT_SCOPE
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.catalog_reference import DOMESTIC_VAT_GROUP
from localdev.simulators.businesscentral.payments import KOPPEL_JOURNAL_ID
from localdev.simulators.businesscentral.published import ITEMS, VAT_SETUP
from localdev.simulators.businesscentral.seed import (
    NOT_RETURNED_ACCOUNT_NUMBER,
    ROUNDING_ACCOUNT_NUMBER,
    SHIPPING_ACCOUNT_NUMBER,
    WEBSHOP_CUSTOMER_NUMBER,
)
from tests.integration.simulated_bc import bc_client

ITEM = "APP-1002"
"""Price list S00007 (all customers): 5 % discount from a quantity of 2."""


@dataclass
class Company:
    sim: BusinessCentralSimulator
    client: BusinessCentralClient

    @property
    def drafts(self) -> BusinessCentralCreditMemoDrafts:
        return BusinessCentralCreditMemoDrafts(self.client)

    def counted(self) -> tuple[BusinessCentralCreditMemoDrafts, list[str]]:
        """Drafts over a client of their own, and the API calls it makes ("GET salesInvoices(...)", the query left
        out)."""
        calls: list[str] = []
        company = f"/companies({self.sim.company_id})/"

        def note(request: httpx.Request) -> None:
            if company in request.url.path:
                calls.append(f"{request.method} {request.url.path.split(company, 1)[1]}")

        http = httpx.Client(timeout=30, event_hooks={"request": [note]})
        sim = self.sim
        token = ClientCredentialsToken(http, sim.token_url, sim.client_id, sim.client_secret, BC_DEFAULT_SCOPE)
        client = BusinessCentralClient(
            http, f"{sim.api_base}/companies({sim.company_id})", token, RequestThrottle(5, 100), max_attempts=6
        )
        return BusinessCentralCreditMemoDrafts(client), calls

    def location_id(self, code: str) -> str:
        return str(self.client.get("locations", {"$filter": f"code eq '{code}'"})["value"][0]["id"])

    def invoice(self, external: str, location_id: str = "") -> dict[str, Any]:
        """A posted invoice of one item line (2 x 40.00, no discount; at `location_id` when given) and shipping (1 x
        4.95)."""
        item = {"lineType": "Item", "lineObjectNumber": ITEM, "quantity": 2, "unitPrice": 40, "discountAmount": 0}
        lines = [
            {**item, "locationId": location_id} if location_id else item,
            {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 4.95},
        ]
        order = self.client.post(
            "salesOrders",
            {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": external, "salesOrderLines": lines},
        )
        self.client.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", {})
        invoices = self.client.get("salesInvoices", {"$filter": f"orderNumber eq '{order['number']}'"})["value"]
        invoice: dict[str, Any] = invoices[0]
        return invoice

    def catalog_price(self, number: str) -> str:
        items = self.client.get("items", {"$filter": f"number eq '{number}'"})["value"]
        return str(items[0]["unitPrice"])

    def pay(self, invoice: dict[str, Any]) -> None:
        payment = {"appliesToInvoiceId": invoice["id"], "amount": -invoice["totalAmountIncludingTax"]}
        self.client.post(f"customerPaymentJournals({KOPPEL_JOURNAL_ID})/customerPayments", payment)
        self.client.post(f"journals({KOPPEL_JOURNAL_ID})/Microsoft.NAV.post", {})


@pytest.fixture(scope="module")
def company() -> Iterator[Company]:
    with BusinessCentralSimulator() as sim:
        yield Company(sim, bc_client(sim))


def comment(text: str, sequence: int = 10000) -> BcDocumentLine:
    return BcDocumentLine(sequence=sequence, line_type="Comment", description=text)


def item_line(sequence: int, unit_price: str) -> BcDocumentLine:
    return BcDocumentLine(
        sequence=sequence, line_type="Item", object_number=ITEM, quantity=Decimal(2), unit_price=Decimal(unit_price)
    )


def shipping(sequence: int) -> BcDocumentLine:
    return BcDocumentLine(
        sequence=sequence,
        line_type="Account",
        object_number=SHIPPING_ACCOUNT_NUMBER,
        description="Verzending",
        quantity=Decimal(1),
        unit_price=Decimal("4.95"),
    )


def test_the_invoice_to_credit_is_read_with_its_lines_in_one_call(company: Company) -> None:
    posted = company.invoice("WEB-CMD-10")
    drafts, calls = company.counted()

    invoice = drafts.invoice(posted["id"])

    assert calls == [f"GET salesInvoices({posted['id']})"]
    assert (invoice.number, invoice.customer_number, invoice.prices_include_tax) == (
        posted["number"],
        WEBSHOP_CUSTOMER_NUMBER,
        False,
    )
    assert invoice.remaining_amount == invoice.total_including_tax == Decimal("102.79")
    assert [(line.line_type, line.object_number, line.quantity, line.unit_price) for line in invoice.lines] == [
        ("Item", ITEM, Decimal(2), Decimal(40)),
        ("Account", SHIPPING_ACCOUNT_NUMBER, Decimal(1), Decimal("4.95")),
    ]
    assert invoice.lines[0].variant_id == invoice.lines[0].location_id == ""
    assert invoice.lines[0].tax_percent == Decimal(21)


def test_an_item_line_is_credited_at_the_location_its_invoice_line_shipped_from(company: Company) -> None:
    shop = company.location_id("WINKEL")
    invoiced = company.drafts.invoice(company.invoice("WEB-CMD-15", shop)["id"]).lines
    drafts = company.drafts
    memo = drafts.create(NewCreditMemo(customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number="WEB-CMD-15"))

    sent = invoiced[0].model_copy(update={"id": "", "etag": "", "sequence": 10000, "tax_code": ""})
    added = drafts.add_line(memo.id, sent)

    assert [line.location_id for line in invoiced] == [shop, ""]
    assert added.location_id == shop
    assert drafts.read(memo.id).lines[0].location_id == shop


def test_a_draft_gets_its_lines_bc_re_prices_the_item_and_koppel_s_price_is_put_back(company: Company) -> None:
    posted = company.invoice("WEB-CMD-11")
    drafts, calls = company.counted()
    memo = drafts.create(NewCreditMemo(customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number="WEB-CMD-11"))

    drafts.add_line(memo.id, comment("Koppel refund 11-1"))
    item = drafts.add_line(memo.id, item_line(20000, "40"))
    charge = drafts.add_line(memo.id, shipping(30000))
    drafts.reprice(memo.id, item, Decimal(40), Decimal(0))
    read = drafts.read(memo.id)

    lines = f"salesCreditMemos({memo.id})/salesCreditMemoLines"
    assert calls == [
        "POST salesCreditMemos",
        *[f"POST {lines}"] * 3,
        f"PATCH {lines}({item.id})",
        f"GET salesCreditMemos({memo.id})",
    ], "re-priced on the ETag of the POST's answer; the draft read with its lines in one GET"
    assert all(line.etag for line in (item, *read.lines))
    assert (memo.status, memo.prices_include_tax, memo.lines) == ("Draft", False, ())
    assert (item.unit_price, item.discount_amount) == (Decimal(company.catalog_price(ITEM)), Decimal(0))
    assert (charge.unit_price, charge.description) == (Decimal("4.95"), "Verzending")
    assert [(line.sequence, line.line_type) for line in read.lines] == [
        (10000, "Comment"),
        (20000, "Item"),
        (30000, "Account"),
    ]
    assert (read.lines[1].unit_price, read.lines[1].discount_amount) == (Decimal(40), Decimal(0))
    assert read.total_including_tax == Decimal(posted["totalAmountIncludingTax"]).quantize(Decimal("0.01"))


def test_a_line_known_without_its_etag_is_read_for_it_before_it_is_re_priced(company: Company) -> None:
    drafts = company.drafts
    memo = drafts.create(NewCreditMemo(customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number="WEB-CMD-16"))
    item = drafts.add_line(memo.id, item_line(10000, "40"))
    counted, calls = company.counted()

    counted.reprice(memo.id, item.model_copy(update={"etag": ""}), Decimal(40), Decimal(0))

    path = f"salesCreditMemos({memo.id})/salesCreditMemoLines({item.id})"
    assert calls == [f"GET {path}", f"PATCH {path}"]
    assert drafts.read(memo.id).lines[0].unit_price == Decimal(40)


def test_a_line_sent_with_a_tax_code_gets_its_vat_and_a_rounding_line_its_accounts_zero_vat(
    company: Company,
) -> None:
    """Units kept by the customer on the allowance account (its own VAT 21 %), at an item's 9 % through taxCode (a
    VAT Prod. Posting Group); a negative rounding line on the 0 % account. BC serves each line's taxCode as its VAT
    Identifier."""
    invoiced = company.drafts.invoice(company.invoice("WEB-CMD-13")["id"]).lines[0]
    drafts = company.drafts
    memo = drafts.create(NewCreditMemo(customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number="WEB-CMD-13"))
    kept = invoiced.model_copy(
        update={"sequence": 10000, "line_type": "Account", "object_number": NOT_RETURNED_ACCOUNT_NUMBER, "id": ""}
    )
    rounding = BcDocumentLine(
        sequence=20000,
        line_type="Account",
        object_number=ROUNDING_ACCOUNT_NUMBER,
        quantity=Decimal(1),
        unit_price=Decimal("-0.01"),
    )

    drafts.add_line(memo.id, kept.model_copy(update={"variant_id": "", "unit_of_measure": "", "tax_code": "LAAG"}))
    drafts.add_line(memo.id, rounding)
    read = drafts.read(memo.id)

    assert invoiced.tax_code == "VAT21"
    assert [(line.tax_code, line.tax_percent, line.unit_price) for line in read.lines] == [
        ("VAT9", Decimal(9), Decimal(40)),
        ("VAT0", Decimal(0), Decimal("-0.01")),
    ]
    assert read.total_including_tax == Decimal("87.19")


def test_the_vat_posting_setup_tells_the_group_of_each_vat_identifier_and_is_read_once(company: Company) -> None:
    sim = company.sim
    published = f"{sim.odata_base}/Company('{sim.company_name}')"
    vat = BusinessCentralVat(company.client, f"{published}/{ITEMS}", f"{published}/{VAT_SETUP}", DOMESTIC_VAT_GROUP)
    drafts = BusinessCentralCreditMemoDrafts(company.client, vat)

    setup = drafts.vat_setup()

    assert sorted((each.product_group, each.identifier, each.percent) for each in setup) == [
        ("HOOG", "VAT21", Decimal(21)),
        ("LAAG", "VAT9", Decimal(9)),
        ("NUL", "VAT0", Decimal(0)),
    ]
    assert drafts.vat_setup() is setup
    assert company.drafts.vat_setup() == ()


def test_a_draft_is_found_again_by_its_external_number_and_marker_only(company: Company) -> None:
    drafts = company.drafts
    external = "WEB-O'CMD-12"
    other = drafts.create(NewCreditMemo(customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number=external))
    drafts.add_line(other.id, comment("Koppel refund 12-1"))
    mine = drafts.create(NewCreditMemo(customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number=external))
    drafts.add_line(mine.id, comment("Koppel refund 12-2"))
    counted, calls = company.counted()

    found = counted.find(external.lower(), "Koppel refund 12-2", ())

    assert calls == ["GET salesCreditMemos"], "both drafts listed with their lines in one GET"
    assert found is not None
    assert (found.id, found.number) == (mine.id, mine.number)
    assert [line.description for line in found.lines] == ["Koppel refund 12-2"]
    assert drafts.find(external, "Koppel refund 12-3", ()) is None
    assert drafts.find("WEB-CMD-NONE", "Koppel refund 12-2", ()) is None


def test_a_draft_made_without_its_first_line_is_found_again_as_the_empty_draft_of_its_number(company: Company) -> None:
    drafts = company.drafts
    external = "WEB-CMD-14"
    begun = drafts.create(NewCreditMemo(customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number=external))

    found = drafts.find(external, "Koppel refund 14-1", ())

    assert found is not None
    assert (found.id, found.lines) == (begun.id, ())
    assert drafts.find(external, "Koppel refund 14-1", {begun.id}) is None, "another refund's record holds it"


def test_posting_keeps_the_id_and_applies_the_credit_to_the_open_invoice(company: Company) -> None:
    posted = company.invoice("WEB-CMD-13")
    drafts = company.drafts
    memo = drafts.create(
        NewCreditMemo(
            customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number="WEB-CMD-13", invoice_id=posted["id"]
        )
    )
    drafts.add_line(memo.id, comment("Koppel refund 13-1"))
    drafts.add_line(memo.id, shipping(20000))
    before = drafts.invoice(posted["id"]).remaining_amount

    drafts.post(memo.id)

    after = drafts.read(memo.id)
    assert (after.id, after.status, after.total_including_tax) == (memo.id, "Paid", Decimal("5.99"))
    assert after.number != memo.number
    assert drafts.invoice(posted["id"]).remaining_amount == before - Decimal("5.99")


def test_bc_refuses_to_post_a_credit_memo_applied_to_an_invoice_paid_since(company: Company) -> None:
    posted = company.invoice("WEB-CMD-14")
    drafts = company.drafts
    memo = drafts.create(
        NewCreditMemo(
            customer_number=WEBSHOP_CUSTOMER_NUMBER, external_document_number="WEB-CMD-14", invoice_id=posted["id"]
        )
    )
    drafts.add_line(memo.id, shipping(10000))
    company.pay(posted)

    with pytest.raises(BusinessCentralRejected) as refused:
        drafts.post(memo.id)

    assert refused.value.status == 400
    assert refused.value.message.startswith("There is no Cust. Ledger Entry within the filter.")
    assert drafts.read(memo.id).status == "Draft"
