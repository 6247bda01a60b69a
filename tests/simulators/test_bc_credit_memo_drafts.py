"""salesCreditMemos made through the BC simulator's API v2.0 as BC makes them: a draft (POST), its salesCreditMemoLines
(priced as BC prices them: the page validates unitPrice before quantity), and Microsoft.NAV.post.

Vendor sources (microsoft/BCApps): src/Apps/W1/APIV2/app/src/pages/APIV2SalesCreditMemos.Page.al,
APIV2SalesCreditMemLines.Page.al, src/Layers/W1/BaseApp/Integration/Graph/GraphMgtSalCrMemoBuf.Codeunit.al."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.credit_memo_drafts import (
    ACCOUNT_UNKNOWN,
    BOTH_ITEM_AND_ACCOUNT,
    CUSTOMER_NOT_FOUND,
    CUSTOMER_NOT_PROVIDED,
    CUSTOMERS_DIFFER,
    DRAFT_ONLY,
    INVOICE_UNKNOWN,
    INVOICES_DIFFER,
    ITEM_UNKNOWN,
    LOCATION_UNKNOWN,
    NO_LINES,
    NOTHING_TO_POST,
    OBJECT_NUMBER_FIXED,
    POSTED,
    SEQUENCE_FIXED,
)
from localdev.simulators.businesscentral.seed import (
    LOCATED_CUSTOMER,
    NOT_RETURNED_ACCOUNT_NUMBER,
    ROUNDING_ACCOUNT_NUMBER,
    SHIPPING_ACCOUNT_NUMBER,
    WEBSHOP_CUSTOMER_NUMBER,
)
from tests.simulators.conftest import BC, CLIENT_ID, SECRET
from tests.simulators.test_bc_payments import (
    POST_JOURNAL,
    ZERO_GUID,
    Receiver,
    invoice_order,
    new_customer,
    new_order,
    pay,
    subscribe,
    wait_for,
)

PRICED_ITEM = "APP-1002"
"""Price list S00007 (all customers, Discount): 5 % from a quantity of 2."""


def memo_of(bc: BC, body: dict[str, Any]) -> dict[str, Any]:
    response = bc.post("salesCreditMemos", body)
    assert response.status_code == 201, response.text
    memo: dict[str, Any] = response.json()
    return memo


def new_memo(bc: BC, customer: str = WEBSHOP_CUSTOMER_NUMBER, **fields: Any) -> dict[str, Any]:
    return memo_of(bc, {"customerNumber": customer, **fields})


def lines_url(memo: dict[str, Any]) -> str:
    return f"salesCreditMemos({memo['id']})/salesCreditMemoLines"


def add(bc: BC, memo: dict[str, Any], line: dict[str, Any]) -> dict[str, Any]:
    response = bc.post(lines_url(memo), line)
    assert response.status_code == 201, response.text
    added: dict[str, Any] = response.json()
    return added


def refusal(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["message"]


def item(bc: BC, number: str) -> dict[str, Any]:
    return bc.one("items", f"number eq '{number}'")


def post(bc: BC, memo: dict[str, Any]) -> Any:
    return bc.post(f"salesCreditMemos({memo['id']})/Microsoft.NAV.post", None)


def test_a_credit_memo_is_created_as_a_draft_in_its_customer_s_tax_mode_from_the_unposted_series(bc):
    memo = new_memo(bc, externalDocumentNumber="web-1001", creditMemoDate="2026-12-01", currencyCode="EUR")

    assert memo["status"] == "Draft"
    assert memo["number"].startswith("D-CR")
    assert (memo["customerNumber"], memo["externalDocumentNumber"]) == (WEBSHOP_CUSTOMER_NUMBER, "WEB-1001")
    assert (memo["creditMemoDate"], memo["currencyCode"], memo["pricesIncludeTax"]) == ("2026-12-01", "", False)
    assert (memo["invoiceId"], memo["invoiceNumber"], memo["totalAmountIncludingTax"]) == (ZERO_GUID, "", 0)


def test_a_credit_memo_takes_prices_including_tax_from_the_bill_to_customer(bc):
    customer = new_customer(bc, "Bruto B.V.")
    bc.sim.store.customers.get(customer["id"])["pricesIncludeTax"] = True

    memo = new_memo(bc, customer["number"])

    assert memo["pricesIncludeTax"] is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"externalDocumentNumber": "WEB-1"}, CUSTOMER_NOT_PROVIDED),
        ({"customerNumber": "NOPE"}, CUSTOMER_NOT_FOUND),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "customerId": "11111111-2222-3333-4444-555555555555"}, None),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "invoiceId": "11111111-2222-3333-4444-555555555555"}, None),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "pricesIncludeTax": True}, None),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "status": "Open"}, None),
    ],
)
def test_a_credit_memo_without_a_known_customer_or_with_read_only_fields_is_refused(bc, body, message):
    expected = {
        "customerId": CUSTOMER_NOT_FOUND,
        "invoiceId": INVOICE_UNKNOWN,
        "pricesIncludeTax": "The property 'pricesIncludeTax' is read-only and cannot be modified.",
        "status": "The property 'status' is read-only and cannot be modified.",
    }
    wanted = message or next(text for name, text in expected.items() if name in body)

    assert refusal(bc.post("salesCreditMemos", body)) == (400, wanted)


def test_customer_id_and_number_of_different_customers_are_refused(bc):
    other = new_customer(bc, "Ander B.V.")

    response = bc.post("salesCreditMemos", {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "customerId": other["id"]})

    assert refusal(response) == (400, CUSTOMERS_DIFFER)


def test_an_invoice_applied_to_must_be_posted_and_match_its_number(bc):
    customer = new_customer(bc, "Toepas B.V.")
    invoice = invoice_order(bc, new_order(bc, customer, "WEB-CMD-1"))
    draft = bc.control("POST", f"salesOrders/{new_order(bc, customer, 'WEB-CMD-2')['id']}/draftInvoice", {}).json()

    applied = new_memo(bc, customer["number"], invoiceId=invoice["id"])
    unposted = bc.post("salesCreditMemos", {"customerId": customer["id"], "invoiceId": draft["id"]})
    mismatch = bc.post(
        "salesCreditMemos", {"customerId": customer["id"], "invoiceId": invoice["id"], "invoiceNumber": "S-INV1"}
    )

    assert (applied["invoiceId"], applied["invoiceNumber"]) == (invoice["id"], invoice["number"])
    assert refusal(unposted) == (400, INVOICE_UNKNOWN)
    assert refusal(mismatch) == (400, INVOICES_DIFFER)
    assert bc.get(f"salesCreditMemos({applied['id']})/salesCreditMemoLines").json()["value"] == []


def test_an_item_line_posted_with_a_quantity_gets_bc_s_price_not_the_one_sent(bc):
    memo = new_memo(bc)
    price = item(bc, PRICED_ITEM)["unitPrice"]

    line = add(bc, memo, {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "quantity": 2, "unitPrice": 1})

    assert (line["unitPrice"], line["discountPercent"]) == (price, 5)
    assert line["discountAmount"] == round(2 * price * 0.05, 2)


def test_a_patch_of_only_unit_price_and_discount_amount_keeps_them(bc):
    memo = new_memo(bc)
    line = add(bc, memo, {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "quantity": 2})

    response = bc.patch(
        f"{lines_url(memo)}({line['id']})", {"unitPrice": 7.5, "discountAmount": 0}, line["@odata.etag"]
    )

    assert response.status_code == 200, response.text
    repriced = response.json()
    assert (repriced["unitPrice"], repriced["discountAmount"], repriced["discountPercent"]) == (7.5, 0, 0)
    assert (repriced["amountExcludingTax"], repriced["amountIncludingTax"]) == (15, 18.15)
    header = bc.get(f"salesCreditMemos({memo['id']})").json()
    assert (header["totalAmountExcludingTax"], header["totalAmountIncludingTax"]) == (15, 18.15)


def test_a_line_patch_needs_the_current_etag(bc):
    memo = new_memo(bc)
    line = add(bc, memo, {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1})

    assert bc.patch(f"{lines_url(memo)}({line['id']})", {"unitPrice": 1}, None).status_code == 400
    assert bc.patch(f"{lines_url(memo)}({line['id']})", {"unitPrice": 1}, 'W/"stale"').status_code == 409


def test_lines_are_served_in_sequence_order_and_a_sent_sequence_is_kept(bc):
    memo = new_memo(bc)
    add(
        bc, memo, {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "sequence": 30000}
    )
    add(bc, memo, {"lineType": "Comment", "description": "Refund 7", "sequence": 10000})
    last = add(bc, memo, {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "quantity": 1})
    duplicate = bc.post(lines_url(memo), {"description": "again", "sequence": 10000})

    served = bc.get(lines_url(memo)).json()["value"]
    expanded = bc.get(f"salesCreditMemos({memo['id']})", {"$expand": "salesCreditMemoLines"}).json()

    assert [(line["sequence"], line["lineType"]) for line in served] == [
        (10000, "Comment"),
        (30000, "Account"),
        (40000, "Item"),
    ]
    assert last["sequence"] == 40000
    assert [line["id"] for line in expanded["salesCreditMemoLines"]] == [line["id"] for line in served]
    assert refusal(duplicate) == (400, "The salesCreditMemoLine with sequence 10000 already exists.")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"lineType": "Item", "lineObjectNumber": "NO-SUCH-ITEM", "quantity": 1}, ITEM_UNKNOWN),
        ({"lineType": "Account", "lineObjectNumber": "9999999", "quantity": 1}, ACCOUNT_UNKNOWN),
        ({"itemId": "11111111-2222-3333-4444-555555555555", "quantity": 1}, ITEM_UNKNOWN),
        ({"accountId": "11111111-2222-3333-4444-555555555555", "quantity": 1}, ACCOUNT_UNKNOWN),
        (
            {
                "itemId": "11111111-2222-3333-4444-555555555555",
                "accountId": "11111111-2222-3333-4444-555555555556",
            },
            BOTH_ITEM_AND_ACCOUNT,
        ),
    ],
)
def test_an_unknown_line_object_is_refused_with_the_page_s_words(bc, line, message):
    memo = new_memo(bc)

    assert refusal(bc.post(lines_url(memo), line)) == (400, message)


def test_a_line_keeps_its_object_and_sequence(bc):
    memo = new_memo(bc)
    line = add(bc, memo, {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "quantity": 1})
    url = f"{lines_url(memo)}({line['id']})"

    other_item = bc.patch(url, {"lineObjectNumber": "APP-1001"}, line["@odata.etag"])
    same_item = bc.patch(url, {"lineObjectNumber": PRICED_ITEM.lower(), "sequence": line["sequence"]}, "*")
    moved = bc.patch(url, {"sequence": 90000}, "*")

    assert refusal(other_item) == (400, OBJECT_NUMBER_FIXED)
    assert same_item.status_code == 200, same_item.text
    assert refusal(moved) == (400, SEQUENCE_FIXED)


def test_a_line_can_be_deleted_and_the_totals_follow(bc):
    memo = new_memo(bc)
    keep = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 10}
    add(bc, memo, keep)
    gone = add(bc, memo, {**keep, "unitPrice": 5})

    response = bc.delete(f"{lines_url(memo)}({gone['id']})", gone["@odata.etag"])

    assert response.status_code == 204
    assert bc.get(f"salesCreditMemos({memo['id']})").json()["totalAmountIncludingTax"] == 12.1


def test_posting_needs_a_line_and_something_to_post(bc):
    memo = new_memo(bc)
    nothing = post(bc, memo)
    add(bc, memo, {"lineType": "Comment", "description": "Refund 8"})
    comment_only = post(bc, memo)

    assert refusal(nothing) == (400, NO_LINES)
    assert refusal(comment_only) == (400, NOTHING_TO_POST)
    assert bc.get(f"salesCreditMemos({memo['id']})").json()["status"] == "Draft"


def test_a_released_credit_memo_posts_and_one_pending_approval_does_not(bc):
    customer = new_customer(bc, "Vrijgegeven B.V.")
    invoice = invoice_order(bc, new_order(bc, customer, "WEB-CMD-3"))
    account = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 5}
    memos = {}
    for status in ("Open", "In Review"):
        memos[status] = bc.control("POST", "salesCreditMemos", {"invoiceId": invoice["id"], "status": status}).json()
        add(bc, memos[status], account)

    released = post(bc, memos["Open"])
    in_review = post(bc, memos["In Review"])

    assert released.status_code == 204, released.text
    assert bc.get(f"salesCreditMemos({memos['Open']['id']})").json()["number"].startswith("S-CR")
    assert refusal(in_review) == (
        400,
        f"Sales Credit Memo {memos['In Review']['number']} must be approved and released before you can perform "
        "this action.",
    )


def test_posting_keeps_the_id_gives_a_posted_number_applies_to_the_invoice_and_refuses_changes(bc):
    customer = new_customer(bc, "Boeking B.V.")
    invoice = invoice_order(bc, new_order(bc, customer, "WEB-CMD-4"))
    memo = new_memo(bc, customer["number"], invoiceId=invoice["id"], externalDocumentNumber="WEB-CMD-4")
    line = add(bc, memo, {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1})
    bc.patch(f"{lines_url(memo)}({line['id']})", {"unitPrice": 10}, line["@odata.etag"])

    response = post(bc, memo)

    assert (response.status_code, response.content) == (204, b"")
    posted = bc.get(f"salesCreditMemos({memo['id']})").json()
    assert posted["number"].startswith("S-CR")
    assert (posted["status"], posted["totalAmountIncludingTax"]) == ("Paid", 12.1)
    assert bc.get(f"salesInvoices({invoice['id']})").json()["remainingAmount"] == 30.19
    current = bc.get(f"{lines_url(memo)}({line['id']})").json()
    assert refusal(bc.post(lines_url(memo), {"description": "late"})) == (400, POSTED)
    assert refusal(bc.patch(f"{lines_url(memo)}({line['id']})", {"unitPrice": 1}, current["@odata.etag"])) == (
        400,
        POSTED,
    )
    assert refusal(bc.delete(f"{lines_url(memo)}({line['id']})", current["@odata.etag"])) == (400, POSTED)
    assert refusal(post(bc, memo)) == (400, DRAFT_ONLY)


def test_posting_one_applied_to_a_paid_invoice_is_refused_as_bc_s_runtime_refuses_it(bc):
    customer = new_customer(bc, "Betaald B.V.")
    invoice = invoice_order(bc, new_order(bc, customer, "WEB-CMD-5"))
    memo = new_memo(bc, customer["number"], invoiceId=invoice["id"])
    add(bc, memo, {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 5})
    pay(bc, {"appliesToInvoiceId": invoice["id"], "amount": -42.29, "externalDocumentNumber": "TR_CMD5"})
    assert bc.post(POST_JOURNAL, None).status_code == 204

    response = post(bc, memo)

    assert refusal(response) == (
        400,
        f"There is no Cust. Ledger Entry within the filter. Filters: Document No.: {invoice['number']}, Document "
        f"Type: Invoice, Customer No.: {customer['number']}, Open: Yes",
    )
    assert bc.get(f"salesCreditMemos({memo['id']})").json()["status"] == "Draft"


def test_posting_item_lines_brings_their_units_back_into_stock(bc):
    memo = new_memo(bc)
    stock = item(bc, PRICED_ITEM)["inventory"]
    add(bc, memo, {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "quantity": 2})

    assert post(bc, memo).status_code == 204

    assert item(bc, PRICED_ITEM)["inventory"] == stock + 2


def location_id(bc: BC, code: str) -> str:
    location: dict[str, Any] = bc.one("locations", f"code eq '{code}'")
    return str(location["id"])


def test_an_item_line_sent_without_a_location_gets_its_customers_and_one_sent_with_the_empty_guid_none(bc):
    """BC gives the header the sell-to customer's Location Code and a new item line the header's (Sales Header
    CopySellToCustomerAddressFieldsFromCustomer, Sales Line InitHeaderLocactionCode); an account line has none."""
    customer = next(each for each in bc.sim.store.customers.values() if each["displayName"] == LOCATED_CUSTOMER)
    memo = new_memo(bc, customer["number"])
    item = {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "quantity": 1}
    kept = {"lineType": "Account", "lineObjectNumber": NOT_RETURNED_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 1}

    located, unlocated = add(bc, memo, item), add(bc, memo, {**item, "locationId": ZERO_GUID})
    account = add(bc, memo, kept)

    assert located["locationId"] == location_id(bc, "HOOFD")
    assert (unlocated["locationId"], account["locationId"]) == (ZERO_GUID, ZERO_GUID)
    assert add(bc, new_memo(bc), item)["locationId"] == ZERO_GUID


def test_an_item_line_s_location_is_where_posting_brings_its_units_back(bc):
    """locationId (page 30046, validated into the line's Location Code): the units come back at that location."""
    memo = new_memo(bc)
    shop = location_id(bc, "WINKEL")
    line = add(bc, memo, {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "quantity": 2, "locationId": shop})
    unit = line["unitOfMeasureCode"]
    before = bc.sim.store.stock.get(("WINKEL", PRICED_ITEM, "", unit), 0.0)

    assert post(bc, memo).status_code == 204

    assert line["locationId"] == shop
    assert bc.sim.store.stock.get(("WINKEL", PRICED_ITEM, "", unit), 0.0) == before + 2


def test_an_unknown_location_is_refused_and_no_line_is_added(bc):
    memo = new_memo(bc)
    unknown = "11111111-2222-3333-4444-555555555555"

    response = bc.post(lines_url(memo), {"lineType": "Item", "lineObjectNumber": PRICED_ITEM, "locationId": unknown})

    assert refusal(response) == (400, LOCATION_UNKNOWN.format(location_id=unknown))
    assert bc.get(lines_url(memo)).json()["value"] == []


def test_invoice_lines_serve_the_order_line_s_location_or_the_empty_guid(bc):
    """A person moved the order's first line to another location: its invoice line says so, the other has none."""
    order = new_order(bc, new_customer(bc, "Magazijn B.V."), "WEB-CMD-7")
    first = order["salesOrderLines"][0]
    shop = location_id(bc, "WINKEL")
    moved = bc.patch(f"salesOrders({order['id']})/salesOrderLines({first['id']})", {"locationId": shop}, "*")
    assert moved.status_code == 200, moved.text

    invoice = invoice_order(bc, order)

    lines = bc.get(f"salesInvoices({invoice['id']})/salesInvoiceLines").json()["value"]
    assert [line["locationId"] for line in lines] == [shop, ZERO_GUID]


def test_invoices_serve_what_a_credit_memo_is_priced_from(bc):
    invoice = invoice_order(bc, new_order(bc, new_customer(bc, "Factuur B.V."), "WEB-CMD-6"))

    lines = bc.get(f"salesInvoices({invoice['id']})/salesInvoiceLines").json()["value"]
    expanded = bc.get(f"salesInvoices({invoice['id']})", {"$expand": "salesInvoiceLines"}).json()

    assert (invoice["pricesIncludeTax"], invoice["remainingAmount"]) == (False, 42.29)
    assert {"taxPercent", "itemVariantId", "unitOfMeasureCode", "discountAmount", "sequence"} <= set(lines[0])
    assert lines[0]["taxPercent"] == 21
    assert expanded["salesInvoiceLines"] == lines


def test_an_account_line_takes_the_vat_of_its_accounts_vat_product_posting_group(bc):
    """The rounding account's group is 0 % (NUL), the shipping account's 21 % (HOOG); a negative unit price is taken
    as BC's own invoice rounding line is priced (Sales-Post InvoiceRounding)."""
    memo = new_memo(bc)
    shipping = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 10}
    rounding = {"lineType": "Account", "lineObjectNumber": ROUNDING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": -0.01}

    charged, rounded = add(bc, memo, shipping), add(bc, memo, rounding)

    assert (charged["taxCode"], charged["taxPercent"], charged["amountIncludingTax"]) == ("VAT21", 21, 12.1)
    assert (rounded["taxCode"], rounded["taxPercent"], rounded["amountIncludingTax"]) == ("VAT0", 0, -0.01)
    assert bc.get(f"salesCreditMemos({memo['id']})").json()["totalAmountIncludingTax"] == 12.09


def test_a_tax_code_sent_on_an_account_line_gives_it_that_groups_vat_served_as_its_vat_identifier(bc):
    """BC validates a written taxCode as the VAT Prod. Posting Group and serves it as the VAT Posting Setup's VAT
    Identifier (SalesInvoiceAggregator SetTaxGroupIdAndCode), named apart here as a company may name them."""
    memo = new_memo(bc)
    kept = {"lineType": "Account", "lineObjectNumber": NOT_RETURNED_ACCOUNT_NUMBER, "quantity": 2, "unitPrice": 10}

    line = add(bc, memo, {**kept, "taxCode": "LAAG"})

    assert (line["taxCode"], line["taxPercent"], line["amountIncludingTax"]) == ("VAT9", 9, 21.8)


def test_a_vat_identifier_written_as_tax_code_is_refused_as_no_vat_product_posting_group(bc):
    memo = new_memo(bc)
    kept = {"lineType": "Account", "lineObjectNumber": NOT_RETURNED_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 10}

    response = bc.post(lines_url(memo), {**kept, "taxCode": "VAT9"})

    assert refusal(response) == (
        400,
        "The VAT Product Posting Group does not exist. Identification fields and values: Code='VAT9'",
    )


def test_an_unknown_tax_code_is_refused_and_no_line_is_added(bc):
    memo = new_memo(bc)
    kept = {"lineType": "Account", "lineObjectNumber": NOT_RETURNED_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 10}

    response = bc.post(lines_url(memo), {**kept, "taxCode": "HOOG-EU"})

    assert refusal(response) == (
        400,
        "The VAT Product Posting Group does not exist. Identification fields and values: Code='HOOG-EU'",
    )
    assert bc.get(lines_url(memo)).json()["value"] == []


@pytest.fixture
def notifying() -> Iterator[tuple[BC, Receiver]]:
    """A simulator of its own that notifies 50 ms after a change, and a webhook receiver."""
    hook = Receiver()
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, notification_delay_s=0.05) as simulator:
        client = BC(simulator)
        yield client, hook
        client.http.close()
    hook.close()


def test_a_subscription_to_credit_memos_hears_of_a_draft_made_and_of_its_lines_changing_it(notifying):
    sim, receiver = notifying
    subscribe(sim, receiver, "salesCreditMemos")

    memo = new_memo(sim)
    wait_for(lambda: len(receiver.notifications) == 1)
    add(sim, memo, {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1})
    wait_for(lambda: len(receiver.notifications) == 2)

    resource = f"api/v2.0/companies({sim.sim.company_id})/salesCreditMemos({memo['id']})"
    changes = [(entry["changeType"], entry["resource"]) for n in receiver.notifications for entry in n["value"]]
    assert changes == [("created", resource), ("updated", resource)]
