"""A B2B customer asks on the portal to send goods of its own order back: the request is kept once per
Idempotency-Key, checked against what it ordered and asked back before, and made into one BC sales return order
(or left to a person when Koppel's BC page is not installed or BC refuses)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from domain.errors import BusinessCentralRejected, RetryableError
from domain.models import BcSalesOrder, BcSalesOrderLine, OrderStatus, WebOrderKey
from domain.records import OrderRecord
from domain.refunds.portal_returns import (
    CannotReturn,
    PortalReturns,
    ReturnAsk,
    UnknownOrder,
    ask_return,
    make_return_orders,
    parse,
)
from domain.refunds.return_ports import BcReturnOrder, NewReturnOrder
from domain.refunds.return_request import ReturnState
from tests.fakes import FixedClock, MemoryOrders, MemoryReturnRequests, MemorySyncRuns

ORDER = WebOrderKey(source="portal", shop="b2b", order_id="PO-77")
CUSTOMER = "C20000"


class ReturnOrders:
    """Koppel's return order page: `lose_next` makes the order and loses the answer; `refuse` refuses."""

    def __init__(self) -> None:
        self.made: dict[str, tuple[BcReturnOrder, NewReturnOrder]] = {}
        self.lose_next = False
        self.refuse = ""
        self._numbers = itertools.count(1001)

    def find(self, external_document_number: str, your_reference: str) -> BcReturnOrder | None:
        found = self.made.get(your_reference)
        return found[0] if found and found[1].external_document_number == external_document_number else None

    def create(self, order: NewReturnOrder) -> BcReturnOrder:
        if self.refuse:
            raise BusinessCentralRejected(400, "Application_DialogException", self.refuse)
        made = BcReturnOrder(id=f"ro-{len(self.made)}", number=f"S-RO{next(self._numbers)}", status="Open")
        self.made[order.your_reference] = (made, order)
        if self.lose_next:
            self.lose_next = False
            raise RetryableError("BC did not answer")
        return made


def returns_with(bc: ReturnOrders | None = None) -> PortalReturns:
    orders = MemoryOrders()
    lines = (
        BcSalesOrderLine(line_type="Item", object_number="1900-S", quantity=Decimal(5)),
        BcSalesOrderLine(line_type="Item", object_number="1906-S", quantity=Decimal(2)),
        BcSalesOrderLine(line_type="Account", object_number="8000", quantity=Decimal(1)),
    )
    document = BcSalesOrder(
        id="so-1",
        number="S-ORD1077",
        status="Open",
        customer_number=CUSTOMER,
        external_document_number="PO-77",
        total_excluding_tax=Decimal(100),
        total_tax=Decimal(21),
        total_including_tax=Decimal(121),
        lines=lines,
    )
    orders.create(OrderRecord(key=ORDER, status=OrderStatus.IN_BC, bc=document))
    return PortalReturns(
        requests=MemoryReturnRequests(), orders=orders, clock=FixedClock(), runs=MemorySyncRuns(), bc=bc
    )


def ask(*lines: tuple[str, str], order: str = "PO-77") -> ReturnAsk:
    body = {
        "orderId": order,
        "lines": [{"itemNumber": item, "quantity": qty, "reasonCode": "defect"} for item, qty in lines],
    }
    return ReturnAsk.model_validate(body)


def test_a_return_of_goods_on_the_customers_order_is_kept_and_made_one_bc_return_order():
    bc = ReturnOrders()
    returns = returns_with(bc)

    request = ask_return(returns, CUSTOMER, ask(("1900-s", "2")), "click-1")
    make_return_orders(returns)

    kept = returns.requests.get(request.return_id)
    assert kept is not None
    assert (kept[0].state, kept[0].return_order_number) == (ReturnState.IN_BC, "S-RO1001")
    [(_, sent)] = bc.made.values()
    assert (sent.customer_number, sent.external_document_number, sent.your_reference) == (
        CUSTOMER,
        "PO-77",
        request.return_id,
    )
    assert [(line.item_number, line.quantity, line.return_reason) for line in sent.lines] == [
        ("1900-S", Decimal(2), "DEFECT")
    ]


def test_the_same_idempotency_key_answers_the_same_request_and_makes_no_second():
    returns = returns_with(ReturnOrders())

    first = ask_return(returns, CUSTOMER, ask(("1900-S", "2")), "click-1")
    second = ask_return(returns, CUSTOMER, ask(("1900-S", "2")), "click-1")

    assert first == second
    assert len(returns.requests.for_order(ORDER)) == 1


