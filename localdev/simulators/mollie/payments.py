"""Mollie payments with their refunds and chargebacks, in memory, rendered as Mollie API v2 objects."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

PROFILE_ID = "pfl_KoppelSim1"
DOCS = "https://docs.mollie.com/reference"
OPEN_FOR = timedelta(minutes=15)
NEXT_STATUSES = {
    "open": frozenset({"pending", "authorized", "paid", "failed", "canceled", "expired"}),
    "pending": frozenset({"authorized", "paid", "failed", "canceled", "expired"}),
    "authorized": frozenset({"paid", "canceled", "expired"}),
}
"""Where a payment can go from each status; paid, failed, canceled and expired are final."""
WEBHOOK_STATUSES = frozenset({"authorized", "paid", "failed", "canceled", "expired"})
"""Mollie calls the webhook when a payment reaches one of these."""
REFUND_STEPS = {
    "queued": frozenset({"pending", "canceled"}),
    "pending": frozenset({"processing", "refunded", "failed", "canceled"}),
    "processing": frozenset({"refunded", "failed"}),
    "refunded": frozenset({"failed"}),
}
"""Where a refund can go (source/payments/refunds.rst: canceled only before processing; failed after processing);
failed and canceled are final."""
UNDONE = frozenset({"failed", "canceled"})
DUPLICATE_REFUND_WINDOW = timedelta(hours=1)
"""A refund of the same amount as another on the payment within the hour is refused as a duplicate (409;
mollie/api-documentation source/payments/refunds.rst, create-payment-refund.rst)."""


class MollieError(Exception):
    """An answer in Mollie's error shape: `{status, title, detail, field?, _links.documentation}`."""

    TITLES = {
        400: "Bad Request",
        401: "Unauthorized Request",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        409: "Conflict",
        422: "Unprocessable Entity",
        429: "Too Many Requests",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }

    def __init__(self, status: int, detail: str, field: str | None = None, docs: str = "handling-errors") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.docs = docs

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "title": self.TITLES.get(self.status, "Error")}
        body["detail"] = self.detail
        if self.field is not None:
            body["field"] = self.field
        body["_links"] = {"documentation": link(f"https://docs.mollie.com/overview/{self.docs}", "text/html")}
        return body


