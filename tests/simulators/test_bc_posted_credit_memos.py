"""The BC simulator's unposted credit memos (salesCreditMemos lists a released one as Open, like a posted one) and
Koppel's page postedSalesCreditMemos, which lists the posted ones only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from localdev.simulators.businesscentral.payments import KOPPEL_JOURNAL_ID
from tests.simulators.conftest import BC
from tests.simulators.test_bc_payments import invoice_order, new_customer, new_order

ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def page_url(bc: BC) -> str:
    base = bc.sim.api_base.replace("/api/v2.0", "/api/koppel/payments/v1.0")
    return f"{base}/companies({bc.sim.company_id})/postedSalesCreditMemos"


def posted_page(bc: BC, filter_: str | None = None, **params: str) -> httpx.Response:
    query = {"$filter": filter_, **params} if filter_ is not None else params
    return bc.http.get(page_url(bc), params=query, headers=bc.headers)


def listed(bc: BC, filter_: str) -> list[dict[str, Any]]:
    response = posted_page(bc, filter_)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["value"]
    return rows


def invoice(bc: BC, external: str) -> dict[str, Any]:
    return invoice_order(bc, new_order(bc, new_customer(bc, f"Klant {external}"), external))


def draft(bc: BC, invoice_id: str, **fields: Any) -> httpx.Response:
    return bc.control("POST", "salesCreditMemos", {"invoiceId": invoice_id, **fields})


def test_a_posted_credit_memo_is_listed_under_its_own_id_with_the_id_sales_credit_memos_serves(bc):
    memo = bc.control("POST", f"salesInvoices/{invoice(bc, 'WEB-PCM-1')['id']}/creditMemo", {}).json()

    rows = listed(bc, f"number eq '{memo['number']}'")
    one = bc.http.get(f"{page_url(bc)}({rows[0]['id']})", headers=bc.headers)

    assert [(row["number"], row["draftCreditMemoId"]) for row in rows] == [(memo["number"], memo["id"])]
    assert rows[0]["id"] != memo["id"]
    assert (rows[0]["externalDocumentNumber"], rows[0]["postingDate"]) == ("WEB-PCM-1", memo["postingDate"])
    assert set(rows[0]) == {
        "@odata.etag",
        "id",
        "draftCreditMemoId",
        "number",
        "externalDocumentNumber",
        "postingDate",
        "lastModifiedDateTime",
    }
    assert one.status_code == 200, one.text
    assert one.json()["draftCreditMemoId"] == memo["id"]
    assert listed(bc, f"draftCreditMemoId eq {memo['id']}") == rows


def test_a_released_unposted_credit_memo_is_open_in_sales_credit_memos_and_not_on_the_posted_page(bc):
    made = draft(bc, invoice(bc, "WEB-PCM-2")["id"], amount=12.1)
    assert made.status_code == 201, made.text
    memo = made.json()

    served = bc.get(f"salesCreditMemos({memo['id']})").json()

    assert (served["status"], served["number"], served["totalAmountIncludingTax"]) == ("Open", memo["number"], 12.1)
    assert memo["number"].startswith("D-CR")
    assert listed(bc, f"number eq '{memo['number']}'") == []
    assert listed(bc, f"draftCreditMemoId eq {memo['id']}") == []
    assert all(row["draftCreditMemoId"] != memo["id"] for row in listed(bc, "postingDate gt 2000-01-01"))


def test_posting_an_unposted_credit_memo_keeps_its_id_and_gives_it_a_posted_number(bc):
    invoiced = invoice(bc, "WEB-PCM-3")
    memo = draft(bc, invoiced["id"], amount=12.1).json()

    posted = bc.control("POST", f"salesCreditMemos/{memo['id']}/post")
    again = bc.control("POST", f"salesCreditMemos/{memo['id']}/post")

    assert posted.status_code == 200, posted.text
    after = bc.get(f"salesCreditMemos({memo['id']})").json()
    assert after["number"].startswith("S-CR")
    assert after["status"] == "Paid"
    assert bc.get(f"salesInvoices({invoiced['id']})").json()["remainingAmount"] == 30.19
    assert [row["draftCreditMemoId"] for row in listed(bc, f"number eq '{after['number']}'")] == [memo["id"]]
    assert again.status_code == 400


def test_a_credit_memo_in_review_is_not_posted(bc):
    memo = draft(bc, invoice(bc, "WEB-PCM-4")["id"], status="In Review").json()

    refused = bc.control("POST", f"salesCreditMemos/{memo['id']}/post")

    assert refused.status_code == 400
    assert bc.get(f"salesCreditMemos({memo['id']})").json()["status"] == "In_x0020_Review"
    assert listed(bc, f"draftCreditMemoId eq {memo['id']}") == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"status": "Paid"}, "status is one of"), ({"amount": "12"}, "amount must be a number")],
)
def test_an_unposted_credit_memo_with_a_bad_field_is_refused(bc, fields, message):
    response = draft(bc, invoice(bc, f"WEB-PCM-5-{len(message)}")["id"], **fields)

    assert response.status_code == 400
    assert message in response.text


def test_customer_refunds_refuse_an_unposted_credit_memo_and_take_the_posted_one_by_either_id(bc):
    memo = draft(bc, invoice(bc, "WEB-PCM-6")["id"], apply=False).json()
    refunds = page_url(bc).replace("postedSalesCreditMemos", "customerRefunds")
    line = {"journalId": KOPPEL_JOURNAL_ID, "amount": 5, "externalDocumentNumber": "R-PCM-6"}

    unposted = bc.http.post(refunds, json={**line, "appliesToCreditMemoId": memo["id"]}, headers=bc.headers)
    bc.control("POST", f"salesCreditMemos/{memo['id']}/post")
    header = listed(bc, f"draftCreditMemoId eq {memo['id']}")[0]
    by_header = bc.http.post(refunds, json={**line, "appliesToCreditMemoId": header["id"]}, headers=bc.headers)

    assert unposted.status_code == 400
    assert "appliesToCreditMemoId" in unposted.json()["error"]["message"]
    assert by_header.status_code == 201, by_header.text
    created = by_header.json()
    assert (created["appliesToCreditMemoId"], created["appliesToCreditMemoNumber"]) == (memo["id"], header["number"])
    deleted = bc.http.delete(f"{refunds}({created['id']})", headers={**bc.headers, "If-Match": "*"})
    assert deleted.status_code == 204


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"$filter": "status eq 'Open'"}, 400),
        ({"$filter": "totalAmountIncludingTax gt 0"}, 400),
        ({"$select": "id,invoiceId"}, 400),
        ({"$orderby": "customerNumber"}, 400),
        ({"$expand": "salesCreditMemoLines"}, 400),
        ({"$filter": f"id eq {ZERO_GUID}"}, 200),
    ],
)
def test_the_page_takes_only_its_own_fields(bc, params, status):
    assert posted_page(bc, **params).status_code == status


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_the_page_is_read_only(bc, method):
    memo = bc.control("POST", f"salesInvoices/{invoice(bc, f'WEB-PCM-7-{method}')['id']}/creditMemo", {}).json()
    header = listed(bc, f"draftCreditMemoId eq {memo['id']}")[0]
    url = page_url(bc) if method == "POST" else f"{page_url(bc)}({header['id']})"

    response = bc.http.request(method, url, json={"number": "X"}, headers={**bc.headers, "If-Match": "*"})

    assert response.status_code == 405
    assert listed(bc, f"draftCreditMemoId eq {memo['id']}") == [header]


def test_the_page_needs_a_token_and_a_known_company(bc):
    anonymous = httpx.get(page_url(bc))
    other = bc.http.get(page_url(bc).replace(bc.sim.company_id, ZERO_GUID), headers=bc.headers)

    assert anonymous.status_code == 401
    assert other.status_code == 404
