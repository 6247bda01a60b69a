"""Stripe's payment objects in memory: payment intents, their charge, refunds and disputes, and events."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any

DISPUTE_RESPONSE_DAYS = 7
DECLINED = "Your card was declined."
DISPUTE_STEPS = {
    "needs_response": frozenset({"under_review", "won", "lost"}),
    "under_review": frozenset({"won", "lost"}),
    "warning_needs_response": frozenset({"warning_under_review", "warning_closed"}),
    "warning_under_review": frozenset({"warning_closed"}),
}
"""Where a dispute can go from each status (stripe-python stripe/_dispute.py `status`); won, lost and warning_closed
are final. `warning_*` is an inquiry: no funds are withdrawn and the charge can still be refunded."""
CLOSED = frozenset({"won", "lost", "warning_closed"})
REFUND_STEPS = {
    "pending": frozenset({"requires_action", "succeeded", "failed", "canceled"}),
    "requires_action": frozenset({"pending", "succeeded", "failed", "canceled"}),
    "succeeded": frozenset({"failed"}),
}
"""Where a refund can go (stripe-python stripe/_refund.py `status`: pending, requires_action, succeeded, failed,
canceled); failed and canceled are final."""


class StripeError(Exception):
    """An answer `{"error": {type, message, code?, param?, doc_url?}}` with this status."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        param: str | None = None,
        kind: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.kind = kind

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        error["message"] = self.message
        if self.param is not None:
            error["param"] = self.param
        error["type"] = self.kind
        return {"error": error}


def missing(kind: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", "resource_missing", param)


class Ids:
    """Stripe-looking ids (`pi_` + 24 letters and digits) from a seeded generator: the same run, the same ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def next(self, prefix: str, length: int = 24) -> str:
        return prefix + "".join(self._rng.choices(string.ascii_letters + string.digits, k=length))


@dataclass
class Charge:
    id: str
    amount: int
    currency: str
    payment_intent: str
    payment_method: str
    description: str | None
    metadata: dict[str, str]
    created: int
    amount_refunded: int = 0
    disputed: bool = False
    """Once disputed, always: Stripe's `disputed` stays true after the dispute is won or lost."""
    refundable: bool = True
    """False while a dispute (not an inquiry) is open or after it was lost (the dispute's `is_charge_refundable`)."""

    def refund(self, amount: int | None) -> int:
        """Refund `amount` (all that is left when None); the amount refunded."""
        left = self.amount - self.amount_refunded
        amount = left if amount is None else amount
        if not self.refundable:
            raise StripeError(400, f"Charge {self.id} has been charged back; cannot issue a refund.", "charge_disputed")
        if left == 0:
            raise StripeError(400, f"Charge {self.id} has already been refunded.", "charge_already_refunded")
        if amount > left:
            raise StripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                "amount_too_large",
                "amount",
            )
        self.amount_refunded += amount
        return amount

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "charge",
            "amount": self.amount,
            "amount_captured": self.amount,
            "amount_refunded": self.amount_refunded,
            "balance_transaction": None,
            "captured": True,
            "created": self.created,
            "currency": self.currency,
            "description": self.description,
            "disputed": self.disputed,
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            "metadata": dict(self.metadata),
            "outcome": {
                "network_status": "approved_by_network",
                "seller_message": "Payment complete.",
                "type": "authorized",
            },
            "paid": True,
            "payment_intent": self.payment_intent,
            "payment_method": self.payment_method,
            "refunded": self.amount_refunded == self.amount,
            "status": "succeeded",
        }


