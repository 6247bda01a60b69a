"""Which posted credit memo Koppel's page row is: the id salesCreditMemos serves is the header's draftCreditMemoId,
or its own id when that is blank (a credit memo posted while the API was off: GetSalesCrMemoHeaderId)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.credit_memos import credit_memo
from integrations.businesscentral.posted_credit_memos import BusinessCentralPostedCreditMemos
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
"""BC's answer for no reference."""
PAGE = "https://bc.test/v2.0/t/production/api/koppel/payments/v1.0/companies(c0ffee00-0000-0000-0000-000000000001)"
MEMO_ID = "a0000000-0000-0000-0000-00000000000a"
HEADER_ID = "b0000000-0000-0000-0000-00000000000b"


def posted(rows: list[dict[str, Any]], seen: list[httpx.Request]) -> BusinessCentralPostedCreditMemos:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        seen.append(request)
        return httpx.Response(200, json={"value": rows})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    token = ClientCredentialsToken(http, "https://login.test/t/token", "id", "secret", "scope")
    client = BusinessCentralClient(http, f"{PAGE}/x", token, RequestThrottle(5, 100), max_attempts=1)
    return BusinessCentralPostedCreditMemos(client, PAGE)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"id": HEADER_ID, "draftCreditMemoId": MEMO_ID.upper()}, True),
        ({"id": MEMO_ID, "draftCreditMemoId": EMPTY_GUID}, True),
        ({"id": MEMO_ID, "draftCreditMemoId": HEADER_ID}, False),
        ({"id": HEADER_ID, "draftCreditMemoId": EMPTY_GUID}, False),
    ],
)
def test_a_posted_row_is_this_credit_memo_only_by_the_id_sales_credit_memos_serves(
    row: dict[str, Any], expected: bool
) -> None:
    seen: list[httpx.Request] = []
    memo = credit_memo({"id": MEMO_ID, "number": "S-CR'1", "status": "Open"})

    assert posted([{**row, "number": "S-CR'1"}], seen).is_posted(memo) is expected
    assert [request.url.params["$filter"] for request in seen] == ["number eq 'S-CR''1'"]