def test_without_a_key_the_same_request_sent_again_is_the_same_return_and_another_one_is_new():
    returns = returns_with(ReturnOrders())

    first = ask_return(returns, CUSTOMER, ask(("1900-S", "1")), "")
    again = ask_return(returns, CUSTOMER, ask(("1900-S", "1")), "")
    other = ask_return(returns, CUSTOMER, ask(("1906-S", "1")), "")

    assert first.return_id == again.return_id != other.return_id
    assert len(returns.requests.for_order(ORDER)) == 2


def test_more_back_than_was_ordered_less_what_was_asked_back_before_is_refused_with_the_numbers():
    returns = returns_with(ReturnOrders())
    ask_return(returns, CUSTOMER, ask(("1900-S", "4")), "click-1")

    with pytest.raises(CannotReturn, match="item 1900-S: 2 asked back, 1 left to return of 5 ordered"):
        ask_return(returns, CUSTOMER, ask(("1900-S", "2")), "click-2")


def test_a_customer_billed_to_another_returns_its_own_order_and_the_bill_to_customer_cannot():
    returns = returns_with(ReturnOrders())
    record, etag = returns.orders.get(ORDER) or pytest.fail("no order")
    assert record.bc is not None
    billed_elsewhere = record.bc.model_copy(update={"bill_to_customer_number": "C30000"})
    returns.orders.replace(record.model_copy(update={"bc": billed_elsewhere}), etag)

    asked = ask_return(returns, CUSTOMER, ask(("1900-S", "1")), "click-1")

    assert asked.customer_number == CUSTOMER
    with pytest.raises(UnknownOrder):
        ask_return(returns, "C30000", ask(("1900-S", "1")), "click-2")


def test_an_item_not_on_the_order_is_refused():
    with pytest.raises(CannotReturn, match="item 1999-S is not on the order"):
        ask_return(returns_with(ReturnOrders()), CUSTOMER, ask(("1999-S", "1")), "")


def test_another_customers_order_or_an_unknown_one_is_not_found():
    returns = returns_with(ReturnOrders())

    with pytest.raises(UnknownOrder):
        ask_return(returns, "C99999", ask(("1900-S", "1")), "")
    with pytest.raises(UnknownOrder):
        ask_return(returns, CUSTOMER, ask(("1900-S", "1"), order="PO-78"), "")
    assert returns.requests.for_order(ORDER) == []


def test_a_return_order_whose_answer_was_lost_is_found_again_not_made_twice():
    bc = ReturnOrders()
    bc.lose_next = True
    returns = returns_with(bc)
    request = ask_return(returns, CUSTOMER, ask(("1906-S", "1")), "")

    assert make_return_orders(returns).completed is False
    make_return_orders(returns)

    assert len(bc.made) == 1
    kept = returns.requests.get(request.return_id)
    assert kept is not None
    assert kept[0].state is ReturnState.IN_BC


def test_without_koppels_page_in_bc_a_person_makes_the_return_order():
    returns = returns_with(None)

    request = ask_return(returns, CUSTOMER, ask(("1906-S", "1")), "")

    assert request.state is ReturnState.NEEDS_ATTENTION
    assert [each.return_id for each in returns.requests.needing_a_person()] == [request.return_id]


def test_bc_refusing_the_return_order_puts_it_before_a_person_with_bcs_words():
    bc = ReturnOrders()
    bc.refuse = "The field Return Reason Code of table Sales Line contains a value (DEFECT) that cannot be found"
    returns = returns_with(bc)
    request = ask_return(returns, CUSTOMER, ask(("1906-S", "1")), "")

    make_return_orders(returns)

    kept = returns.requests.get(request.return_id)
    assert kept is not None
    assert kept[0].state is ReturnState.NEEDS_ATTENTION
    assert kept[0].problem.startswith("BC refused the return order: The field Return Reason Code")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"orderId": "PO-1", "lines": []}',
        b'{"orderId": "PO-1", "lines": [{"itemNumber": "1900-S", "quantity": "-1"}]}',
        b'{"orderId": "PO-1", "lines": [{"itemNumber": "1900-S", "quantity": "1"}], "refund": "all"}',
        b'{"orderId": "", "lines": [{"itemNumber": "1900-S", "quantity": "1"}]}',
    ],
)
def test_a_request_that_does_not_fit_is_refused_with_a_reason(body: bytes):
    with pytest.raises(ValueError, match="return request"):
        parse(body)