@dataclass
class PaymentIntent:
    id: str
    amount: int
    currency: str
    description: str | None
    metadata: dict[str, str]
    created: int
    client_secret: str
    receipt_email: str | None = None
    status: str = "requires_payment_method"
    charge: Charge | None = None
    last_payment_error: dict[str, Any] | None = None
    payment_method: str | None = None

    def succeed(self, charge: Charge) -> None:
        if self.status == "succeeded":
            raise StripeError(400, f"This PaymentIntent's status is {self.status}.", "payment_intent_unexpected_state")
        self.status, self.charge, self.payment_method = "succeeded", charge, charge.payment_method
        self.last_payment_error = None

    def fail(self, code: str, decline_code: str, message: str) -> None:
        """A declined attempt: the intent wants a new payment method and shows why the last one failed."""
        if self.status == "succeeded":
            raise StripeError(400, f"This PaymentIntent's status is {self.status}.", "payment_intent_unexpected_state")
        self.status = "requires_payment_method"
        self.last_payment_error = {"code": code, "decline_code": decline_code, "message": message, "type": "card_error"}

    def paid_charge(self, action: str) -> Charge:
        if self.charge is None:
            message = f"This PaymentIntent ({self.id}) does not have a successful charge to {action}."
            raise StripeError(400, message, "charge_not_refundable" if action == "refund" else None)
        return self.charge

    def json(self, expand_charge: bool = False) -> dict[str, Any]:
        charge: Any = None
        if self.charge is not None:
            charge = self.charge.json() if expand_charge else self.charge.id
        return {
            "id": self.id,
            "object": "payment_intent",
            "amount": self.amount,
            "amount_capturable": 0,
            "amount_received": self.amount if self.status == "succeeded" else 0,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic",
            "client_secret": self.client_secret,
            "confirmation_method": "automatic",
            "created": self.created,
            "currency": self.currency,
            "customer": None,
            "description": self.description,
            "last_payment_error": self.last_payment_error,
            "latest_charge": charge,
            "livemode": False,
            "metadata": dict(self.metadata),
            "next_action": None,
            "payment_method": self.payment_method,
            "payment_method_types": ["card"],
            "receipt_email": self.receipt_email,
            "status": self.status,
        }


@dataclass
class Refund:
    id: str
    amount: int
    charge: Charge
    reason: str | None
    metadata: dict[str, str]
    created: int
    status: str = "succeeded"

    def move_to(self, status: str) -> None:
        """A failed or canceled refund gives its amount back to the charge."""
        if status not in REFUND_STEPS.get(self.status, frozenset()):
            raise StripeError(400, f"A refund with status {self.status} cannot become {status}.", param="status")
        self.status = status
        if status in {"failed", "canceled"}:
            self.charge.amount_refunded -= self.amount

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "refund",
            "amount": self.amount,
            "balance_transaction": None,
            "charge": self.charge.id,
            "created": self.created,
            "currency": self.charge.currency,
            "metadata": dict(self.metadata),
            "payment_intent": self.charge.payment_intent,
            "reason": self.reason,
            "status": self.status,
        }


@dataclass
class Dispute:
    """A dispute, or an inquiry when it starts as `warning_needs_response`."""

    id: str
    amount: int
    charge: Charge
    reason: str
    created: int
    status: str = "needs_response"

    def move_to(self, status: str) -> None:
        if status not in DISPUTE_STEPS.get(self.status, frozenset()):
            raise StripeError(400, f"A dispute with status {self.status} cannot become {status}.", param="status")
        self.status = status
        self.charge.refundable = status != "lost" and (status in CLOSED or status.startswith("warning_"))

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "dispute",
            "amount": self.amount,
            "charge": self.charge.id,
            "created": self.created,
            "currency": self.charge.currency,
            "evidence_details": {
                "due_by": self.created + DISPUTE_RESPONSE_DAYS * 86400,
                "has_evidence": False,
                "past_due": False,
                "submission_count": 0,
            },
            "is_charge_refundable": self.charge.refundable,
            "livemode": False,
            "metadata": {},
            "payment_intent": self.charge.payment_intent,
            "reason": self.reason,
            "status": self.status,
        }


@dataclass
class Ledger:
    """Every object by id, and events in the order they happened."""

    intents: dict[str, PaymentIntent] = field(default_factory=dict)
    charges: dict[str, Charge] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    disputes: dict[str, Dispute] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)

    def intent(self, intent_id: str, param: str = "id") -> PaymentIntent:
        intent = self.intents.get(intent_id)
        if intent is None:
            raise missing("payment_intent", intent_id, param)
        return intent

    def charge(self, charge_id: str) -> Charge:
        charge = self.charges.get(charge_id)
        if charge is None:
            raise missing("charge", charge_id, "charge")
        return charge
