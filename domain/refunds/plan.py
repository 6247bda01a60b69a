"""How a posted credit memo is paid back: split over the order's provider payments, each giving back at most what it
still holds, or why Koppel gives nothing back (paid on account) or leaves it to a person.

Rules, in order:
- no payment recorded for the order: paid on account or by bank transfer; the credit memo stays open on the
  customer in BC;
- payments only through the shop itself (WooCommerce / Shopify gateways Koppel has no account for): a person;
- a payment in another currency than the credit memo: a person;
- a refund at a provider that Koppel did not make (the shop or someone in the provider's dashboard paid back
  already, on a channel whose refunds come from BC): a person, never a second refund;
- else the credit memo's amount over the payments, oldest first, each up to what it still holds (its amount less
  every refund not failed, its chargebacks, and what other credit memos' planned refunds not yet asked will take);
  what they cannot cover is told to a person once the rest is paid back.

Right before a planned refund is asked, its payment is read again (`recheck`): a refund made outside Koppel since,
or less left than the part, and the part goes to a person instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.payments.payment import Money, Payment
from domain.refunds.ports import ProviderRefund
from domain.refunds.record import RefundPart


@dataclass(frozen=True)
class HeldPayment:
    """One of the order's payments at a provider Koppel can refund at: as just read there, with its refunds."""

    payment: Payment
    refunds: list[ProviderRefund]
    reserved: Decimal = Decimal(0)
    """What other credit memos' planned refunds, not asked yet, will take from it."""

    @property
    def holds(self) -> Decimal:
        """What it can still give back: received, less every refund that is not failed (pending ones too) and what
        is reserved."""
        if self.payment.received <= 0:
            return Decimal(0)
        given_back = sum((refund.amount.amount for refund in self.refunds if not refund.failed), Decimal(0))
        left = self.payment.amount.amount - self.payment.charged_back - given_back
        return max(Decimal(0), min(left, self.payment.received) - self.reserved)

    @property
    def refunded_outside_koppel(self) -> Decimal:
        return sum(
            (refund.amount.amount for refund in self.refunds if not refund.failed and not refund.koppel_key),
            Decimal(0),
        )


@dataclass(frozen=True)
class Plan:
    parts: list[RefundPart]
    shortfall: str = ""
    """What the payments cannot cover, for a person; "" when they cover all of it."""


@dataclass(frozen=True)
class NothingToRefund:
    """Koppel pays nothing back: `why` says so (paid on account)."""

    why: str


@dataclass(frozen=True)
class ForAPerson:
    why: str


def plan_refund(
    credited: Money, number: str, held: list[HeldPayment], shop_paid: list[str]
) -> Plan | NothingToRefund | ForAPerson:
    """The parts that pay back `credited` (credit memo `number`) from `held`; `shop_paid`: the providers of the
    order's payments taken by the shop itself."""
    if not held:
        if shop_paid:
            return ForAPerson(
                f"credit memo {number} ({credited}): the order was paid through the shop ({', '.join(shop_paid)}), "
                "where Koppel cannot refund; refund it there"
            )
        return NothingToRefund(f"credit memo {number}: no payment at a provider, it stays open on the customer in BC")
    other = sorted({each.payment.amount.currency for each in held} - {credited.currency})
    if other:
        return ForAPerson(f"credit memo {number} is in {credited.currency}, the order was paid in {', '.join(other)}")
    outside = sum((each.refunded_outside_koppel for each in held), Decimal(0))
    if outside > 0:
        return ForAPerson(
            f"{credited.currency} {outside:.2f} of the order was refunded at the provider outside Koppel, on a channel "
            f"whose refunds come from BC: check that credit memo {number} ({credited}) is not paid back twice"
        )
    return _split(credited, number, held)


def _split(credited: Money, number: str, held: list[HeldPayment]) -> Plan:
    parts: list[RefundPart] = []
    left = credited.amount
    for each in sorted(held, key=lambda each: each.payment.paid_at or each.payment.created_at):
        amount = min(left, each.holds)
        if amount > 0:
            parts.append(RefundPart(payment=each.payment.key, amount=Money(amount=amount, currency=credited.currency)))
            left -= amount
    if left <= 0:
        return Plan(parts)
    covered = credited.amount - left
    return Plan(
        parts,
        shortfall=(
            f"credit memo {number} is {credited}, the order's payments held {credited.currency} {covered:.2f}: "
            f"{credited.currency} {left:.2f} is not paid back by Koppel"
        ),
    )


def recheck(part: RefundPart, number: str, held: HeldPayment) -> str:
    """Why the planned `part` of credit memo `number` is no longer to be asked, read again right before: a refund
    made outside Koppel since, or less left than the part; "" when it still stands."""
    outside = held.refunded_outside_koppel
    if outside > 0:
        return (
            f"{part.amount.currency} {outside:.2f} of payment {part.payment.payment_id} was refunded at the provider "
            f"outside Koppel: check that credit memo {number} is not paid back twice"
        )
    if part.amount.amount > held.holds:
        return (
            f"payment {part.payment.payment_id} holds {part.amount.currency} {held.holds:.2f}, less than the "
            f"{part.amount} planned for credit memo {number}"
        )
    return ""