class Ids:
    """Mollie-looking ids (`tr_` + 10 letters and digits) from a seeded generator: the same run, the same ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def next(self, prefix: str) -> str:
        return prefix + "".join(self._rng.choices(string.ascii_letters + string.digits, k=10))


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str

    def json(self) -> dict[str, str]:
        return {"currency": self.currency, "value": f"{self.value:.2f}"}


@dataclass
class Refund:
    id: str
    amount: Amount
    description: str
    metadata: Any
    created_at: datetime
    status: str = "pending"

    @property
    def counts(self) -> bool:
        """A failed or canceled refund gives the money back: it is not refunded."""
        return self.status not in UNDONE

    def move_to(self, status: str) -> None:
        if status not in REFUND_STEPS.get(self.status, frozenset()):
            raise MollieError(422, f"The refund cannot go from status {self.status} to {status}", "status")
        self.status = status


@dataclass(frozen=True)
class Chargeback:
    id: str
    amount: Amount
    reason: dict[str, str] | None
    created_at: datetime


@dataclass
class Payable:
    """What a payment and a payment link both are: an amount with a description, where the payer returns to and
    which webhook is called."""

    id: str
    mode: str
    created_at: datetime
    amount: Amount
    description: str
    redirect_url: str | None
    webhook_url: str | None


def payable_fields(payable: Payable) -> dict[str, Any]:
    """The fields of a payment or payment link that the other has too."""
    return {each.name: getattr(payable, each.name) for each in fields(Payable)}


@dataclass
class Payment(Payable):
    metadata: Any = None
    billing_address: dict[str, Any] | None = None
    """As the shop sent it (`email` among its fields); Mollie shows it back. `billingEmail`, a creation parameter of
    bank transfers, is taken but never shown."""
    status: str = "open"
    method: str | None = None
    reached_at: dict[str, datetime] = field(default_factory=dict)
    refunds: list[Refund] = field(default_factory=list)
    chargebacks: list[Chargeback] = field(default_factory=list)

    def refunded(self) -> Decimal:
        return sum((refund.amount.value for refund in self.refunds if refund.counts), Decimal(0))

    def charged_back(self) -> Decimal:
        return sum((chargeback.amount.value for chargeback in self.chargebacks), Decimal(0))

    def remaining(self) -> Decimal:
        """What can still be refunded: the amount less refunds and chargebacks."""
        return self.amount.value - self.refunded() - self.charged_back()

    def move_to(self, status: str, method: str, at: datetime) -> None:
        if status not in NEXT_STATUSES.get(self.status, frozenset()):
            raise MollieError(422, f"The payment cannot go from status {self.status} to {status}", "status")
        self.status = status
        self.reached_at[status] = at
        if status in {"authorized", "paid"} and self.method is None:
            self.method = method

    def refund(self, refund: Refund) -> None:
        if self.status != "paid":
            raise MollieError(422, f"The payment with status {self.status} cannot be refunded", "amount")
        if refund.amount.currency != self.amount.currency:
            raise MollieError(422, "The refund currency must match the payment currency", "amount.currency")
        if not Decimal(0) < refund.amount.value <= self.remaining():
            raise MollieError(
                422, f"The refund amount is higher than the amount remaining ({self.remaining():.2f})", "amount"
            )
        if any(
            earlier.amount == refund.amount and refund.created_at - earlier.created_at < DUPLICATE_REFUND_WINDOW
            for earlier in self.refunds
            if earlier.counts
        ):
            raise MollieError(409, "A duplicate refund has been detected")
        self.refunds.append(refund)

    def charge_back(self, chargeback: Chargeback) -> None:
        if self.status != "paid":
            raise MollieError(422, f"A payment with status {self.status} cannot be charged back", "status")
        if not Decimal(0) < chargeback.amount.value <= self.amount.value - self.charged_back():
            raise MollieError(422, "The chargeback amount exceeds what was paid and not yet charged back", "amount")
        self.chargebacks.append(chargeback)


@dataclass
class PaymentLink(Payable):
    """A payment link: paying it makes a payment of its own (`tr_`), which the link's webhook URL hears of."""

    paid_at: datetime | None = None


def timestamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def link(href: str, kind: str = "application/hal+json") -> dict[str, str]:
    return {"href": href, "type": kind}


def payment_json(payment: Payment, base: str) -> dict[str, Any]:
    """The payment as `GET /v2/payments/{id}` shows it; fields Mollie leaves out stay out (`paidAt` before paying)."""
    body: dict[str, Any] = {
        "resource": "payment",
        "id": payment.id,
        "mode": payment.mode,
        "createdAt": timestamp(payment.created_at),
        "amount": payment.amount.json(),
        "description": payment.description,
        "method": payment.method,
        "metadata": payment.metadata,
        "status": payment.status,
        "isCancelable": payment.status == "open",
        "profileId": PROFILE_ID,
        "sequenceType": "oneoff",
        "redirectUrl": payment.redirect_url,
        "webhookUrl": payment.webhook_url,
    }
    if payment.billing_address is not None:
        body["billingAddress"] = payment.billing_address
    if payment.status == "open":
        body["expiresAt"] = timestamp(payment.created_at + OPEN_FOR)
    for status, at in payment.reached_at.items():
        body[f"{status}At"] = timestamp(at)
    currency = payment.amount.currency
    if payment.status == "paid":
        body["amountRefunded"] = Amount(payment.refunded(), currency).json()
        body["amountRemaining"] = Amount(payment.remaining(), currency).json()
        body["settlementAmount"] = Amount(payment.amount.value - payment.charged_back(), currency).json()
    if payment.chargebacks:
        body["amountChargedBack"] = Amount(payment.charged_back(), currency).json()
    body["_links"] = _payment_links(payment, base)
    return body


