"""Carrying out a credit memo's planned refunds: each asked of its provider once, under its key, after its payment is
read again; then the shop told of what moved. Every step is written to the record before the next."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from domain.models import PaymentKey
from domain.refunds.held_payments import held_now, reserved_by
from domain.refunds.plan import HeldPayment, recheck
from domain.refunds.ports import ProviderRefund, RefundRefused
from domain.refunds.record import CreditMemoRefund, RefundPart, RefundState
from domain.refunds.refunding import CreditMemoRefunding
from domain.runs import RunTally

Written = tuple[CreditMemoRefund, str]
JustRead = Mapping[PaymentKey, HeldPayment]
"""Payments read at their providers moments ago, when the refund was planned in the same run: not read again."""


def pay_back(
    refunding: CreditMemoRefunding, record: CreditMemoRefund, etag: str, tally: RunTally, just_read: JustRead
) -> Written:
    """Each part not refunded yet asked of its provider, then the shop told; stops at the first part a person has
    to see to. RetryableError when a provider or the shop does not answer (the next run goes on)."""
    for part in record.parts:
        if record.state is not RefundState.REFUNDING:
            break
        if not part.refund_id:
            record, etag = _refund_part(refunding, record, etag, part, tally, just_read=just_read.get(part.payment))
    if record.state is RefundState.TELLING_SHOP:
        record, etag = _tell_shop(refunding, record, etag)
    return record, etag


def _refund_part(
    refunding: CreditMemoRefunding,
    record: CreditMemoRefund,
    etag: str,
    part: RefundPart,
    tally: RunTally,
    *,
    just_read: HeldPayment | None,
) -> Written:
    """The refund under the part's key if the provider has it (a lost answer, a crash); else, its payment read again
    (unless `just_read` for its plan) and still holding the part, the refund asked."""
    key = record.key_of(part)
    try:
        held = just_read or _read_again(refunding, record, part)
        found = next((refund for refund in held.refunds if refund.koppel_key == key), None)
        if found is None:
            why = recheck(part, record.credit_memo_number, held)
            if why:
                return _for_a_person(refunding, record, etag, why)
            found = _ask(refunding, record, part, key)
            tally.pushed += 1
    except RefundRefused as refused:
        said = f"{part.payment.provider} refused to refund {part.amount} of credit memo {record.credit_memo_number}"
        return _for_a_person(refunding, record, etag, f"{said}: {refused.message}")
    if found.failed:
        why = f"{part.payment.provider} refund {found.refund_id} of {part.amount} is {found.status}: ask again by hand"
        return _for_a_person(refunding, record, etag, why)
    changed = record.with_refund(part, found.refund_id, refunding.clock.now())
    return changed, refunding.refunds.write(changed, etag)


def _read_again(refunding: CreditMemoRefunding, record: CreditMemoRefund, part: RefundPart) -> HeldPayment:
    others = reserved_by(refunding.refunds.for_order(record.order), but=record.credit_memo_id)
    return held_now(refunding.providers, part.payment, others.get(part.payment, Decimal(0)))


def _ask(refunding: CreditMemoRefunding, record: CreditMemoRefund, part: RefundPart, key: str) -> ProviderRefund:
    access = refunding.providers.refunds_at(part.payment)
    if access is None:
        raise RefundRefused(f"Koppel has no {part.payment.provider} account {part.payment.account}")
    account, _, refunds = access
    description = f"Credit memo {record.credit_memo_number}"
    return refunds.create(account, part.payment.payment_id, part.amount, key, description)


def _tell_shop(refunding: CreditMemoRefunding, record: CreditMemoRefund, etag: str) -> Written:
    """Record what moved in the shop, moving nothing there (the shop answers the record under the key if it has it
    already); a shop Koppel cannot write to is not told."""
    shop = refunding.shops.get((record.order.source, record.order.shop))
    if shop is None or not record.refunded:
        changed = record.told("", refunding.clock.now())
        return changed, refunding.refunds.write(changed, etag)
    paid_back = record.refunded_money
    try:
        told = shop.record(record.order, paid_back, record.shop_key, f"Credit memo {record.credit_memo_number}")
    except RefundRefused as refused:
        why = f"{paid_back} was refunded, but the shop refused to record it: {refused.message}"
        return _for_a_person(refunding, record, etag, why)
    changed = record.told(told.refund_id, refunding.clock.now())
    return changed, refunding.refunds.write(changed, etag)


def _for_a_person(refunding: CreditMemoRefunding, record: CreditMemoRefund, etag: str, why: str) -> Written:
    """For a person, saying what was refunded of the credit memo already, so nobody pays that again."""
    done = f"; {record.refunded_money} of it refunded already" if record.refunded else ""
    changed = record.for_a_person(f"credit memo {record.credit_memo_number}: {why}{done}", refunding.clock.now())
    return changed, refunding.refunds.write(changed, etag)
