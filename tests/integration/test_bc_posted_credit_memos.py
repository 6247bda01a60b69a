"""Koppel's question "has BC posted this credit memo?" (integrations/businesscentral/posted_credit_memos.py) against
the BC simulator over HTTP: a released unposted credit memo, which salesCreditMemos lists as Open like a posted one,
is not posted until BC posts it; a posted one is, by the id salesCreditMemos serves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from domain.invoices.credit_memo import BcCreditMemo
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.credit_memos import BusinessCentralCreditMemos
from integrations.businesscentral.posted_credit_memos import BusinessCentralPostedCreditMemos
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import SHIPPING_ACCOUNT_NUMBER, WEBSHOP_CUSTOMER_NUMBER
from tests.integration.simulated_bc import bc_client, bc_settings


@dataclass
class Company:
    sim: BusinessCentralSimulator
    client: BusinessCentralClient

    @property
    def posted(self) -> BusinessCentralPostedCreditMemos:
        url = bc_settings(self.sim, bc_refund_api="koppel/payments/v1.0").bc_refund_url
        assert url is not None
        return BusinessCentralPostedCreditMemos(self.client, url)

    def invoice(self, external: str) -> dict[str, Any]:
        line = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 50}
        order = self.client.post(
            "salesOrders",
            {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": external, "salesOrderLines": [line]},
        )
        self.client.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice", {})
        invoices = self.client.get("salesInvoices", {"$filter": f"orderNumber eq '{order['number']}'"})["value"]
        invoice: dict[str, Any] = invoices[0]
        return invoice

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.post(f"{self.sim.url}/_sim/{path}", json=body or {})
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer

    def listed(self, memo_id: str) -> BcCreditMemo:
        """The credit memo as API v2.0 salesCreditMemos serves it now."""
        memo = BusinessCentralCreditMemos(self.client).get(memo_id)
        assert memo is not None
        return memo


@pytest.fixture(scope="module")
def company() -> Iterator[Company]:
    with BusinessCentralSimulator() as sim:
        yield Company(sim, bc_client(sim))


def test_a_credit_memo_bc_posted_is_posted(company: Company) -> None:
    invoice = company.invoice("WEB-PCM-20")
    memo = company.control(f"salesInvoices/{invoice['id']}/creditMemo", {"amount": 10, "apply": False})

    listed = company.listed(memo["id"])

    assert listed.open
    assert company.posted.is_posted(listed)


def test_a_released_unposted_credit_memo_is_open_but_not_posted_until_bc_posts_it(company: Company) -> None:
    invoice = company.invoice("WEB-PCM-21")
    memo = company.control("salesCreditMemos", {"invoiceId": invoice["id"], "amount": 10, "apply": False})

    before = company.listed(memo["id"])
    company.control(f"salesCreditMemos/{memo['id']}/post")
    after = company.listed(memo["id"])

    assert (before.status, before.open) == ("Open", True)
    assert not company.posted.is_posted(before)
    assert after.id == before.id
    assert after.number != before.number
    assert company.posted.is_posted(after)
    assert not company.posted.is_posted(before)


def test_another_credit_memo_with_the_same_id_or_number_is_not_taken_for_this_one(company: Company) -> None:
    invoice = company.invoice("WEB-PCM-22")
    first = company.listed(company.control(f"salesInvoices/{invoice['id']}/creditMemo", {"amount": 5})["id"])
    second = company.listed(company.control(f"salesInvoices/{invoice['id']}/creditMemo", {"amount": 5})["id"])

    assert not company.posted.is_posted(first.model_copy(update={"number": second.number}))
    assert not company.posted.is_posted(first.model_copy(update={"id": second.id.upper(), "number": "O'NEIL"}))
    assert company.posted.is_posted(first.model_copy(update={"id": first.id.upper()}))