def _payment_links(payment: Payment, base: str) -> dict[str, Any]:
    own = f"{base}/v2/payments/{payment.id}"
    links: dict[str, Any] = {"self": link(own)}
    if payment.status == "open":
        links["checkout"] = link(f"{base}/checkout/{payment.id}", "text/html")
    links["dashboard"] = link(f"{base}/dashboard/payments/{payment.id}", "text/html")
    if payment.refunds:
        links["refunds"] = link(f"{own}/refunds")
    if payment.chargebacks:
        links["chargebacks"] = link(f"{own}/chargebacks")
    links["documentation"] = link(f"{DOCS}/get-payment", "text/html")
    return links


def payment_link_json(paid_link: PaymentLink, base: str) -> dict[str, Any]:
    """As `GET /v2/payment-links/{id}` shows it (mollie/mollie-api-python tests/responses/payment_link_single.json):
    no payment id on it."""
    return {
        "resource": "payment-link",
        "id": paid_link.id,
        "mode": paid_link.mode,
        "profileId": PROFILE_ID,
        "createdAt": timestamp(paid_link.created_at),
        "paidAt": timestamp(paid_link.paid_at) if paid_link.paid_at else None,
        "expiresAt": None,
        "amount": paid_link.amount.json(),
        "description": paid_link.description,
        "redirectUrl": paid_link.redirect_url,
        "webhookUrl": paid_link.webhook_url,
        "_links": {
            "self": link(f"{base}/v2/payment-links/{paid_link.id}"),
            "paymentLink": link(f"{base}/payment-link/{paid_link.id}", "text/html"),
            "documentation": link(f"{DOCS}/get-payment-link", "text/html"),
        },
    }


def refund_json(payment: Payment, refund: Refund, base: str) -> dict[str, Any]:
    """A refund stays `pending` until `/_sim/.../refunds/{id}/status` moves it."""
    own = f"{base}/v2/payments/{payment.id}"
    return {
        "resource": "refund",
        "id": refund.id,
        "mode": payment.mode,
        "amount": refund.amount.json(),
        "status": refund.status,
        "createdAt": timestamp(refund.created_at),
        "description": refund.description,
        "metadata": refund.metadata,
        "paymentId": payment.id,
        "settlementAmount": Amount(-refund.amount.value, refund.amount.currency).json(),
        "_links": {
            "self": link(f"{own}/refunds/{refund.id}"),
            "payment": link(own),
            "documentation": link(f"{DOCS}/create-refund", "text/html"),
        },
    }


def chargeback_json(payment: Payment, chargeback: Chargeback, base: str) -> dict[str, Any]:
    own = f"{base}/v2/payments/{payment.id}"
    return {
        "resource": "chargeback",
        "id": chargeback.id,
        "amount": chargeback.amount.json(),
        "settlementAmount": Amount(-chargeback.amount.value, chargeback.amount.currency).json(),
        "createdAt": timestamp(chargeback.created_at),
        "reason": chargeback.reason,
        "reversedAt": None,
        "paymentId": payment.id,
        "_links": {
            "self": link(f"{own}/chargebacks/{chargeback.id}"),
            "payment": link(own),
            "documentation": link(f"{DOCS}/get-chargeback", "text/html"),
        },
    }


def listing(kind: str, items: list[dict[str, Any]], own: str, rest: str | None = None) -> dict[str, Any]:
    """A Mollie list answer: `{count, _embedded: {kind: [...]}, _links}`; `rest`: the next page's URL."""
    following = link(rest) if rest is not None else None
    return {
        "count": len(items),
        "_embedded": {kind: items},
        "_links": {"self": link(own), "previous": None, "next": following, "documentation": link(DOCS, "text/html")},
    }
