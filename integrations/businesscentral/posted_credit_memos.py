"""The PostedCreditMemos port over Koppel's own API page `postedSalesCreditMemos` (bc-extension/src/
KoppelPostedSalesCreditMemos.Page.al, in the refund page's API group: KOPPEL_BC_REFUND_API, e.g.
`koppel/payments/v1.0`): the posted sales credit memos (table 114 "Sales Cr.Memo Header") only.

API v2.0 `salesCreditMemos` lists unposted credit memos too, and serves a released unposted one with status Open, as
a posted one not yet paid back; it has no posted field. A posted credit memo keeps the id salesCreditMemos served
while it was unposted: the header's "Draft Cr. Memo SystemId" when set, else its own SystemId (BaseApp
GraphMgtSalCrMemoBuf.Codeunit.al, GetSalesCrMemoHeaderId). One GET per question.
"""

from __future__ import annotations

from typing import Any

from domain.invoices.credit_memo import BcCreditMemo
from integrations.businesscentral import odata
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.odata import reference

POSTED_CREDIT_MEMO_FIELDS = "id,draftCreditMemoId,number"


class BusinessCentralPostedCreditMemos:
    def __init__(self, client: BusinessCentralClient, api_url: str) -> None:
        """`api_url`: the company URL of Koppel's page (Settings.bc_refund_url)."""
        self._client = client
        self._url = f"{api_url.rstrip('/')}/postedSalesCreditMemos"

    def is_posted(self, memo: BcCreditMemo) -> bool:
        """Whether BC has posted the credit memo salesCreditMemos lists with this id and number: a posted credit
        memo of that number whose salesCreditMemos id is this one. A credit memo posted after it was read (its
        number then changes) is found by a later read."""
        params = {"$filter": f"number eq {odata.literal(memo.number)}", "$select": POSTED_CREDIT_MEMO_FIELDS}
        rows = self._client.get_all_url(self._url, params)
        return any(_listed_id(row) == memo.id.lower() for row in rows)


def _listed_id(row: dict[str, Any]) -> str:
    """The id salesCreditMemos serves for a posted credit memo (GetSalesCrMemoHeaderId)."""
    draft = reference(row.get("draftCreditMemoId")).lower()
    return draft or str(row["id"]).lower()
