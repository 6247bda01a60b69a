"""Koppel's page `api/koppel/payments/v1.0/companies({id})/postedSalesCreditMemos` (bc-extension/src/
KoppelPostedSalesCreditMemos.Page.al): the posted sales credit memos only, from the simulator's Sales Cr.Memo
Headers (credit_memos.py); an unposted credit memo, which salesCreditMemos lists, is not here. GET of the collection
($filter, $select, $orderby, paging, all on the page's fields only) and of one by its own id; the page is read-only,
so every other method is refused."""

from __future__ import annotations

from localdev.simulators.businesscentral.payments_schema import KOPPEL_POSTED_SALES_CREDIT_MEMO
from localdev.simulators.businesscentral.read_only_page import ReadOnlyPage
from localdev.simulators.businesscentral.store import Record


class PostedCreditMemoPage(ReadOnlyPage):
    entity = KOPPEL_POSTED_SALES_CREDIT_MEMO
    key_name = "memo"

    def records(self) -> list[Record]:
        return list(self.store.posted_credit_memos.values())

    def one(self, key: str) -> Record | None:
        found: Record | None = self.store.posted_credit_memos.get(key)
        return found
