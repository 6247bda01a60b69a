"""An order's refunds with the rules `refundCreate` applies (the GraphQL side is refund_api.py).

What Shopify documents (shopify.dev Admin GraphQL `objects/Refund`, `input-objects/RefundInput`, `mutations/
refundCreate`): a Refund is the record of refunded line items and transactions; `totalRefundedSet` is "the total
amount across all transactions for the refund", and "the existence of a Refund object doesn't guarantee that the
money has been returned": the money moves through its `transactions`. So a refund without transactions moves no money
and counts nothing as refunded: the order's `displayFinancialStatus` stays as it was. A REFUND transaction moves money
(the payment's gateway pays it back): the simulator keeps each such transaction in `money_moved`, so a test can prove
a client never sent one, and counts it as refunded (PARTIALLY_REFUNDED, or REFUNDED when nothing is left).

Simulator's words and choices, not seen from Shopify (unconfirmed): the userErrors' messages, a refund without line
items, shipping or transactions being accepted (an empty record with its note), no webhooks (`refunds/create`,
`orders/updated`) delivered for a refund, refund line items recorded without restocking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any

from localdev.simulators.shopify.catalog import gid, now_stamp
from localdev.simulators.shopify.gql_errors import UserError
from localdev.simulators.shopify.money import money

NO_ORDER = "Order does not exist"  # unconfirmed
NOT_A_REFUND = "Transaction kind must be refund"  # unconfirmed
OVER_REFUND = "Refund amount exceeds the refundable amount of {left}"  # unconfirmed


@dataclass
class RefundTransaction:
    id: str
    gateway: str
    amount: Decimal
    currency: str
    parent_id: str | None
    kind: str = "REFUND"
    status: str = "SUCCESS"


@dataclass
class Refund:
    id: str
    order_id: int
    note: str | None
    notify: bool
    transactions: list[RefundTransaction]
    line_items: list[dict[str, Any]]
    """RefundLineItemInput as sent (`lineItemId`, `quantity`, `restockType`)."""
    currency: str
    created_at: str = field(default_factory=now_stamp)

    @property
    def total(self) -> Decimal:
        return sum((transaction.amount for transaction in self.transactions), Decimal(0))

    def to_json(self) -> dict[str, Any]:
        """As `/_sim/orders/{id}/refunds` shows it."""
        moved = [
            {"id": t.id, "gateway": t.gateway, "amount": money(t.amount), "parentId": t.parent_id}
            for t in self.transactions
        ]
        return {
            "id": self.id,
            "note": self.note,
            "notify": self.notify,
            "totalRefunded": money(self.total),
            "transactions": moved,
            "refundLineItems": self.line_items,
            "createdAt": self.created_at,
        }


@dataclass(frozen=True)
class RefundOutcome:
    refund: Refund | None
    errors: list[UserError]


class RefundDesk:
    """Refunds of every order; `orders` gives the order store's dict (REST order JSON by id)."""

    def __init__(self, orders: Callable[[], Mapping[int, dict[str, Any]]]) -> None:
        self._orders = orders
        self.refunds: dict[int, list[Refund]] = {}
        self._numbers = count(2_000_001)

    def of_order(self, order_id: int) -> list[Refund]:
        return list(self.refunds.get(order_id, []))

    def money_moved(self, order_id: int) -> list[RefundTransaction]:
        """The REFUND transactions sent for the order: money its gateway was told to pay back."""
        return [t for refund in self.of_order(order_id) for t in refund.transactions]

    def refunded(self, order_id: int) -> Decimal:
        return sum((refund.total for refund in self.of_order(order_id)), Decimal(0))

    def create(self, refund_input: Mapping[str, Any]) -> RefundOutcome:
        """`refundCreate(input:)`: all or nothing."""
        order_id = _number(str(refund_input["orderId"]))
        order = self._orders().get(order_id) if order_id is not None else None
        if order_id is None or order is None:
            return RefundOutcome(None, [UserError(("orderId",), NO_ORDER, None)])
        transactions = refund_input.get("transactions") or []
        errors = self._transaction_errors(order_id, order, transactions, bool(refund_input.get("allowOverRefunding")))
        if errors:
            return RefundOutcome(None, errors)
        refund = Refund(
            gid("Refund", next(self._numbers)),
            order_id,
            refund_input.get("note"),
            bool(refund_input.get("notify")),
            [self._transaction(t, str(order["currency"])) for t in transactions],
            [dict(line) for line in refund_input.get("refundLineItems") or []],
            str(order["currency"]),
        )
        self.refunds.setdefault(order_id, []).append(refund)
        self._settle(order_id, order)
        return RefundOutcome(refund, [])

    def _transaction_errors(
        self, order_id: int, order: Mapping[str, Any], transactions: Sequence[Mapping[str, Any]], over: bool
    ) -> list[UserError]:
        errors = [
            UserError(("transactions", str(index), "kind"), NOT_A_REFUND, None)
            for index, transaction in enumerate(transactions)
            if transaction["kind"] != "REFUND"
        ]
        asked = sum((Decimal(t["amount"]) for t in transactions), Decimal(0))
        left = _received(order) - self.refunded(order_id)
        if not over and asked > left:
            errors.append(UserError(("transactions",), OVER_REFUND.format(left=money(left)), None))
        return errors

    def _transaction(self, transaction: Mapping[str, Any], currency: str) -> RefundTransaction:
        return RefundTransaction(
            gid("OrderTransaction", next(self._numbers)),
            str(transaction["gateway"]),
            Decimal(transaction["amount"]),
            currency,
            transaction.get("parentId"),
        )

    def _settle(self, order_id: int, order: dict[str, Any]) -> None:
        """The order's financial status after money was refunded; a refund without transactions changes nothing."""
        refunded = self.refunded(order_id)
        if refunded <= 0:
            return
        order["financial_status"] = "refunded" if refunded >= _received(order) else "partially_refunded"


def _received(order: Mapping[str, Any]) -> Decimal:
    """What the customer paid: the total less what is still outstanding."""
    return Decimal(order["total_price"]) - Decimal(order["total_outstanding"])


def _number(order_gid: str) -> int | None:
    number = order_gid.rsplit("/", 1)[-1]
    return int(number) if order_gid.startswith("gid://shopify/Order/") and number.isdigit() else None
