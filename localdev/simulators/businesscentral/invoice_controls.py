"""Test controls under /_sim/ for unposted sales invoices and credit memos, which salesInvoices and salesCreditMemos
list beside the posted ones.

- POST /_sim/salesOrders/{id}/draftInvoice {"status"?: "Draft" (default) | "In Review"}: a user makes a sales
  invoice for what the order shipped and has not invoiced, and does not post it (or sends it for approval).
- POST /_sim/salesInvoices/{id}/post: the user posts it: a posted number, a customer ledger entry, status Open; the
  id stays.
- POST /_sim/salesCreditMemos {"invoiceId", "amount"? (incl. VAT, default the invoice total), "apply"? (default
  true: applied to the invoice once posted), "status"? ("Open" = released, the default; "Draft"; "In Review")}: a user
  makes a credit memo and does not post it. salesCreditMemos lists it; postedSalesCreditMemos does not.
- POST /_sim/salesCreditMemos/{id}/post: the user posts it (credit_memos.py): it keeps its id and gets a number from
  the posted series.

A refusal is a BCError, answered by the app's error middleware.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from aiohttp import web

from localdev.simulators.businesscentral.credit_memos import (
    UNPOSTED_CREDIT_MEMO_STATUSES,
    draft_credit_memo,
    post_draft_credit_memo,
)
from localdev.simulators.businesscentral.errors import BCError, bad_request, object_body
from localdev.simulators.businesscentral.invoicing import UNPOSTED, post_invoice, ship_and_invoice
from localdev.simulators.businesscentral.store import Store


class InvoiceControls:
    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/_sim/salesOrders/{order}/draftInvoice", self.draft)
        app.router.add_post("/_sim/salesInvoices/{invoice}/post", self.post)
        app.router.add_post("/_sim/salesCreditMemos", self.draft_credit_memo)
        app.router.add_post("/_sim/salesCreditMemos/{memo}/post", self.post_credit_memo)

    async def draft(self, request: web.Request) -> web.Response:
        order = self.store.sales_orders.get(request.match_info["order"].lower())
        if order is None:
            raise BCError(404, "NotFound", "no such sales order")
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError as exc:
            raise bad_request("the body must be a JSON object") from exc
        status = body.get("status", "Draft") if isinstance(body, dict) else None
        if status not in UNPOSTED:
            raise bad_request(f"status is one of {', '.join(UNPOSTED)}")
        return web.json_response(ship_and_invoice(self.store, order, date.today(), unposted=status), status=201)

    async def post(self, request: web.Request) -> web.Response:
        invoice = self.store.sales_invoices.get(request.match_info["invoice"].lower())
        if invoice is None:
            raise BCError(404, "NotFound", "no such sales invoice")
        return web.json_response(post_invoice(self.store, invoice, date.today()))

    async def draft_credit_memo(self, request: web.Request) -> web.Response:
        body = await object_body(request)
        invoice = self.store.sales_invoices.get(str(body.get("invoiceId", "")))
        if invoice is None:
            raise BCError(404, "NotFound", "no such sales invoice")
        amount = body.get("amount")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int | float)):
            raise bad_request("amount must be a number")
        apply, status = body.get("apply", True), body.get("status", "Open")
        if not isinstance(apply, bool):
            raise bad_request("apply must be true or false")
        if status not in UNPOSTED_CREDIT_MEMO_STATUSES:
            raise bad_request(f"status is one of {', '.join(UNPOSTED_CREDIT_MEMO_STATUSES)}")
        money = None if amount is None else Decimal(str(amount))
        return web.json_response(draft_credit_memo(self.store, invoice, money, apply, status), status=201)

    async def post_credit_memo(self, request: web.Request) -> web.Response:
        memo = self.store.sales_credit_memos.get(request.match_info["memo"].lower())
        if memo is None:
            raise BCError(404, "NotFound", "no such sales credit memo")
        return web.json_response(post_draft_credit_memo(self.store, memo, date.today()))
