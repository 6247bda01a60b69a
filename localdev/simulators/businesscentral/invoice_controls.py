"""Test controls under /_sim/ for unposted sales invoices, which salesInvoices lists beside the posted ones.

- POST /_sim/salesOrders/{id}/draftInvoice {"status"?: "Draft" (default) | "In Review"}: a user makes a sales
  invoice for what the order shipped and has not invoiced, and does not post it (or sends it for approval).
- POST /_sim/salesInvoices/{id}/post: the user posts it: a posted number, a customer ledger entry, status Open; the
  id stays.

A refusal is a BCError, answered by the app's error middleware.
"""

from __future__ import annotations

from datetime import date

from aiohttp import web

from localdev.simulators.businesscentral.errors import BCError, bad_request
from localdev.simulators.businesscentral.invoicing import UNPOSTED, post_invoice, ship_and_invoice
from localdev.simulators.businesscentral.store import Store


class InvoiceControls:
    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/_sim/salesOrders/{order}/draftInvoice", self.draft)
        app.router.add_post("/_sim/salesInvoices/{invoice}/post", self.post)

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
