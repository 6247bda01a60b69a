"""B2B returns asked on the portal (`POST /api/portal/customers/{customerNumber}/returns`): the request checked
against the customer's own order and what it already asked back, kept (once per Idempotency-Key; without one, once
per identical request), and made into a BC sales return order by the run `portal-returns` (on the booking timer)
through Koppel's BC page; without that page a person makes it (`GET /api/ops/returns`). BC's return handling
(receipt, credit memo) takes it from there; the credit memo is filed on the order like any other.

Simplifications: an item is checked against the BC order's item lines by its number (a variant code is passed on for
BC to check); what was shipped is not checked (BC's return order refers to no shipment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import BusinessCentralRejected, ConcurrencyConflict, RetryableError
from domain.models import BcSalesOrder, WebOrderKey
from domain.orders.mapping.portal import CODE, SHOP, SOURCE
from domain.ports import Clock, OrderStore, SyncRuns
from domain.records import SyncRun
from domain.refunds.return_ports import NewReturnOrder, ReturnLine, ReturnOrders
from domain.refunds.return_request import KEY_PREFIX, ReturnRequest, ReturnState
from domain.runs import RETURN_COUNTS, RunTally, recorded_run
from domain.values import parse_json

RUN_NAME = "portal-returns"
MAX_LINES = 100
NO_PAGE = "Koppel's return order page is not installed in BC (KOPPEL_BC_RETURNS_API): make the sales return order"


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ReturnAskLine(_Schema):
    item_number: str = Field(alias="itemNumber", max_length=20, pattern=CODE)
    variant_code: str = Field("", alias="variantCode", max_length=10, pattern=r"^$|" + CODE)
    quantity: Decimal = Field(gt=0, le=10**6, allow_inf_nan=False, decimal_places=5)
    reason_code: str = Field("", alias="reasonCode", max_length=10, pattern=r"^$|" + CODE)
    """BC's Return Reason code."""


class ReturnAsk(_Schema):
    order_id: str = Field(alias="orderId", min_length=1, max_length=100, pattern=CODE)
    """The portal's id of the order the goods come from."""
    lines: list[ReturnAskLine] = Field(min_length=1, max_length=MAX_LINES)
    note: str = Field("", max_length=250)


def parse(body: bytes) -> ReturnAsk:
    """Validate a return request; raises ValueError with a readable message when it does not fit."""
    return parse_json(ReturnAsk, body, "return request")


class ReturnRequests(Protocol):
    """Koppel's return requests, each written on its ETag."""

    def get(self, return_id: str) -> tuple[ReturnRequest, str] | None: ...

    def write(self, request: ReturnRequest, etag: str | None) -> str:
        """Store it if its ETag still matches (None: only if there is none yet); ConcurrencyConflict otherwise."""
        ...

    def unfinished(self) -> Iterable[ReturnRequest]: ...

    def for_order(self, order: WebOrderKey) -> list[ReturnRequest]: ...

    def needing_a_person(self) -> list[ReturnRequest]: ...


class UnknownOrder(Exception):
    """The customer has no such order in BC (or it is another customer's): answered as not found."""


class CannotReturn(Exception):
    """The request does not fit the order: the message says why."""


@dataclass(frozen=True)
class PortalReturns:
    requests: ReturnRequests
    orders: OrderStore
    clock: Clock
    runs: SyncRuns
    bc: ReturnOrders | None
    """Koppel's return order page in BC; None: a person makes each return order."""
    name: str = RUN_NAME


def ask_return(returns: PortalReturns, customer: str, ask: ReturnAsk, idempotency_key: str) -> ReturnRequest:
    """The request, kept; the one kept already under the same Idempotency-Key is answered again. UnknownOrder,
    CannotReturn."""
    order = WebOrderKey(source=SOURCE, shop=SHOP, order_id=ask.order_id)
    return_id = _return_id(customer, order, idempotency_key or ask.model_dump_json())
    kept = returns.requests.get(return_id)
    if kept is not None:
        return kept[0]
    document, ordered = _ordered(returns.orders, order, customer)
    asked = [_line(line) for line in ask.lines]
    _check_quantities(asked, ordered, returns.requests.for_order(order))
    now = returns.clock.now()
    request = ReturnRequest(
        return_id=return_id,
        customer_number=customer,
        order=order,
        external_document_number=document.external_document_number,
        lines=tuple(asked),
        note=ask.note,
        requested_at=now,
        updated_at=now,
    )
    if returns.bc is None:
        request = request.for_a_person(NO_PAGE, now)
    try:
        returns.requests.write(request, None)
    except ConcurrencyConflict:
        raced = returns.requests.get(return_id)
        if raced is None:
            raise RetryableError("the return request was being written by another request") from None
        return raced[0]
    return request


