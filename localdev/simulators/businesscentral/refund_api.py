"""Koppel's own API page `api/koppel/payments/v1.0/companies({id})/customerRefunds` (see refunds.py): GET (with
$filter, $select, paging), POST (201), and GET / DELETE (If-Match) of one line."""

from __future__ import annotations

import json
import re

from aiohttp import web

from localdev.simulators.businesscentral.api import (
    ODATA_HEADERS,
    check_if_match,
    collection_response,
    json_response,
)
from localdev.simulators.businesscentral.errors import BCError, bad_request, not_found_segment, record_not_found
from localdev.simulators.businesscentral.payments import CustomerPayments
from localdev.simulators.businesscentral.payments_schema import CUSTOMER_REFUND
from localdev.simulators.businesscentral.query import parse_query, project
from localdev.simulators.businesscentral.store import Record

_PATH = re.compile(r"^customerRefunds(?:\(([0-9A-Fa-f-]{36})\))?/?$")


class RefundApi:
    def __init__(self, payments: CustomerPayments, page_size: int) -> None:
        self.payments = payments
        self.refunds = payments.refunds
        self.page_size = page_size

    async def handle(self, request: web.Request) -> web.Response:
        try:
            return await self._handle(request)
        except BCError as error:
            return json_response(error.body(), error.status, error.headers)

    async def _handle(self, request: web.Request) -> web.Response:
        company = request.match_info["company"].lower()
        if self.payments.store.companies.get(company) is None:
            raise record_not_found("company", company)
        found = _PATH.match(request.match_info["tail"])
        if found is None:
            raise not_found_segment(request.match_info["tail"])
        base = str(request.url.with_query(None)).split("/customerRefunds", 1)[0]
        context = f"{base}/$metadata#companies({company})/customerRefunds"
        options = parse_query(dict(request.query), CUSTOMER_REFUND)
        key, method = found.group(1), request.method
        if key is None and method == "GET":

            def shape(records: list[Record]) -> list[Record]:
                return [project(record, options.select, ()) for record in records]

            rows = self.refunds.all()
            return collection_response(request, context, rows, options, page_size=self.page_size, shape=shape)
        if key is None and method == "POST":
            body = await request.read()
            journal = self._journal_of(body)
            created = self.refunds.create(_json(body), self.payments.next_line_number(journal))
            location = f"{base}/customerRefunds({created['id']})"
            return json_response(_render(context, created), 201, {"Location": location})
        if key is not None and method in ("GET", "DELETE"):
            line = self.refunds.get(key.lower())
            if line is None:
                raise record_not_found(CUSTOMER_REFUND.name, key)
            if method == "GET":
                return json_response(_render(context, project(line, options.select, ())))
            check_if_match(request, line, CUSTOMER_REFUND)
            self.refunds.delete(line)
            return web.Response(status=204, headers=ODATA_HEADERS)
        raise BCError(
            405,
            "BadRequest_MethodNotAllowed",
            f"'{method}' requests for 'customerRefunds' are not allowed within Dynamics 365 Business Central OData "
            "web services.",
        )

    def _journal_of(self, body: bytes) -> Record:
        values = _json(body)
        journal_id = str(values.get("journalId", "")).lower() if isinstance(values, dict) else ""
        journal = self.payments.store.customer_payment_journals.get(journal_id)
        if journal is None:
            raise bad_request('The "journalId" does not match to a customer payment journal.')
        return journal


def _render(context: str, line: Record) -> Record:
    return {"@odata.context": f"{context}/$entity", **line}


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request("The request body is not valid JSON.") from exc