def _line(asked: ReturnAskLine) -> ReturnLine:
    return ReturnLine(
        item_number=asked.item_number.upper(),
        variant_code=asked.variant_code.upper(),
        quantity=asked.quantity,
        return_reason=asked.reason_code.upper(),
    )


def _return_id(customer: str, order: WebOrderKey, asked_as: str) -> str:
    """RET- and 12 characters of a hash of the customer, the order and `asked_as` (the Idempotency-Key, else the
    request itself: a POST sent again after a lost answer is the same return)."""
    digest = hashlib.sha256(f"{customer}\n{order}\n{asked_as}".encode()).hexdigest()
    return f"{KEY_PREFIX}{digest[:12].upper()}"


def _ordered(orders: OrderStore, order: WebOrderKey, customer: str) -> tuple[BcSalesOrder, dict[str, Decimal]]:
    """The customer's BC order (it is its sell-to customer, as the portal orders it), and per item number the
    quantity on it. UnknownOrder when it is not the customer's."""
    found = orders.get(order)
    document = found[0].bc if found else None
    if document is None or document.customer_number.upper() != customer.upper():
        raise UnknownOrder(f"customer {customer} has no order {order.order_id} in BC")
    ordered: dict[str, Decimal] = {}
    for line in document.lines:
        if line.line_type == "Item":
            number = line.object_number.upper()
            ordered[number] = ordered.get(number, Decimal(0)) + line.quantity
    return document, ordered


def _check_quantities(asked: list[ReturnLine], ordered: dict[str, Decimal], earlier: list[ReturnRequest]) -> None:
    """CannotReturn when an item was not ordered, or more is asked back than was ordered less earlier requests."""
    before = _per_item(line for request in earlier for line in request.lines)
    wanted = _per_item(asked)
    for item, quantity in wanted.items():
        if item not in ordered:
            raise CannotReturn(f"item {item} is not on the order")
        left = ordered[item] - before.get(item, Decimal(0))
        if quantity > left:
            raise CannotReturn(f"item {item}: {quantity} asked back, {left} left to return of {ordered[item]} ordered")


def _per_item(lines: Iterable[ReturnLine]) -> dict[str, Decimal]:
    summed: dict[str, Decimal] = {}
    for line in lines:
        summed[line.item_number] = summed.get(line.item_number, Decimal(0)) + line.quantity
    return summed


def make_return_orders(returns: PortalReturns) -> SyncRun:
    """The run: each request still to make into a BC return order, found again (by its id as externalDocumentNumber)
    or made."""

    def work(tally: RunTally) -> bool:
        made = [_make(returns, each.return_id, tally) for each in list(returns.requests.unfinished())]
        return all(made)

    return recorded_run(returns.name, RETURN_COUNTS, returns.clock, returns.runs, work)


def _make(returns: PortalReturns, return_id: str, tally: RunTally) -> bool:
    found = returns.requests.get(return_id)
    if found is None or found[0].finished:
        return True
    request, etag = found
    tally.read += 1
    now = returns.clock.now()
    try:
        changed = _in_bc(returns.bc, request, now) if returns.bc else request.for_a_person(NO_PAGE, now)
        returns.requests.write(changed, etag)
    except (RetryableError, ConcurrencyConflict) as stopped:
        tally.problem(f"{return_id} waits for the next run: {stopped}")
        return False
    if changed.state is ReturnState.IN_BC:
        tally.changed += 1
    else:
        tally.failed += 1
        tally.problem(f"{return_id}: {changed.problem}")
    return True


def _in_bc(bc: ReturnOrders, request: ReturnRequest, now: datetime) -> ReturnRequest:
    """The return order found again or made; BC's refusal for a person."""
    try:
        made = bc.find(request.external_document_number, request.return_id) or bc.create(_new_return_order(request))
    except BusinessCentralRejected as refused:
        return request.for_a_person(f"BC refused the return order: {refused.message}", now)
    return request.in_bc(made.number, now)


def _new_return_order(request: ReturnRequest) -> NewReturnOrder:
    return NewReturnOrder(
        customer_number=request.customer_number,
        external_document_number=request.external_document_number,
        your_reference=request.return_id,
        lines=request.lines,
    )
